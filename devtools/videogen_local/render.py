"""`videogen render`: one script → MP4, SRT, VTT, thumbnail and storyboard, through the real state machine,
locally (with ``--stop-after images``: the storyboard of the stills only, nothing assembled)."""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from videogen.config import get_config
from videogen.dal import projects, storage
from videogen.dal.tables import bind_table
from videogen.domain import costs
from videogen.domain.enums import ProjectStatus, StopAfter
from videogen.domain.layout import outputs_of
from videogen.domain.models import NewProject, PictureRef, Project, SceneSpec
from videogen.domain.music import find_music
from videogen.domain.settings import ProjectSettings
from videogen.domain.voices import LOCAL, validate_voice
from videogen.exceptions import (
    InvalidMusicException,
    InvalidPictureException,
    MusicNotFoundException,
    PictureNotFoundException,
    ScriptParsingException,
    VideoGeneratorException,
)
from videogen.logic import music as music_logic
from videogen.logic import pictures as picture_logic
from videogen.logic import projects as project_logic
from videogen.logic import renders
from videogen.logic.uploads import stage_local_file
from videogen.media.probe import probe
from videogen.scripts.parser import detect_format, parse_script
from videogen.scripts.source import decode_source
from videogen.voice.piper import PiperVoiceProvider
from videogen.voice.registry import get_voice_provider
from videogen_local.api_keys import DEFAULT_OWNER
from videogen_local.cloud import started_cloud
from videogen_local.costs import format_estimate

#: Between two looks at the project (the progress bar's): each is a DynamoDB read by moto in this process,
#: beside the render's own work; the render's end wakes the wait at once (``wait_for_end``).
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class RenderOutputs:
    """A local render's files by output name (``layout.outputs_of``), the video's length in seconds (0.0
    for a render that stopped after its images: it has no video)."""

    files: dict[str, Path]
    duration: float

    @property
    def video(self) -> Path | None:
        return self.files.get("video")


class RenderFailed(Exception):
    """The render ended FAILED; carries the project's error code and reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ProgressBar:
    """Per-stage and per-scene progress on a terminal (one line, redrawn) or a log (one line a change)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self._last = ""

    def show(self, stage: str, done: int, total: int) -> None:
        width = 24
        filled = int(width * done / total) if total else width
        bar = "█" * filled + "░" * (width - filled)
        line = f"{stage:<10} {bar} {done}/{total} scenes"
        if line == self._last:
            return
        self._last = line
        if self.interactive:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line (once: an error path and the final cleanup both close it)."""
        if self.interactive and self._last:
            self.stream.write("\n")
            self.stream.flush()
        self._last = ""


def format_script_error(path: Path, exc: VideoGeneratorException) -> str:
    """`file:line:column: message` plus the hint, like a compiler, for the terminal."""
    details = exc.details
    where = f"{path}:{details.get('line', 1)}:{details.get('column', 1)}"
    hint = f"\n  hint: {details['hint']}" if details.get("hint") else ""
    # The message starts with "line N: " for API callers; here the location leads already.
    message = exc.message.split(": ", 1)[1] if exc.message.startswith("line ") else exc.message
    return f"{where}: {message}{hint}"


def music_beside(script_path: Path, named: str | None) -> Path | None:
    """The music of a local render, found as the drop folder finds it (``domain.music.find_music``) in the
    script's folder; ``named`` (the script's ``music:``) is relative to the script.

    Raises:
        MusicNotFoundException: the script names a file that does not exist.
    """
    folder = script_path.parent
    found = find_music(script_path.stem, named, lambda name: (folder / name).is_file(), f"{folder}/")
    return folder / found if found is not None else None


def create_script_project(script_path: Path, settings_overrides: dict[str, Any], owner_id: str) -> Project:
    """A project of the script, as the API would create it, with the pictures it names beside it attached
    as uploads would be (inside a started LocalCloud).

    Raises:
        ScriptParsingException: the script cannot be read.
        PictureNotFoundException, InvalidPictureException: a picture it names is missing, outside its
            folder or unusable (at the line and column that names it).
    """
    settings = get_config()
    bind_table(settings.table_name, settings.aws_region)
    text = decode_source(script_path.read_bytes())
    script_format = detect_format(script_path.name)
    pictures = script_pictures(script_path, parse_script(text, script_format).scenes)
    project = project_logic.create_project(
        owner_id,
        NewProject(title=None, script=text, settings=settings_overrides, script_format=script_format),
    )
    for number, (path, ref) in pictures.items():
        upload_id = stage_local_file(project.id, path, bucket=settings.media_bucket)
        picture_logic.attach_script_picture(
            owner_id,
            project.id,
            number,
            ref,
            upload_id,
            bucket=settings.media_bucket,
            inspect_function=settings.inspect_picture_function,
        )
    return project


def script_pictures(script_path: Path, scenes: list[SceneSpec]) -> dict[int, tuple[Path, PictureRef]]:
    """The file of each scene's picture, beside the script (the parser has refused absolute paths and
    '..'; a link that leads out of the script's folder is refused here).

    Raises:
        PictureNotFoundException: a named picture is not a file in the script's folder (or below it).
    """
    folder = script_path.resolve().parent
    found: dict[int, tuple[Path, PictureRef]] = {}
    for scene in scenes:
        ref = scene.picture
        if ref is None:
            continue
        path = (folder / ref.path).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            raise picture_logic.missing_picture(ref, f"{folder}{os.sep}")
        found[scene.number] = (path, ref)
    return found


def estimate_script(
    script_path: Path,
    settings_overrides: dict[str, Any],
    *,
    owner_id: str = DEFAULT_OWNER,
    stop_after: StopAfter | None = None,
) -> costs.Estimate:
    """The plan and price of rendering the script, as the API's dry run gives them: nothing is started.

    Must run inside a started LocalCloud. Raises what a render's start would (RenderTooLargeException...).
    """
    project = create_script_project(script_path, settings_overrides, owner_id)
    return renders.estimate_render(owner_id, project.id, stop_after=stop_after)


def render_script(
    script_path: Path,
    output: Path,
    settings_overrides: dict[str, Any],
    *,
    owner_id: str = DEFAULT_OWNER,
    music: Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    timeout: float = 3600.0,
    stop_after: StopAfter | None = None,
    wait_for_end: Callable[[str, float], bool] | None = None,
) -> RenderOutputs:
    """Create a project from a script, give it its music (if any), run the render state machine, download
    the outputs.

    Must run inside a started LocalCloud. Raises ScriptParsingException for a bad script,
    InvalidMusicException for unusable music, RenderFailed when the render fails, TimeoutError when it
    does not finish in time. ``wait_for_end`` (``LocalCloud.wait_for_execution_end``) ends a wait between
    two looks at the project as soon as the execution ends; without it, each wait lasts POLL_SECONDS.
    """
    settings = get_config()
    project = create_script_project(script_path, settings_overrides, owner_id)
    if music is not None:
        # The same check an API upload gets: InspectMusic decodes it.
        upload_id = stage_local_file(project.id, music, bucket=settings.media_bucket)
        music_logic.attach_music(
            owner_id,
            project.id,
            upload_id,
            bucket=settings.media_bucket,
            inspect_function=settings.inspect_music_function,
        )
    render = renders.start_render(
        owner_id,
        project.id,
        settings.state_machine_arn,
        f"cli-{uuid.uuid4().hex[:12]}",
        stop_after=stop_after,
    )
    deadline = time.monotonic() + timeout
    ended = False  # the execution has ended: its last write is read at the next look, or soon after
    while True:
        current = projects.get_project(owner_id, project.id)
        if on_progress and current.progress is not None:
            on_progress(current.progress.stage, current.progress.scenes_done, current.scene_count)
        if current.status is ProjectStatus.COMPLETED:
            break
        if current.status is ProjectStatus.FAILED:
            if current.error is None:
                raise RenderFailed("RENDER_FAILED", "")
            raise RenderFailed(current.error.code, current.error.message)
        if time.monotonic() > deadline:
            raise TimeoutError(f"the render did not finish within {timeout:.0f} s")
        if wait_for_end is None or ended:
            time.sleep(POLL_SECONDS)
        else:
            ended = wait_for_end(render.execution_arn, POLL_SECONDS)
    if on_progress:
        on_progress("done", current.scene_count, current.scene_count)
    output.parent.mkdir(parents=True, exist_ok=True)
    # The video where it was asked for, every other output beside it with its extension (story.srt), the
    # storyboard as story.storyboard.jpg (story.jpg is the video's thumbnail).
    produced = outputs_of(stop_after)
    files = {o.name: local_name(output, o.name, o.suffix) for o in produced}
    for o in produced:
        storage.download_file(settings.media_bucket, o.key(project.id, render.render_id), files[o.name])
    return RenderOutputs(files, probe(files["video"]).duration if "video" in files else 0.0)


def local_name(output: Path, name: str, suffix: str) -> Path:
    """Where a render's file goes beside its video: story.srt, story.storyboard.jpg, story.manifest.json."""
    if name == "video":
        return output
    if name in {"storyboard", "manifest"}:
        return output.with_suffix(f".{name}{suffix}")
    return output.with_suffix(suffix)


def _explain(
    exc: VideoGeneratorException | RenderFailed, script: Path, music: Path | None, log_path: Path | None
) -> tuple[str, int]:
    """What `videogen render` prints for an error, and its exit status: 2 for a bad script, music or
    picture, 1 for a render that failed."""
    if isinstance(exc, ScriptParsingException):
        return format_script_error(script, exc), 2
    if isinstance(exc, PictureNotFoundException | InvalidPictureException) and "line" in exc.details:
        # A picture the script names: at its line and column, as a script error.
        return format_script_error(script, exc), 2
    if isinstance(exc, MusicNotFoundException):
        return f"videogen: {script}: {exc.message}", 2
    if isinstance(exc, InvalidMusicException):
        return f"videogen: {music}: {exc.message}", 2
    if isinstance(exc, RenderFailed):
        logs = f"\nvideogen: the functions' logs: {log_path}" if log_path is not None else ""
        return f"videogen: the render failed ({exc.code}): {exc.message}{logs}", 1
    return f"videogen: {exc.error_code}: {exc.message}", 1


def prepare_voice(script: Path, overrides: dict[str, Any]) -> None:
    """Have the local voice load while the cloud starts, when the script's narration will use it: the
    functions run in this process, so its first narration finds the voice loaded (0.5 s sooner: the cloud's
    start keeps one core busy and leaves the other idle). A script that cannot be read is left to the
    render, which reports it."""
    try:
        parsed = parse_script(decode_source(script.read_bytes()), detect_format(script.name))
        choice = validate_voice(project_logic.settings_from(parsed, {}, overrides).voice)
    except (VideoGeneratorException, ValidationError, ValueError, OSError):
        return
    if choice.provider == LOCAL and choice.voice is not None:
        provider = get_voice_provider(LOCAL)
        if isinstance(provider, PiperVoiceProvider):
            provider.prepare(choice.voice)


def run_render_command(
    script: Path,
    output: Path | None,
    overrides: dict[str, Any],
    stream: TextIO,
    *,
    music: Path | None = None,
    find_music_beside: bool = True,
    from_build: Path | None = None,
    estimate: bool = False,
    stop_after: StopAfter | None = None,
) -> int:
    """The `videogen render` command: exit 0 on a video, 2 on a bad script or music, 1 on a failed render.

    ``music`` is the file given with --music; otherwise the script's own (``music_beside``) unless
    ``find_music_beside`` is off (--no-music). ``from_build``: run the functions of that `sam build`.
    ``estimate`` (--estimate): print the render's plan and price and exit 0 without rendering.
    ``stop_after`` (--stop-after images): make the stills and the storyboard only, no video.
    """
    # The progress bar and the final line say what happened; logs only for errors (VIDEOGEN_LOG_LEVEL).
    os.environ.setdefault("VIDEOGEN_LOG_LEVEL", "ERROR")
    if not script.is_file():
        print(f"videogen: {script}: no such file", file=sys.stderr)
        return 2
    if music is not None and not music.is_file():
        print(f"videogen: {music}: no such file", file=sys.stderr)
        return 2
    try:
        ProjectSettings.model_validate(overrides)
    except ValidationError as exc:
        for error in exc.errors():
            flag = "--" + str(error["loc"][0]).replace("_", "-") if error["loc"] else "a setting"
            print(f"videogen: {flag}: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    target = output or Path(script.stem + ".mp4")
    bar = ProgressBar(stream)
    started = time.monotonic()
    if from_build is None and not estimate:
        prepare_voice(script, overrides)
    cloud = started_cloud(from_build, sys.stderr)
    if cloud is None:
        return 2
    with cloud:
        if estimate:
            try:
                # The table is the command's answer: on stdout, where the progress bar is not.
                print(format_estimate(estimate_script(script, overrides, stop_after=stop_after)))
            except VideoGeneratorException as exc:
                message, status = _explain(exc, script, music, cloud.log_path)
                print(message, file=sys.stderr)
                return status
            print("Nothing was rendered (--estimate).")
            return 0
        try:
            if music is None and find_music_beside:
                named = parse_script(decode_source(script.read_bytes()), detect_format(script.name))
                music = music_beside(script, named.settings.music)
            if music is not None:
                print(f"Music: {music}", file=stream)
            result = render_script(
                script,
                target,
                overrides,
                music=music,
                on_progress=bar.show,
                stop_after=stop_after,
                wait_for_end=cloud.wait_for_execution_end,
            )
        except (VideoGeneratorException, RenderFailed) as exc:
            bar.close()
            message, status = _explain(exc, script, music, cloud.log_path)
            print(message, file=sys.stderr)
            return status
        finally:
            bar.close()
    elapsed = time.monotonic() - started
    if result.video is None:
        sheet = result.files["storyboard"]
        print(
            f"Wrote {sheet} (the stills only, in {elapsed:.1f} s; no video: --stop-after images)", file=stream
        )
        return 0
    beside = ", ".join(path.name for name, path in result.files.items() if name != "video")
    print(
        f"Wrote {result.video} ({result.duration:.1f} s of video in {elapsed:.1f} s), {beside}", file=stream
    )
    return 0
