"""A scene's own picture end to end: `videogen render` takes the file a script names beside it, the video
shows it where the scene is (fitted, moving, captioned as a generated image would be), the manifest says
so, and bad pictures are refused at the line and column that name them."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.support.build import both_ways
from tests.support.http import create_over_http, http
from videogen.media.ffmpeg import BASE_ARGS, run_ffmpeg
from videogen_local.demo import post_form
from videogen_local.render import run_render_command
from videogen_local.server import LocalApiServer

MAGENTA = (230, 20, 200)
SCRIPT = (
    "---\nvoice: none\nresolution: 480p\nfps: 24\naspect_ratio: 9:16\n---\n"
    "## Dawn\nThe harbour wakes.\nDuration: 1.5s\nTransition: cut\n\n"
    "## Boats\nPicture: photos/boats.jpg\nBoats leave.\nDuration: 1.5s\n"
)
PICTURE_LINE = SCRIPT.splitlines().index("Picture: photos/boats.jpg") + 1


def _render(*args: Any, **kwargs: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        code = run_render_command(*args, stream=out, **kwargs)
    return code, out.getvalue(), err.getvalue()


def _picture(path: Path, size: tuple[int, int] = (1280, 720)) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, MAGENTA).save(path, "JPEG", quality=95)
    return path.read_bytes()


def _frame_at(video: Path, seconds: float, out: Path) -> Image.Image:
    run_ffmpeg([*BASE_ARGS, "-ss", f"{seconds}", "-i", str(video), "-frames:v", "1", str(out)])
    return Image.open(out).convert("RGB")


def _near(colour: tuple[int, ...], target: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=False))


@pytest.mark.slow
def test_videogen_render_shows_the_picture_beside_the_script_in_its_scene(tmp_path: Path) -> None:
    # Given a 9:16 script whose second scene names a landscape photo in a folder beside it
    script = tmp_path / "story.md"
    script.write_text(SCRIPT, encoding="utf-8")
    _picture(tmp_path / "photos" / "boats.jpg")

    code, _, err = _render(script, tmp_path / "story.mp4", {})

    assert code == 0, err
    # Then the second scene's frames are the picture (the middle column: a landscape photo in a portrait
    # frame is shown whole over a blurred copy of itself); the first scene's are drawn
    video = tmp_path / "story.mp4"
    first = _frame_at(video, 0.7, tmp_path / "first.png")
    second = _frame_at(video, 2.2, tmp_path / "second.png")
    middle = (second.width // 2, second.height // 2)
    assert _near(second.getpixel(middle), MAGENTA), second.getpixel(middle)
    assert not _near(first.getpixel(middle), MAGENTA)
    # and the manifest says which scene showed the user's picture, with its hash
    manifest = json.loads((tmp_path / "story.manifest.json").read_text(encoding="utf-8"))
    images = [scene["image"] for scene in manifest["scenes"]]
    assert [image["source"] for image in images] == ["generated", "user picture"]
    assert images[1]["picture"]["name"] == "photos/boats.jpg"
    assert images[1]["picture"]["format"] == "JPEG"
    assert (images[1]["picture"]["width"], images[1]["picture"]["height"]) == (1280, 720)


def test_videogen_render_refuses_bad_pictures_at_their_line_and_column(tmp_path: Path) -> None:
    script = tmp_path / "story.md"
    script.write_text(SCRIPT, encoding="utf-8")
    where = f"{script}:{PICTURE_LINE}:10"

    missing = _render(script, tmp_path / "a.mp4", {})
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "boats.jpg").write_text("not a picture\n", encoding="utf-8")
    not_an_image = _render(script, tmp_path / "b.mp4", {})
    _picture(tmp_path / "photos" / "boats.jpg", (48, 48))
    tiny = _render(script, tmp_path / "c.mp4", {})
    leaving = tmp_path / "leaving.md"
    leaving.write_text(SCRIPT.replace("photos/boats.jpg", "../boats.jpg"), encoding="utf-8")
    outside = _render(leaving, tmp_path / "d.mp4", {})

    assert missing[0] == 2 and missing[2].startswith(f'{where}: "Picture: photos/boats.jpg" — there is no')
    assert f"no picture 'photos/boats.jpg' in {tmp_path}/" in missing[2]
    assert not_an_image[0] == 2 and where in not_an_image[2], not_an_image[2]
    assert "not" in not_an_image[2] and "picture" in not_an_image[2].lower()
    assert tiny[0] == 2 and where in tiny[2] and "48" in tiny[2], tiny[2]
    assert outside[0] == 2 and f"{leaving}:{PICTURE_LINE}:10" in outside[2], outside[2]
    assert not list(tmp_path.glob("*.mp4"))


@both_ways
def test_a_picture_posted_to_the_presigned_form_is_checked_and_attached_over_http(
    server: LocalApiServer, tmp_path: Path
) -> None:
    # Given a project over HTTP (from the build: InspectPicture runs as deployed, with only its own Pillow)
    key, created = create_over_http(
        server, "alice", {"title": "Harbour", "script": SCRIPT, "settings": {"voice": "none"}}
    )
    scene = f"{server.base_url}/projects/{created['id']}/scenes/1"
    data = _picture(tmp_path / "dawn.jpg")

    # When the picture goes to (local) S3 through the presigned form, and the scene takes it
    status, offer = http(
        f"{scene}/picture/uploads",
        "POST",
        {"filename": "dawn.jpg", "content_type": "image/jpeg", "size": len(data)},
        key,
    )
    assert status == 201
    assert post_form(offer["url"], offer["fields"], "dawn.jpg", data, "image/jpeg") == 204
    status, attached = http(f"{scene}/picture", "PUT", {"upload_id": offer["upload_id"]}, key)

    # Then the scene shows it
    assert status == 200, attached
    assert (attached["picture_name"], attached["image_provider"]) == ("dawn.jpg", "user")
