"""Scene images to one H.264/AAC MP4 with ffmpeg: smooth pan/zoom, cross-fades and burnt-in captions.

How the video is made, and why:

* **Fit.** Pillow decodes every image before ffmpeg starts (so a bad one fails fast, naming its scene).
  Each is then turned as its EXIF says and fitted at twice the frame size: a cover-crop when that keeps at
  least 80% of the picture, else the whole picture over a blurred, darkened copy of itself (no distortion,
  no black bars, nothing important cut off a portrait photo in a landscape video). A worker thread fits
  the next segment's images while ffmpeg renders the current one.
* **Motion.** ffmpeg's ``zoompan`` places its crop on whole source pixels, which makes slow moves jitter.
  It is fed the image at twice the frame size, so a whole source pixel is half an output pixel (FIELD-NOTES
  "Smooth motion"; ``perspective`` is cleaner but measured 1.5x slower than even zoompan on 4:4:4).
  zoompan also rounds its crop to the chroma grid, which on 4:2:0 would be two source pixels again;
  4:4:4 avoids that but doubles its cost.
  So the Y, U and V planes are split and each moved by its own zoompan as a grey image (no chroma grid),
  then merged: luma steps by half a pixel (measured on a pan: 0.17 px RMS wander, 0.42 px worst step, vs
  0.33 / 0.81 with zoompan on 4:2:0) at 55% of the time of zoompan on 4:4:4.
* **Segments.** One filtergraph with N image inputs holds every decoded image and filter queue at once:
  ffmpeg's memory grew ~25 MB per 720p scene (measured: 10 scenes 412 MB, 40 scenes 1.16 GB). Scenes are
  therefore rendered in segments of a few scenes, one ffmpeg at a time, each re-rendering the tail of the
  previous scene to cross-fade into its own first scene, and joined by the concat demuxer with ``-c copy``.
  Peak memory then depends on the segment size, not on the length of the video (measured at 720p: ffmpeg
  375 MB for 30 s, 406 MB for 5 min). Inside a segment, cross-fades are rendered as separate pieces and
  everything is joined by one concat, rather than xfade chained after xfade, which makes every frame pass
  through every later xfade.
* **Audio and captions.** Captions are an ASS file burnt in per segment (user text only ever lives in that
  file); the audio track (the given audio, or silence) is muxed once over the joined video, so a player
  always finds an AAC track and no join can click.
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from videogen.domain.enums import Transition
from videogen.exceptions import VideoAssemblyException
from videogen.fonts import ROBOTO_FAMILY, roboto_file
from videogen.media.captions import Cue, caption_style, to_ass
from videogen.media.ffmpeg import BASE_ARGS, Deadline, expr_number, filter_value, run_ffmpeg
from videogen.media.images import inspect_image, prepare_image
from videogen.media.thumbnail import make_thumbnail

if TYPE_CHECKING:
    from videogen.domain.settings import CaptionOptions

__all__ = [
    "DEFAULT_TRANSITION_SECONDS",
    "AssemblyResult",
    "Motion",
    "SceneClip",
    "assemble_video",
    "make_thumbnail",
    "motion_for_index",
    "render_workdir",
    "timeline",
    "total_duration",
    "transition_overlaps",
]

DEFAULT_TRANSITION_SECONDS: Final = 0.5
#: Zoom at the close end of a zoom, and throughout a pan (a pan needs room to move).
MAX_ZOOM: Final = 1.15
#: Memory budget for one segment's ffmpeg, from measurements at 720p: ~160 MB fixed plus ~26 MB per scene.
SEGMENT_SCENES_AT_720P: Final = 6
X264_PRESETS: Final = frozenset(
    {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}
)
AUDIO_SAMPLE_RATE: Final = 48_000
AUDIO_BITRATE: Final = "128k"

XFADE_TRANSITIONS: Final[dict[Transition, str]] = {
    Transition.FADE: "fade",
    Transition.FADE_BLACK: "fadeblack",
    Transition.DISSOLVE: "dissolve",
    Transition.SLIDE: "slideleft",
    Transition.WIPE: "wipeleft",
    Transition.CIRCLE: "circleopen",
}


class Motion(StrEnum):
    """The camera move over a scene's image."""

    ZOOM_IN = "zoom_in"
    ZOOM_OUT = "zoom_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"


_MOTION_CYCLE: Final = (Motion.ZOOM_IN, Motion.PAN_RIGHT, Motion.ZOOM_OUT, Motion.PAN_LEFT)


def motion_for_index(index: int) -> Motion:
    """The default move for the scene at ``index`` (0-based): zoom in, pan right, zoom out, pan left, ..."""
    return _MOTION_CYCLE[index % len(_MOTION_CYCLE)]


@dataclass(frozen=True, slots=True)
class SceneClip:
    """One scene of the video: its image, how long it lasts and how it hands over to the next scene."""

    image: Path
    duration: float
    transition: Transition = Transition.FADE
    transition_duration: float = DEFAULT_TRANSITION_SECONDS
    #: None: chosen from the scene's position by ``motion_for_index``.
    motion: Motion | None = None


@dataclass(frozen=True, slots=True)
class AssemblyResult:
    """What was written: the file, its exact length and how it was made."""

    path: Path
    duration: float
    frames: int
    width: int
    height: int
    fps: int
    segments: int
    size_bytes: int


# --- the timeline: pure ---


def transition_overlaps(scenes: Sequence[SceneClip]) -> list[float]:
    """Seconds each scene overlaps the next one (one fewer than scenes).

    A cut overlaps nothing; a cross-fade lasts its duration, but at most half of either scene it joins, so
    a scene is never in two transitions at once.

    Raises:
        VideoAssemblyException: a duration is not a positive finite number, or a transition is negative.
    """
    for number, scene in enumerate(scenes, start=1):
        if not (math.isfinite(scene.duration) and scene.duration > 0):
            raise VideoAssemblyException(
                f"Scene {number} has an invalid duration", {"scene": number, "duration": scene.duration}
            )
        if not (math.isfinite(scene.transition_duration) and scene.transition_duration >= 0):
            raise VideoAssemblyException(
                f"Scene {number} has an invalid transition duration",
                {"scene": number, "transition_duration": scene.transition_duration},
            )
    overlaps = []
    for current, following in zip(scenes, scenes[1:], strict=False):
        if current.transition is Transition.CUT:
            overlaps.append(0.0)
        else:
            overlaps.append(min(current.transition_duration, current.duration / 2, following.duration / 2))
    return overlaps


def timeline(scenes: Sequence[SceneClip]) -> list[tuple[float, float]]:
    """Each scene's (start, end) in seconds in the finished video; cross-faded scenes overlap.

    Raises:
        VideoAssemblyException: as ``transition_overlaps``.
    """
    if not scenes:
        return []
    overlaps = [*transition_overlaps(scenes), 0.0]
    spans: list[tuple[float, float]] = []
    start = 0.0
    for scene, overlap in zip(scenes, overlaps, strict=True):
        end = start + scene.duration
        spans.append((start, end))
        start = end - overlap
    return spans


def total_duration(scenes: Sequence[SceneClip]) -> float:
    """Length of the finished video: the sum of durations minus the sum of transition overlaps."""
    spans = timeline(scenes)
    return spans[-1][1] if spans else 0.0


# --- workdir ---

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@contextmanager
def render_workdir(base: Path, render_id: str) -> Iterator[Path]:
    """A fresh ``base/render_id`` directory for one render's temporary files, always removed afterwards.

    A directory left by an earlier attempt with the same id (a retried step) is cleared first.

    Raises:
        VideoAssemblyException: ``render_id`` is not a plain name (it could escape ``base``).
    """
    if not _SAFE_ID.fullmatch(render_id) or ".." in render_id:
        raise VideoAssemblyException("The render id is not a valid directory name")
    path = base / render_id
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --- assembly ---


@dataclass(frozen=True, slots=True)
class _Clip:
    """A run of frames of one scene inside a segment."""

    scene: int  # index into the scenes
    length: int  # frames of the whole scene: its motion runs over all of them
    first: int  # first frame of the clip, counted from the scene's own start
    frames: int  # how many frames the clip has
    overlap: int  # frames it cross-fades with the clip before it (0: joined by a cut, or first)


@dataclass(frozen=True, slots=True)
class _Segment:
    start_frame: int  # in the whole video
    frames: int
    clips: tuple[_Clip, ...]


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
) -> AssemblyResult:
    """Render ``scenes`` into one MP4 (H.264 yuv420p + AAC, faststart) of exactly ``width`` x ``height``.

    Args:
        scenes: the scenes in order; their timing is ``timeline(scenes)``.
        output: the MP4 to write (replaced if it exists).
        workdir: a directory for temporary files (see ``render_workdir``); the caller removes it.
        captions: cues to burn in, timed on the finished video; None or empty for none.
        caption_options: where the captions sit, how large and with what outline or box; None for
            the automatic look (bottom, medium, medium outline).
        audio: a narration/music track muxed under the video, cut or padded with silence to its length;
            None for a silent AAC track.
        timeout: seconds for the whole assembly; None for no limit.
        preset, crf: libx264 speed/quality settings.

    Raises:
        VideoAssemblyException: bad arguments, an unusable scene image (the message names the scene),
            a missing audio file, an ffmpeg failure or the timeout.
    """
    _check_arguments(scenes, width=width, height=height, fps=fps, preset=preset, crf=crf)
    deadline = Deadline(timeout)
    spans = timeline(scenes)
    # Scene boundaries rounded to frames once, on the whole timeline: no rounding drift over many scenes.
    starts = [round(start * fps) for start, _ in spans]
    ends = [round(end * fps) for _, end in spans]
    for number, (first, last) in enumerate(zip(starts, ends, strict=True), start=1):
        if last - first < 1:
            raise VideoAssemblyException(f"Scene {number} is shorter than one frame", {"scene": number})
    sizes = [inspect_image(scene.image, number) for number, scene in enumerate(scenes, start=1)]
    if audio is not None and not audio.is_file():
        raise VideoAssemblyException("The audio track is missing")
    segments = _plan_segments(starts, ends, _segment_size(width, height))

    # A directory of our own inside the caller's: their downloads may share the workdir.
    scratch = workdir / "assembly"
    scratch.mkdir(parents=True, exist_ok=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    burn_in = _write_captions(captions, width, height, scratch, caption_options) if captions else None

    def prepare(index: int) -> Path:
        target = scratch / f"scene-{index:04d}.jpg"
        return prepare_image(scenes[index].image, sizes[index], (width, height), target, index + 1)

    # One thread fits the next segment's images while ffmpeg renders this one (Pillow releases the GIL).
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fit-images")
    prepared: dict[int, Future[Path]] = {}

    def request(segment: _Segment) -> None:
        for clip in segment.clips:
            if clip.scene not in prepared:
                prepared[clip.scene] = pool.submit(prepare, clip.scene)

    segment_files: list[Path] = []
    try:
        request(segments[0])
        for number, segment in enumerate(segments):
            inputs = [prepared[clip.scene].result() for clip in segment.clips]
            if number + 1 < len(segments):
                request(segments[number + 1])
            segment_path = scratch / f"segment-{number:04d}.mp4"
            graph = _segment_graph(segment, scenes, (width, height), fps, burn_in)
            args = [*BASE_ARGS]
            for path in inputs:
                args += ["-i", str(path)]
            args += ["-filter_complex", graph, "-map", "[out]", "-an", *_x264_args(fps, preset, crf)]
            run_ffmpeg(
                [*args, str(segment_path)], deadline=deadline, what=f"segment {number + 1} of {len(segments)}"
            )
            segment_files.append(segment_path)
            # The next segment starts at most with this one's last scene: earlier images are done with.
            for index in [index for index in prepared if index < segment.clips[-1].scene]:
                prepared.pop(index).result().unlink(missing_ok=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

    frames = ends[-1]
    duration = frames / fps
    run_ffmpeg(
        _mux_args(segment_files, scratch, output, audio, duration), deadline=deadline, what="the final mux"
    )
    for path in [*segment_files, *(future.result() for future in prepared.values())]:
        path.unlink(missing_ok=True)
    return AssemblyResult(
        path=output,
        duration=duration,
        frames=frames,
        width=width,
        height=height,
        fps=fps,
        segments=len(segments),
        size_bytes=output.stat().st_size,
    )


def _check_arguments(
    scenes: Sequence[SceneClip], *, width: int, height: int, fps: int, preset: str, crf: int
) -> None:
    if not scenes:
        raise VideoAssemblyException("A video needs at least one scene")
    if not (16 <= width <= 4096 and 16 <= height <= 4096) or width % 2 or height % 2:
        # yuv420p stores chroma per 2x2 block: odd sides are rejected by the encoder.
        raise VideoAssemblyException(
            "The frame size must be even and between 16 and 4096 pixels", {"width": width, "height": height}
        )
    if not 1 <= fps <= 120:
        raise VideoAssemblyException("The frame rate is out of range", {"fps": fps})
    if preset not in X264_PRESETS:
        raise VideoAssemblyException("Unknown x264 preset", {"preset": preset})
    if not 0 <= crf <= 51:
        raise VideoAssemblyException("The x264 CRF must be between 0 and 51", {"crf": crf})


def _segment_size(width: int, height: int) -> int:
    """Scenes per segment: fewer for bigger frames, so a segment's ffmpeg stays within the same memory."""
    scale = (1280 * 720) / (width * height)
    return max(2, min(12, math.floor(SEGMENT_SCENES_AT_720P * scale)))


def _plan_segments(starts: Sequence[int], ends: Sequence[int], size: int) -> list[_Segment]:
    """Cut the scenes into segments of ``size`` scenes, in frames of the whole video.

    A segment runs from the first frame of its first scene to the first frame of the next segment's first
    scene. A cross-fade into a segment belongs to it: it starts with the previous scene's last frames.
    """
    count = len(starts)
    segments = []
    for first in range(0, count, size):
        last = min(first + size, count)  # exclusive
        seg_start = starts[first]
        seg_end = starts[last] if last < count else ends[-1]
        clips: list[_Clip] = []
        if first > 0 and ends[first - 1] > seg_start:
            tail_from = seg_start - starts[first - 1]
            length = ends[first - 1] - starts[first - 1]
            clips.append(_Clip(first - 1, length, tail_from, ends[first - 1] - seg_start, 0))
        for index in range(first, last):
            stop = min(ends[index], seg_end)
            overlap = max(0, ends[index - 1] - starts[index]) if index > 0 else 0
            length = ends[index] - starts[index]
            clips.append(_Clip(index, length, 0, stop - starts[index], overlap if clips else 0))
        segments.append(_Segment(seg_start, seg_end - seg_start, tuple(clips)))
    return segments


@dataclass(frozen=True, slots=True)
class _BurnIn:
    ass_file: Path
    fonts_dir: Path


def _write_captions(
    cues: Sequence[Cue], width: int, height: int, workdir: Path, options: CaptionOptions | None
) -> _BurnIn:
    """The ASS file to burn in, and a fonts directory holding its font, so no system font is needed.

    The font is Roboto (Apache-2.0, bundled in media/typefaces/: Latin, Greek and Cyrillic, so "Ça va"
    renders on Lambda, which has no system fonts); without it, Pillow's built-in Aileron (ASCII only).
    """
    from PIL import ImageFont

    fonts_dir = workdir / "fonts"
    fonts_dir.mkdir(exist_ok=True)
    style = caption_style(width, height, options)
    roboto = roboto_file()
    if roboto is not None:
        (fonts_dir / "caption-font.ttf").write_bytes(roboto.read_bytes())
        style = replace(style, font_name=ROBOTO_FAMILY)
    else:
        font = ImageFont.load_default(size=style.font_size)
        font_bytes = getattr(font, "font_bytes", None)
        if isinstance(font, ImageFont.FreeTypeFont) and font_bytes:
            (fonts_dir / "caption-font.ttf").write_bytes(font_bytes)
            family = font.getname()[0]
            if family:
                style = replace(style, font_name=family)
    ass_file = workdir / "captions.ass"
    ass_file.write_text(to_ass(cues, width, height, style), encoding="utf-8")
    return _BurnIn(ass_file, fonts_dir)


def _motion_expressions(motion: Motion, length: int, first: int) -> tuple[str, str, str]:
    """zoompan's z, x and y: a linear move over a scene of ``length`` frames, entered at frame ``first``.

    ``on`` counts one zoompan's output frames from 0, so progress through the scene is (on+first)/(length-1).
    """
    step = 1 / max(1, length - 1)
    progress = f"({expr_number(first * step)}+{expr_number(step)}*on)"
    centre_x, centre_y = "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"
    rise = MAX_ZOOM - 1
    if motion is Motion.ZOOM_IN:
        return f"1+{expr_number(rise)}*{progress}", centre_x, centre_y
    if motion is Motion.ZOOM_OUT:
        return f"{expr_number(MAX_ZOOM)}-{expr_number(rise)}*{progress}", centre_x, centre_y
    if motion is Motion.PAN_RIGHT:
        return expr_number(MAX_ZOOM), f"(iw-iw/zoom)*{progress}", centre_y
    return expr_number(MAX_ZOOM), f"(iw-iw/zoom)*(1-{progress})", centre_y


PLANES: Final = ("y", "u", "v")


def _planes(clip: int, piece: str = "") -> list[str]:
    """Link labels of one clip's (or one piece's) Y, U and V planes."""
    return [f"[{plane}{clip}{piece}]" for plane in PLANES]


def _segment_graph(
    segment: _Segment,
    scenes: Sequence[SceneClip],
    frame: tuple[int, int],
    fps: int,
    burn_in: _BurnIn | None,
) -> str:
    """The filtergraph of one segment: every clip cut into head, body and tail, all joined by one concat.

    A head and the tail before it are cross-faded on their own, so every frame passes at most one xfade.
    Each plane is moved by its own zoompan (see the module notes), then the three are merged again.
    (Chaining xfade after xfade instead makes every frame pass through all later ones: measured 35% more
    filter time for six scenes, growing with the number of scenes.)
    """
    width, height = frame
    clips = segment.clips
    parts: list[str] = []
    pieces: list[str] = []
    for number, clip in enumerate(clips):
        following = clips[number + 1].overlap if number + 1 < len(clips) else 0
        spans = {
            "h": (clip.first, clip.overlap),
            "b": (clip.first + clip.overlap, clip.frames - clip.overlap - following),
            "t": (clip.first + clip.frames - following, following),
        }
        used = {name: span for name, span in spans.items() if span[1] > 0}
        # Limited range here, or a full-range JPEG would give a full-range video.
        planes = "".join(_planes(number))
        parts.append(f"[{number}:v]format=pix_fmts=yuv420p:color_ranges=tv,extractplanes=y+u+v{planes}")
        for plane in PLANES:
            outputs = "".join(_planes(number, name)[PLANES.index(plane)] for name in used)
            parts.append(f"[{plane}{number}]split={len(used)}{outputs}")
        motion = scenes[clip.scene].motion or motion_for_index(clip.scene)
        for name, (first, count) in used.items():
            z, x, y = _motion_expressions(motion, clip.length, first)
            moved = _planes(number, name + "m")
            for plane, source, target in zip(PLANES, _planes(number, name), moved, strict=True):
                size = f"{width}x{height}" if plane == "y" else f"{width // 2}x{height // 2}"
                parts.append(f"{source}zoompan=z={z}:x={x}:y={y}:d={count}:s={size}:fps={fps}{target}")
            parts.append(
                f"{''.join(moved)}mergeplanes=map0s=0:map1s=1:map2s=2:format=yuv420p,setsar=1[{name}{number}]"
            )
        if "h" in used:
            kind = XFADE_TRANSITIONS[scenes[clip.scene - 1].transition]
            seconds = expr_number(clip.overlap / fps)
            parts.append(
                f"[t{number - 1}][h{number}]xfade=transition={kind}:duration={seconds}:offset=0[x{number}]"
            )
            pieces.append(f"[x{number}]")
        if "b" in used:
            pieces.append(f"[b{number}]")
    # concat answers in microseconds; back to 1/fps, where every frame time is a whole number.
    chain = f"{''.join(pieces)}concat=n={len(pieces)}:v=1:a=0,settb=1/{fps}"
    if burn_in is not None:
        # The ASS file is timed on the whole video: show it this segment's stretch, then restart at zero.
        chain += (
            f",setpts=PTS+{expr_number(segment.start_frame / fps)}/TB,"
            f"ass=filename={filter_value(str(burn_in.ass_file))}:fontsdir={filter_value(str(burn_in.fonts_dir))},"
            "setpts=PTS-STARTPTS"
        )
    parts.append(f"{chain}[out]")
    return ";".join(parts)


def _x264_args(fps: int, preset: str, crf: int) -> list[str]:
    # Every segment must be encoded alike, or their streams cannot be joined without re-encoding.
    return ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p", "-r", str(fps)]


def _mux_args(
    segments: Sequence[Path], workdir: Path, output: Path, audio: Path | None, duration: float
) -> list[str]:
    """Join the segments without re-encoding and lay the audio (or silence) under them, cut to length."""
    listing = workdir / "segments.txt"
    listing.write_text(
        "".join("file '" + path.name.replace("'", "'\\''") + "'\n" for path in segments), encoding="utf-8"
    )
    args = [*BASE_ARGS, "-f", "concat", "-i", str(listing)]
    if audio is None:
        args += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_SAMPLE_RATE}:cl=stereo"]
    else:
        args += ["-i", str(audio.resolve())]
    return [
        *args,
        "-map", "0:v:0",
        "-map", "1:a:0",
        "-c:v", "copy",
        # Padded with silence, then cut: the track lasts exactly as long as the picture.
        "-af", f"aresample={AUDIO_SAMPLE_RATE},apad,atrim=end={expr_number(duration)}",
        "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2",
        "-movflags", "+faststart",
        str(output.resolve()),
    ]  # fmt: skip
