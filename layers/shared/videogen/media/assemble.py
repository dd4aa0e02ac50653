"""Scene images to one H.264/AAC MP4 with ffmpeg: smooth pan/zoom, cross-fades and burnt-in captions.

How the video is made, and why:

* **Fit.** Pillow decodes every image before ffmpeg starts (so a bad one fails fast, naming its scene).
  Each is then turned as its EXIF says and fitted to the frame: a cover-crop when that keeps at
  least 80% of the picture, else the whole picture over a blurred, darkened copy of itself (no distortion,
  no black bars, nothing important cut off a portrait photo in a landscape video).
* **Motion.** Each clip's picture, fitted (to the frame for a pan, to 1.2 times it for a zoom), is converted
  once to the video's pixels (chroma sited as H.264 players assume it: left of its two luma columns,
  between its two rows) and repeated (``loop``) by reference for its frames. Every frame then places the
  view with sub-pixel precision, luma and chroma by the same transform, so a zoom or pan glides instead
  of stepping (``videogen.media.segments.camera_plan``): swscale scales a whole-pixel crop of the picture
  and the frame is cut from it at a whole-pixel offset, the two chosen together so that the view lands
  within 1/8 px (typically 1/100) of its exact place. A pan keeps one size throughout; a zoom's sizes
  change every frame. Measured with ``bench/motion.py`` (a dot chart tracked frame by frame): at the
  default crf 23 the motion measures as the exact path encoded alike does. Before, ``zoompan`` moved
  each plane on a 2x source with its crop on whole source pixels: half-pixel stair steps in brightness,
  whole-pixel ones in colour; then ``perspective`` moved zooms as smoothly at ~5x the filter time (7.5
  against ~1.5 ms a 720p frame).
* **Segments.** One filtergraph with N image inputs holds every decoded image and filter queue at once:
  ffmpeg's memory grew ~25 MB per 720p scene (measured: 10 scenes 412 MB, 40 scenes 1.16 GB). Scenes are
  therefore rendered in segments of a few scenes (``videogen.media.segments``), each its own ffmpeg and
  its own H.264 fragment (same encoder settings, starting on a keyframe); the cross-fade at a cut is a
  short segment of its own (the previous scene's tail fading into the next one's head), so an edited
  scene renders its own segment and the fades beside it again, never a neighbour's (measured on 30 s of
  720p: 0.18x the full assembly, against 0.34x when the next segment re-rendered the fade; the extra
  fragments cost ~3% of the full assembly). Segments are independent: deployed, one Lambda renders each;
  locally, several run at once. The concat demuxer joins the fragments with ``-c copy``.
  Peak memory depends on the segment size, not on the length of the video. Inside a segment, cross-fades
  are rendered as separate pieces and everything is joined by one concat, rather than xfade chained after
  xfade, which makes every frame pass through every later xfade.
* **Overlays, audio.** Captions and scene titles are an ASS document burnt in per segment, over the moving
  picture (user text only ever lives in that file). The soundtrack (the given audio, or silence) is
  encoded once to AAC of exactly the video's length and muxed over the joined video without re-encoding,
  so a player always finds an AAC track and no join can click.
"""

from __future__ import annotations

import contextlib
import ctypes
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from videogen.domain.enums import Transition
from videogen.exceptions import VideoAssemblyException
from videogen.fonts import roboto_file
from videogen.media.captions import Cue
from videogen.media.ffmpeg import BASE_ARGS, Deadline, run_ffmpeg
from videogen.media.images import inspect_image, prepare_image
from videogen.media.join import encode_soundtrack, join_segments
from videogen.media.probe import count_video_frames
from videogen.media.segments import (
    BurnIn,
    Encoding,
    Motion,
    Overlay,
    SegmentJob,
    camera_files,
    frame_spans,
    motion_for_index,
    picture_size,
    segment_graph,
    video_segments,
)
from videogen.media.timeline import DEFAULT_TRANSITION_SECONDS, timeline

if TYPE_CHECKING:
    from videogen.domain.settings import CaptionOptions

X264_PRESETS: Final = frozenset(
    {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}
)
#: The captions' font file in a segment's fonts directory (libass finds it there by its family name).
_FONT_FILE: Final = "caption-font.ttf"


@dataclass(frozen=True, slots=True)
class SceneClip:
    """One scene of the video: its image, how long it lasts and how it hands over to the next scene."""

    image: Path
    duration: float
    transition: Transition = Transition.FADE
    transition_duration: float = DEFAULT_TRANSITION_SECONDS
    #: None: chosen from the scene's position by ``motion_for_index``.
    motion: Motion | None = None
    #: Shown over the picture while the scene is alone on screen; None for none.
    title: str | None = None


class AssemblyResult(NamedTuple):
    """What was written: the file, its exact length in frames and seconds, how many segments made it."""

    path: Path
    duration: float
    frames: int
    segments: int
    size_bytes: int


def check_encoding(encoding: Encoding) -> None:
    """Raises VideoAssemblyException for a frame size, rate or x264 setting the encoder cannot use."""
    width, height = encoding.width, encoding.height
    if not (16 <= width <= 4096 and 16 <= height <= 4096) or width % 2 or height % 2:
        # yuv420p stores chroma per 2x2 block: odd sides are rejected by the encoder.
        raise VideoAssemblyException(
            "The frame size must be even and between 16 and 4096 pixels", {"width": width, "height": height}
        )
    if not 1 <= encoding.fps <= 120:
        raise VideoAssemblyException("The frame rate is out of range", {"fps": encoding.fps})
    if encoding.preset not in X264_PRESETS:
        raise VideoAssemblyException("Unknown x264 preset", {"preset": encoding.preset})
    if not 0 <= encoding.crf <= 51:
        raise VideoAssemblyException("The x264 CRF must be between 0 and 51", {"crf": encoding.crf})


# --- one segment ---


def render_segment(
    job: SegmentJob, images: Sequence[Path], output: Path, *, workdir: Path, deadline: Deadline | None = None
) -> Path:
    """Render one segment to an H.264 fragment (no audio) at ``output``; ``images[n]`` is clip n's image.

    Raises:
        VideoAssemblyException: an unusable image (the message names its scene), an ffmpeg failure or the
            deadline; the message names the segment and its scenes.
    """
    check_encoding(job.encoding)
    if len(images) != len(job.clips):
        raise ValueError("one image per clip")
    scratch = workdir / f"segment-{job.index:04d}"
    scratch.mkdir(parents=True, exist_ok=True)
    frame = (job.encoding.width, job.encoding.height)

    def fit(number: int) -> Path:
        clip = job.clips[number]
        size = inspect_image(images[number], clip.scene)
        target = picture_size(clip.motion, *frame)
        return prepare_image(images[number], size, target, scratch / f"clip-{number}.ppm", clip.scene)

    try:
        # Pillow releases the GIL while it resamples: the clips' images are fitted side by side. The threads'
        # malloc arenas keep the freed image buffers; handing them back before ffmpeg starts keeps a 1080p
        # worker under 500 MB (measured: 543 MB without).
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="fit-images") as pool:
            fitted = list(pool.map(fit, range(len(job.clips))))
        _release_freed_memory()
        burn_in = _write_overlay(job.captions, scratch) if job.captions else None
        cameras = {}
        for number, document in camera_files(job).items():
            cameras[number] = scratch / f"camera-{number}.cmd"
            cameras[number].write_text(document, encoding="utf-8")
        # The filtergraph runs on one thread: x264's frame threads already keep both cores busy, and slice
        # threads in the filters only add hand-overs (measured on 2 cores, two segments at once, the 10-scene
        # benchmark's segments 1-4: 7.1 s wall and 13.9 s CPU against 7.5 s and 14.3 s; the same bytes).
        args = [*BASE_ARGS, "-filter_complex_threads", "1"]
        for path in fitted:
            # One still frame per input, at the video's rate (the links xfade joins must agree on it).
            args += ["-framerate", str(job.encoding.fps), "-i", str(path)]
        args += ["-filter_complex", segment_graph(job, burn_in, cameras), "-map", "[out]", "-an"]
        output.parent.mkdir(parents=True, exist_ok=True)
        scenes = ", ".join(str(number) for number in dict.fromkeys(job.scenes))
        run_ffmpeg(
            [*args, *_x264_args(job.encoding), str(output)],
            deadline=deadline,
            what=f"segment {job.index + 1} (scenes {scenes})",
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return output


def check_fragment(job: SegmentJob, fragment: Path) -> None:
    """Check that the rendered fragment holds exactly the job's frames (counted from its packets: one per
    frame, nothing decoded).

    Raises:
        VideoAssemblyException: it holds other than the job's frames, or cannot be read.
    """
    frames = count_video_frames(fragment)
    if frames != job.frames:
        raise VideoAssemblyException(
            f"Segment {job.index + 1} holds {frames} frames, not the {job.frames} planned.",
            {"segment": job.index, "scenes": job.scenes},
        )


def _release_freed_memory() -> None:
    """Return the C heap's free memory to the system (glibc's ``malloc_trim``; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _write_overlay(document: str, workdir: Path) -> BurnIn:
    """The segment's ASS document, and a fonts directory holding its font, so no system font is needed.

    The font is Roboto (Apache-2.0, bundled in videogen/typefaces/: Latin, Greek and Cyrillic, so "Ça va"
    renders on Lambda, which has no system fonts); without it, Pillow's built-in Aileron (ASCII only).
    """
    fonts_dir = workdir / "fonts"
    fonts_dir.mkdir(exist_ok=True)
    roboto = roboto_file()
    if roboto is not None:
        shutil.copyfile(roboto, fonts_dir / _FONT_FILE)
    else:
        from PIL import ImageFont  # noqa: PLC0415 - only without the bundled font

        font = ImageFont.load_default(size=32)
        font_bytes = getattr(font, "font_bytes", None)
        if isinstance(font, ImageFont.FreeTypeFont) and font_bytes:
            (fonts_dir / _FONT_FILE).write_bytes(font_bytes)
    ass_file = workdir / "overlay.ass"
    ass_file.write_text(document, encoding="utf-8")
    return BurnIn(ass_file, fonts_dir)


def _x264_args(encoding: Encoding) -> list[str]:
    # Every segment must be encoded alike, or their streams cannot be joined without re-encoding; each
    # starts on a keyframe (a fresh encoder) and its GOPs are closed, so a fragment decodes on its own.
    # sync-lookahead=0: x264 decides frame types in the encoding call instead of its own lookahead thread.
    # With that thread (x264's default whenever it has frame threads) the last frames' types and QPs depend
    # on how far it had got when the input ended, so on the machine's load: seen under load, the last 6 of
    # 45 frames decoded to other pixels while the filtergraph's frames were the same. The frame threads
    # stay: the same speed and, unloaded, the same bytes as before. Their count is fixed (Encoding.threads).
    return [
        "-c:v", "libx264", "-preset", encoding.preset, "-crf", str(encoding.crf),
        "-threads", str(encoding.threads), "-x264-params", "sync-lookahead=0",
        "-flags", "+cgop", "-pix_fmt", "yuv420p", "-r", str(encoding.fps),
    ]  # fmt: skip


# --- a whole video in one process ---


def assemble_video(
    scenes: Sequence[SceneClip],
    output: Path,
    *,
    width: int,
    height: int,
    fps: int,
    workdir: Path,
    captions: Sequence[Cue] | None,
    caption_options: CaptionOptions | None = None,
    audio: Path | None = None,
    timeout: float | None = None,
    preset: str = "veryfast",
    crf: int = 23,
    workers: int = 1,
    segment_scenes: int | None = None,
) -> AssemblyResult:
    """Render ``scenes`` into one MP4 (H.264 yuv420p + AAC, faststart) of exactly ``width`` x ``height``:
    the same segments the render pipeline makes, rendered here by ``workers`` at once, then joined.

    Args:
        scenes: the scenes in order; their timing is ``timeline(scenes, fps)``.
        output: the MP4 to write (replaced if it exists).
        workdir: a directory for temporary files (see ``videogen.media.workdir``); the caller removes it.
        captions: cues to burn in, timed on the finished video; None for a clean picture (no captions and
            no titles), empty for titles only.
        caption_options: where the captions sit, how large and with what outline or box; None for
            the automatic look (bottom, medium, medium outline).
        audio: a narration/music track muxed under the video, cut or padded with silence to its length;
            None for a silent AAC track.
        timeout: seconds for the whole assembly; None for no limit.
        preset, crf: libx264 speed/quality settings.
        workers: segments rendered at the same time.
        segment_scenes: scenes per segment; None for ``segments.segment_size``.

    Raises:
        VideoAssemblyException: bad arguments, an unusable scene image (the message names the scene),
            a missing audio file, an ffmpeg failure or the timeout.
    """
    if not scenes:
        raise VideoAssemblyException("A video needs at least one scene")
    encoding = Encoding(width, height, fps, preset, crf)
    check_encoding(encoding)
    if audio is not None and not audio.is_file():
        raise VideoAssemblyException("The audio track is missing")
    deadline = Deadline(timeout)
    spans = timeline(scenes, fps)
    starts, ends = frame_spans(spans, fps)
    overlay = None
    if captions is not None:
        titles = [scene.title for scene in scenes]
        overlay = Overlay.for_video(captions, titles, (starts, ends), encoding, caption_options)
    # The images are checked before anything renders: a bad one fails fast, naming its scene.
    for number, scene in enumerate(scenes, start=1):
        inspect_image(scene.image, number)
    jobs = video_segments(
        starts,
        ends,
        images=[str(scene.image) for scene in scenes],
        motions=[scene.motion or motion_for_index(index) for index, scene in enumerate(scenes)],
        transitions=[scene.transition for scene in scenes],
        encoding=encoding,
        overlay=overlay,
        size=segment_scenes,
    )
    scratch = workdir / "assembly"
    fragments = [scratch / f"fragment-{job.index:04d}.mp4" for job in jobs]

    def render(job: SegmentJob) -> Path:
        inputs = [Path(clip.image) for clip in job.clips]
        return render_segment(job, inputs, fragments[job.index], workdir=scratch, deadline=deadline)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="segments") as pool:
        list(pool.map(render, jobs))
    frames = ends[-1]
    duration = frames / fps
    soundtrack = encode_soundtrack(audio, scratch / "soundtrack.m4a", duration, deadline=deadline)
    join_segments(fragments, soundtrack, output, workdir=scratch, deadline=deadline)
    for path in [*fragments, soundtrack]:
        path.unlink(missing_ok=True)
    return AssemblyResult(output, duration, frames, len(jobs), output.stat().st_size)
