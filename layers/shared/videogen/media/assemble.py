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

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from PIL import ImageFont

from videogen.domain.enums import Transition
from videogen.exceptions import VideoAssemblyException
from videogen.fonts import ROBOTO_FAMILY, roboto_file
from videogen.media.captions import Cue, caption_style, to_ass
from videogen.media.ffmpeg import BASE_ARGS, Deadline, expr_number, run_ffmpeg
from videogen.media.images import inspect_image, prepare_image
from videogen.media.segments import (
    BurnIn,
    Motion,
    Segment,
    motion_for_index,
    plan_segments,
    segment_graph,
    segment_size,
)
from videogen.media.timeline import DEFAULT_TRANSITION_SECONDS, timeline

if TYPE_CHECKING:
    from videogen.domain.settings import CaptionOptions

X264_PRESETS: Final = frozenset(
    {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}
)
AUDIO_SAMPLE_RATE: Final = 48_000
AUDIO_BITRATE: Final = "128k"


@dataclass(frozen=True, slots=True)
class SceneClip:
    """One scene of the video: its image, how long it lasts and how it hands over to the next scene."""

    image: Path
    duration: float
    transition: Transition = Transition.FADE
    transition_duration: float = DEFAULT_TRANSITION_SECONDS
    #: None: chosen from the scene's position by ``motion_for_index``.
    motion: Motion | None = None


class AssemblyResult(NamedTuple):
    """What was written: the file, its exact length in frames and seconds, how many segments made it."""

    path: Path
    duration: float
    frames: int
    segments: int
    size_bytes: int


# --- assembly ---


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
        workdir: a directory for temporary files (see ``videogen.media.workdir``); the caller removes it.
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
    segments = plan_segments(starts, ends, segment_size(width, height))

    # A directory of our own inside the caller's: their downloads may share the workdir.
    scratch = workdir / "assembly"
    scratch.mkdir(parents=True, exist_ok=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    burn_in = _write_captions(captions, width, height, scratch, caption_options) if captions else None
    motions = [scene.motion or motion_for_index(index) for index, scene in enumerate(scenes)]
    transitions = [scene.transition for scene in scenes]

    def prepare(index: int) -> Path:
        target = scratch / f"scene-{index:04d}.jpg"
        return prepare_image(scenes[index].image, sizes[index], (width, height), target, index + 1)

    # One thread fits the next segment's images while ffmpeg renders this one (Pillow releases the GIL).
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fit-images")
    prepared: dict[int, Future[Path]] = {}

    def request(segment: Segment) -> None:
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
            graph = segment_graph(
                segment,
                motions=motions,
                transitions=transitions,
                frame=(width, height),
                fps=fps,
                burn_in=burn_in,
            )
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
    return AssemblyResult(output, duration, frames, len(segments), output.stat().st_size)


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


def _write_captions(
    cues: Sequence[Cue], width: int, height: int, workdir: Path, options: CaptionOptions | None
) -> BurnIn:
    """The ASS file to burn in, and a fonts directory holding its font, so no system font is needed.

    The font is Roboto (Apache-2.0, bundled in media/typefaces/: Latin, Greek and Cyrillic, so "Ça va"
    renders on Lambda, which has no system fonts); without it, Pillow's built-in Aileron (ASCII only).
    """
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
    return BurnIn(ass_file, fonts_dir)


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
