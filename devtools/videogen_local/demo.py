"""`make demo`: videogen end to end on the embedded local cloud, through its HTTP API, offline.

It walks the projects API (create, list, get, update, a refused stale update, delete), then renders every
script in examples/ through POST /renders (the real state machine on moto) and downloads the video,
subtitles and thumbnail through the presigned links the API hands out, into out/. An example with an
audio file of its name beside it (lighthouse.md, lighthouse.ogg) gets it as music, uploaded through a
presigned POST.
"""

from __future__ import annotations

import json
import mimetypes
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from videogen.domain.layout import outputs_of
from videogen_local.api_keys import KeyStore
from videogen_local.cloud import LocalCloud
from videogen_local.process import exit_with, tune_collector
from videogen_local.render import local_name, music_beside
from videogen_local.server import LocalApiGateway, LocalApiServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OUT = ROOT / "out"
DEMO_OWNER = "demo-user"
FORMATS = {".md": "md", ".txt": "txt", ".fountain": "fountain", ".json": "json"}


class DemoClient:
    """A tiny HTTP client that prints each call the way a user would type it."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self.key = key

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        quiet: bool = False,
    ) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, response_headers, text = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            status, response_headers, text = error.code, error.headers, error.read().decode()
        payload = json.loads(text) if text else None
        if not quiet:
            etag = response_headers.get("ETag")
            print(f"\n$ {method} {path}  ->  {status}" + (f"  ETag: {etag}" if etag else ""))
            if payload is not None:
                shown = (
                    {k: v for k, v in payload.items() if k != "script"}
                    if isinstance(payload, dict)
                    else payload
                )
                print("  " + json.dumps(shown, indent=2, default=str).replace("\n", "\n  ")[:1200])
        return payload


def walk_the_api(client: DemoClient) -> None:
    """The projects API, verb by verb, including the errors a user meets."""
    print("\n=== 1. The projects API ===")
    client.call("GET", "/health")
    created = client.call(
        "POST", "/projects", {"title": "A harbour morning", "script": "## Dawn\nThe harbour wakes.\n"}
    )
    project = f"/projects/{created['id']}"
    client.call("GET", "/projects?limit=10")
    client.call("GET", project)
    client.call("PATCH", project, {"title": "A harbour at dawn"}, {"If-Match": '"v1"'})
    client.call("PATCH", project, {"title": "A stale edit"}, {"If-Match": '"v1"'})
    client.call("POST", "/projects", {"title": "Broken", "script": "## One\nDuration: 45s\nToo long."})
    client.call("DELETE", project)
    client.call("GET", project)


def form_body(fields: dict[str, str], filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body of ``fields`` and then the file (field ``file``), as a browser sends
    it, and the Content-Type header that goes with it."""
    boundary = f"videogen-{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_form(url: str, fields: dict[str, str], filename: str, data: bytes, content_type: str) -> int:
    """An HTML-form upload of ``fields`` and then the file to ``url``; returns the HTTP status."""
    body, form_type = form_body(fields, filename, data, content_type)
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", form_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def add_music(client: DemoClient, project_id: str, music: Path) -> None:
    """Give a project background music the way any API client does: a presigned POST, then PUT /music."""
    content_type = mimetypes.guess_type(music.name)[0] or "application/octet-stream"
    data = music.read_bytes()
    offer = client.call(
        "POST",
        f"/projects/{project_id}/music/uploads",
        {"filename": music.name, "content_type": content_type, "size": len(data)},
    )
    status = post_form(offer["url"], offer["fields"], music.name, data, content_type)
    print(f"\n$ POST {offer['url']}  (the file, {len(data)} bytes, straight to S3)  ->  {status}")
    client.call("PUT", f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})


def render_example(client: DemoClient, script: Path) -> list[Path]:
    """Create a project from one example (with the music beside it, if any), render it, download its
    outputs into out/."""
    created = client.call(
        "POST",
        "/projects",
        {
            "title": script.stem.replace("-", " ").title(),
            "script": script.read_text(encoding="utf-8"),
            "script_format": FORMATS[script.suffix],
        },
        quiet=True,
    )
    settings = created["settings"]
    print(
        f"\n{script.name}: {created['scene_count']} scenes, {settings['aspect_ratio']} "
        f"{settings['resolution']} {settings['fps']} fps"
    )
    music = music_beside(script, None)
    if music is not None:
        add_music(client, created["id"], music)
    started = time.monotonic()
    client.call("POST", f"/projects/{created['id']}/renders", quiet=True)
    last = ""
    while True:
        project = client.call("GET", f"/projects/{created['id']}", quiet=True)
        progress = project.get("progress") or {}
        line = f"  {project['status']:<10} {progress.get('stage', '')} {progress.get('scenes_done', '')}"
        if line != last:
            print(line.rstrip())
            last = line
        if project["status"] in {"COMPLETED", "FAILED"}:
            break
        time.sleep(0.5)
    if project["status"] == "FAILED":
        print(f"  failed: {project['error']}")
        return []
    assets = {
        asset["id"]: asset
        for asset in client.call("GET", f"/projects/{created['id']}/assets", quiet=True)["items"]
    }
    written = []
    video = OUT / f"{script.stem}.mp4"
    # The video first (it is what the demo shows), then the render's other files beside it.
    for output in sorted(outputs_of(None), key=lambda output: output.name != "video"):
        target = local_name(video, output.name, output.suffix)
        with urllib.request.urlopen(assets[output.asset_id]["download_url"], timeout=60) as response:
            target.write_bytes(response.read())
        written.append(target)
    print(f"  rendered in {time.monotonic() - started:.1f} s → {written[0].relative_to(ROOT)}")
    return written


def tour_the_console(server: LocalApiServer, client: DemoClient) -> list[Path]:
    """Screenshots of the console's pages, signed in as the demo's owner; none without Chromium."""
    from videogen_local.console_tour import photograph_console  # noqa: PLC0415 - Playwright, heavy

    listing = client.call("GET", "/projects?status=COMPLETED&limit=1", quiet=True)
    newest = listing["items"][0]["id"] if listing and listing.get("items") else None
    try:
        shots = photograph_console(server, DEMO_OWNER, newest, OUT / "console")
    except RuntimeError as exc:  # no Chromium: `make demo` installs it, `python -m` may not have
        print(f"  skipped: {exc}")
        return []
    for shot in shots:
        print(f"  {shot.relative_to(ROOT)}")
    return shots


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="videogen-demo-") as home, LocalCloud() as cloud:
        keys = KeyStore(Path(home))
        server = LocalApiServer(LocalApiGateway(cloud, keys), "127.0.0.1", 0)
        server.start_background()
        print(
            f"videogen local cloud is up: API on {server.base_url} (moto, no AWS account, no Docker, offline)"
        )
        client = DemoClient(server.base_url, keys.add(DEMO_OWNER))
        try:
            walk_the_api(client)
            print("\n=== 2. Rendering examples/ through POST /renders and Step Functions ===")
            videos = [
                render_example(client, script)
                for script in sorted(EXAMPLES.iterdir())
                if script.suffix in FORMATS
            ]
            print("\n=== 3. The web console (`videogen serve` serves it at /) ===")
            shots = tour_the_console(server, client)
        finally:
            server.shutdown()
            server.server_close()
    made = [files[0] for files in videos if files]
    print("\nDone. Videos (with .srt, .vtt, .jpg, .storyboard.jpg and .manifest.json beside each):")
    for video in made:
        print(f"  {video}")
    if shots:
        print(f"The console, page by page at 375 and 1440 px wide: {len(shots)} screenshots in out/console/")
    return 0 if len(made) == len(videos) else 1


if __name__ == "__main__":
    tune_collector()
    exit_with(main())
