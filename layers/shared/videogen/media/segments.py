"""A video cut into segments, and each segment's ffmpeg filtergraph: frame numbers in, strings out.

The deciding half of assembly (``videogen.media.assemble`` runs ffmpeg on what is decided here): pure, no
I/O. Why segments, split planes and one concat per segment: see the notes of ``videogen.media.assemble``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from videogen.domain.enums import Transition
from videogen.media.ffmpeg import expr_number, filter_value

#: Zoom at the close end of a zoom, and throughout a pan (a pan needs room to move).
MAX_ZOOM: Final = 1.15
#: Memory budget for one segment's ffmpeg, from measurements at 720p: ~160 MB fixed plus ~26 MB per scene.
SEGMENT_SCENES_AT_720P: Final = 6
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
class Clip:
    """A run of frames of one scene inside a segment."""

    scene: int  # index into the scenes
    length: int  # frames of the whole scene: its motion runs over all of them
    first: int  # first frame of the clip, counted from the scene's own start
    frames: int  # how many frames the clip has
    overlap: int  # frames it cross-fades with the clip before it (0: joined by a cut, or first)


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the video that one ffmpeg renders: where it starts, how long it is, its clips."""

    start_frame: int  # in the whole video
    frames: int
    clips: tuple[Clip, ...]


@dataclass(frozen=True, slots=True)
class BurnIn:
    """The captions file to burn in, and the fonts directory libass reads its font from."""

    ass_file: Path
    fonts_dir: Path


def segment_size(width: int, height: int) -> int:
    """Scenes per segment: fewer for bigger frames, so a segment's ffmpeg stays within the same memory."""
    scale = (1280 * 720) / (width * height)
    return max(2, min(12, math.floor(SEGMENT_SCENES_AT_720P * scale)))


def plan_segments(starts: Sequence[int], ends: Sequence[int], size: int) -> list[Segment]:
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
        clips: list[Clip] = []
        if first > 0 and ends[first - 1] > seg_start:
            tail_from = seg_start - starts[first - 1]
            length = ends[first - 1] - starts[first - 1]
            clips.append(Clip(first - 1, length, tail_from, ends[first - 1] - seg_start, 0))
        for index in range(first, last):
            stop = min(ends[index], seg_end)
            overlap = max(0, ends[index - 1] - starts[index]) if index > 0 else 0
            length = ends[index] - starts[index]
            clips.append(Clip(index, length, 0, stop - starts[index], overlap if clips else 0))
        segments.append(Segment(seg_start, seg_end - seg_start, tuple(clips)))
    return segments


def motion_expressions(motion: Motion, length: int, first: int) -> tuple[str, str, str]:
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


def segment_graph(
    segment: Segment,
    *,
    motions: Sequence[Motion],
    transitions: Sequence[Transition],
    frame: tuple[int, int],
    fps: int,
    burn_in: BurnIn | None,
) -> str:
    """The filtergraph of one segment: every clip cut into head, body and tail, all joined by one concat.

    A head and the tail before it are cross-faded on their own, so every frame passes at most one xfade.
    Each plane is moved by its own zoompan (see ``videogen.media.assemble``), then the three are merged.
    ``motions`` holds each scene's camera move, ``transitions`` how each hands over to the next.
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
        motion = motions[clip.scene]
        for name, (first, count) in used.items():
            z, x, y = motion_expressions(motion, clip.length, first)
            moved = _planes(number, name + "m")
            for plane, source, target in zip(PLANES, _planes(number, name), moved, strict=True):
                size = f"{width}x{height}" if plane == "y" else f"{width // 2}x{height // 2}"
                parts.append(f"{source}zoompan=z={z}:x={x}:y={y}:d={count}:s={size}:fps={fps}{target}")
            parts.append(
                f"{''.join(moved)}mergeplanes=map0s=0:map1s=1:map2s=2:format=yuv420p,setsar=1[{name}{number}]"
            )
        if "h" in used:
            kind = XFADE_TRANSITIONS[transitions[clip.scene - 1]]
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
