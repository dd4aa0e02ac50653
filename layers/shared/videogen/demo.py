"""`make demo`: videogen end to end on the embedded local cloud, through its HTTP API, offline."""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from videogen.local.cloud import LocalCloud
from videogen.local.keys import KeyStore
from videogen.local.server import LocalApiGateway, LocalApiServer

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "lighthouse.md"


class DemoClient:
    """A tiny HTTP client that prints each call the way a user would type it."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self.key = key

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
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
        etag = response_headers.get("ETag")
        print(f"\n$ {method} {path}  ->  {status}" + (f"  ETag: {etag}" if etag else ""))
        payload = json.loads(text) if text else None
        if payload is not None:
            shown = (
                {k: v for k, v in payload.items() if k != "script"} if isinstance(payload, dict) else payload
            )
            print("  " + json.dumps(shown, indent=2, default=str).replace("\n", "\n  ")[:1500])
        return payload


def main() -> int:
    script = EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.exists() else "## Dawn\nThe sea wakes up.\n"
    with tempfile.TemporaryDirectory(prefix="videogen-demo-") as home, LocalCloud() as cloud:
        keys = KeyStore(Path(home))
        key = keys.add("demo-user")
        server = LocalApiServer(LocalApiGateway(cloud, keys), "127.0.0.1", 0)
        server.start_background()
        print(f"videogen local cloud is up: API on {server.base_url} (moto, no AWS account, no Docker)")
        client = DemoClient(server.base_url, key)
        try:
            client.call("GET", "/health")
            created = client.call(
                "POST",
                "/projects",
                {"title": "The lighthouse keeper", "script": script, "settings": {"resolution": "480p"}},
            )
            project = f"/projects/{created['id']}"
            client.call("GET", "/projects?limit=10")
            client.call("GET", project)
            client.call("PATCH", project, {"title": "The last lighthouse keeper"}, {"If-Match": '"v1"'})
            client.call("PATCH", project, {"title": "A stale edit"}, {"If-Match": '"v1"'})
            client.call("POST", "/projects", {"title": "", "script": "   "})
            client.call("DELETE", project)
            client.call("GET", project)
        finally:
            server.shutdown()
            server.server_close()
    print("\nDone: create, list, get, update (and a stale update refused), delete, on the local cloud.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
