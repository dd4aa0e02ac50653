"""`videogen render --from-manifest`: render again what a manifest describes, and say whether it came out
the same.

The manifest holds the script exactly as rendered and the settings with the seed the images were drawn
with, so the same images are asked for (the same provider requests: prompt, seed, size). With the local
provider and voice everything is deterministic and the video comes out byte for byte the same; a cloud
provider may draw a different picture for the same request, which the image hashes then show. When the
bytes differ and the manifest's video lies beside it, the two are decoded and compared frame for frame.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from videogen.domain import layout
from videogen.domain.manifest import RenderManifest
from videogen.media.probe import decoded_digest
from videogen_local.render import local_name, run_render_command

#: What `videogen render` adds to a video's name for its manifest (``render.local_name``).
_MANIFEST_SUFFIX = local_name(Path("story.mp4"), "manifest", ".json").name.removeprefix("story")


def run_manifest_command(
    manifest_path: Path,
    output: Path | None,
    stream: TextIO,
    error_stream: TextIO,
    *,
    music: Path | None = None,
    pictures: Path | None = None,
    from_build: Path | None = None,
) -> int:
    """Exit 0 on a video (the same or not: the comparison is printed), 2 on an unusable manifest or a
    missing music file or picture, 1 on a failed render.

    ``pictures``: the folder the script's own pictures are in (default: the manifest's folder).
    """
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
        missing = _gather_pictures(manifest, pictures or manifest_path.parent, Path(folder))
        if missing:
            print(f"videogen: {manifest_path}: {missing}", file=error_stream)
            return 2
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
    _compare(manifest, target, _original_video(manifest, manifest_path, target), stream)
    return 0


def _gather_pictures(manifest: RenderManifest, source: Path, folder: Path) -> str | None:
    """Copy the user's pictures the manifest's scenes showed from ``source`` into ``folder`` (beside the
    script written there), by the paths the script gives; returns what is wrong, or None."""
    from videogen.scripts.parser import parse_script  # noqa: PLC0415 - only for manifests with pictures

    shown = {
        scene.number: scene.image.picture
        for scene in manifest.scenes
        if scene.image is not None and scene.image.picture is not None
    }
    if not shown:
        return None
    for spec in parse_script(manifest.script.text, manifest.script.format).scenes:
        expected = shown.get(spec.number)
        if spec.picture is None or expected is None:
            continue
        found = (source / spec.picture.path).resolve()
        if not found.is_relative_to(source.resolve()) or not found.is_file():
            return (
                f"scene {spec.number} showed the picture {spec.picture.path!r}, which is not in {source}: "
                "give its folder with --pictures DIR"
            )
        data = found.read_bytes()
        if hashlib.sha256(data).hexdigest() != expected.sha256:
            return f"{found} is not the picture scene {spec.number} showed (its SHA-256 differs)"
        copy = folder / spec.picture.path
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data)
    return None


def _original_video(manifest: RenderManifest, manifest_path: Path, target: Path) -> Path | None:
    """The video the manifest describes, when it lies beside the manifest under the name `videogen render`
    gives it (story.mp4 beside story.manifest.json) or the one the render stored it under (video.mp4), and
    its bytes are the ones the manifest records."""
    recorded = manifest.outputs.get("video")
    if recorded is None:
        return None
    names = [output.file_name for output in layout.RENDER_OUTPUTS if output.name == "video"]
    if manifest_path.name.endswith(_MANIFEST_SUFFIX):
        names.insert(0, manifest_path.name.removesuffix(_MANIFEST_SUFFIX) + target.suffix)
    for name in names:
        candidate = manifest_path.with_name(name)
        if (
            candidate.is_file()
            and candidate.resolve() != target.resolve()
            and _sha256(candidate) == recorded.sha256
        ):
            return candidate
    return None


def _compare(manifest: RenderManifest, video: Path, original: Path | None, stream: TextIO) -> None:
    expected = manifest.outputs.get("video")
    actual = _sha256(video)
    if expected is None:
        print(f"The manifest records no video to compare with; {video.name} sha256 {actual}", file=stream)
    elif expected.sha256 == actual:
        print(f"Reproduced byte for byte: {video.name} sha256 {actual}", file=stream)
    elif original is not None and decoded_digest(original) == decoded_digest(video):
        # Another x264 build, say, may code a frame another way that decodes to the same pixels.
        print(
            f"Reproduced frame for frame and sample for sample: {video.name} decodes to exactly the "
            f"pictures and sound of {original.name}, the manifest's video (the file's bytes differ: "
            f"sha256 {actual})",
            file=stream,
        )
    else:
        compared = (
            ""
            if original is not None
            else "; to compare what the two show frame by frame, put the manifest's video beside it"
        )
        print(
            f"Not the same video: sha256 {actual}, the manifest's {expected.sha256} (a cloud provider may "
            f"draw a new picture for the same request; compare the scene images' hashes{compared})",
            file=stream,
        )


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
