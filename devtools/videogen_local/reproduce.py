"""`videogen render --from-manifest`: render again what a manifest describes, and say whether it came out
the same.

The manifest holds the script exactly as rendered and the settings with the seed the images were drawn
with, so the same images are asked for (the same provider requests: prompt, seed, size). With the local
provider and voice everything is deterministic and the video comes out byte for byte the same; a cloud
provider may draw a different picture for the same request, which the image hashes then show.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from videogen.domain.manifest import RenderManifest
from videogen.media.probe import decoded_digest
from videogen_local.render import run_render_command


def run_manifest_command(
    manifest_path: Path,
    output: Path | None,
    stream: TextIO,
    error_stream: TextIO,
    *,
    music: Path | None = None,
    from_build: Path | None = None,
) -> int:
    """Exit 0 on a video (the same or not: the comparison is printed), 2 on an unusable manifest or a
    missing music file, 1 on a failed render."""
    try:
        manifest = RenderManifest.model_validate_json(manifest_path.read_bytes())
    except OSError as exc:
        print(f"videogen: {manifest_path}: {exc.strerror or exc}", file=error_stream)
        return 2
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "the document"
        print(
            f"videogen: {manifest_path}: not a render manifest ({where}: {problem['msg']})", file=error_stream
        )
        return 2
    if manifest.stop_after is not None:
        print(
            f"videogen: {manifest_path}: this render stopped after its {manifest.stop_after}: there is no "
            "video to reproduce",
            file=error_stream,
        )
        return 2
    if manifest.music is not None and music is None:
        print(
            f"videogen: {manifest_path}: the render had music ({manifest.music.name or manifest.music.key}): "
            "give the same file with --music FILE",
            file=error_stream,
        )
        return 2
    target = output or Path(f"{manifest.project_id}-{manifest.render_id}.mp4")
    with tempfile.TemporaryDirectory(prefix="videogen-manifest-") as folder:
        script = Path(folder) / f"{target.stem}.{manifest.script.format}"
        script.write_text(manifest.script.text, encoding="utf-8")
        status = run_render_command(
            script,
            target,
            dict(manifest.settings),
            stream,
            music=music,
            find_music_beside=False,
            from_build=from_build,
        )
    if status != 0:
        return status
    _compare(manifest, target, stream)
    return 0


def _compare(manifest: RenderManifest, video: Path, stream: TextIO) -> None:
    expected = manifest.outputs.get("video")
    actual = hashlib.sha256(video.read_bytes()).hexdigest()
    if expected is None:
        print(f"The manifest records no video to compare with; {video.name} sha256 {actual}", file=stream)
    elif expected.sha256 == actual:
        print(f"Reproduced byte for byte: {video.name} sha256 {actual}", file=stream)
    elif expected.decoded_sha256 is not None and expected.decoded_sha256 == decoded_digest(video):
        # Another x264 build, say, may code a frame another way that decodes to the same pixels.
        print(
            f"Reproduced frame for frame and sample for sample: {video.name} decodes to exactly the "
            f"manifest's pictures and sound (the file's bytes differ: sha256 {actual})",
            file=stream,
        )
    else:
        print(
            f"Not the same video: sha256 {actual}, the manifest's {expected.sha256} (a cloud provider may "
            "draw a new picture for the same request; compare the scene images' hashes)",
            file=stream,
        )
