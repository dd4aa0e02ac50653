"""How `videogen render --from-manifest` says what came out, once the video is rendered again: byte for byte
against the manifest's hash, or frame for frame against the manifest's video when it lies beside the
manifest (found by name and checked by its hash), or not the same."""

from __future__ import annotations

import hashlib
import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from videogen.domain.manifest import OutputRecord, RenderManifest, ScriptRecord
from videogen.media.ffmpeg import ffmpeg_exe
from videogen_local import reproduce


def _ffmpeg(*args: str) -> None:
    subprocess.run(  # noqa: S603 - the bundled ffmpeg, our own arguments
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args], check=True, timeout=60
    )


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A short video, the same pictures and sound in other bytes (remuxed with a title), and another one."""
    folder = tmp_path_factory.mktemp("videos")
    made = {name: folder / f"{name}.mp4" for name in ("original", "remuxed", "other")}
    for name, source in (("original", "testsrc2"), ("other", "smptebars")):
        _ffmpeg(
            *("-f", "lavfi", "-i", f"{source}=s=160x90:r=10:d=1", "-f", "lavfi", "-i", "sine=d=1"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(made[name])),
        )
    _ffmpeg("-i", str(made["original"]), "-c", "copy", "-metadata", "title=again", str(made["remuxed"]))
    return made


def _manifest(video: Path) -> RenderManifest:
    return RenderManifest(
        project_id="p1",
        render_id="000001",
        created_at=datetime.now(UTC),
        videogen_version="test",
        script=ScriptRecord(format="md", text="## A\nB\n", sha256="0" * 64),
        settings={},
        outputs={
            "video": OutputRecord(
                key="projects/p1/renders/000001/video.mp4",
                bytes=video.stat().st_size,
                sha256=hashlib.sha256(video.read_bytes()).hexdigest(),
            )
        },
        scenes=[],
    )


def _said(manifest: RenderManifest, manifest_path: Path, again: Path) -> str:
    stream = io.StringIO()
    original = reproduce._original_video(manifest, manifest_path, again)
    reproduce._compare(manifest, again, original, stream)
    return stream.getvalue()


def _beside(folder: Path, name: str, video: Path) -> None:
    """A copy of ``video`` in ``folder`` under ``name``."""
    (folder / name).write_bytes(video.read_bytes())


def test_other_bytes_of_the_same_frames_count_when_the_manifests_video_is_beside_it(
    videos: dict[str, Path], tmp_path: Path
) -> None:
    # Given the manifest beside its video, named as `videogen render` names them
    manifest = _manifest(videos["original"])
    _beside(tmp_path, "story.mp4", videos["original"])

    said = _said(manifest, tmp_path / "story.manifest.json", videos["remuxed"])

    assert "Reproduced frame for frame and sample for sample" in said
    assert "story.mp4, the manifest's video" in said


def test_the_video_as_the_render_stored_it_is_found_too(videos: dict[str, Path], tmp_path: Path) -> None:
    manifest = _manifest(videos["original"])
    _beside(tmp_path, "video.mp4", videos["original"])

    said = _said(manifest, tmp_path / "manifest.json", videos["remuxed"])

    assert "Reproduced frame for frame" in said


def test_without_the_manifests_video_other_bytes_are_not_the_same_and_it_says_how_to_compare(
    videos: dict[str, Path], tmp_path: Path
) -> None:
    manifest = _manifest(videos["original"])
    # A file by the right name whose bytes are not the manifest's video is not taken for it
    _beside(tmp_path, "story.mp4", videos["other"])

    said = _said(manifest, tmp_path / "story.manifest.json", videos["remuxed"])

    assert said.startswith("Not the same video")
    assert "put the manifest's video beside it" in said


def test_the_same_bytes_are_byte_for_byte_and_other_pictures_are_not_the_same(
    videos: dict[str, Path], tmp_path: Path
) -> None:
    manifest = _manifest(videos["original"])
    _beside(tmp_path, "story.mp4", videos["original"])
    manifest_path = tmp_path / "story.manifest.json"

    assert _said(manifest, manifest_path, videos["original"]).startswith("Reproduced byte for byte")
    other = _said(manifest, manifest_path, videos["other"])
    assert other.startswith("Not the same video") and "beside it" not in other
