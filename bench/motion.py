"""Motion benchmark: how smoothly videogen moves a picture, measured on a chart of small Gaussian dots.

A chart of 24 small coloured Gaussian dots (1920x1080) is rendered through videogen's own segment renderer
(``videogen.media.assemble.render_segment``) as one scene with a camera move. The video is decoded, every
dot is found in every frame by a sub-pixel centroid (in the luma plane, and separately in the chroma
planes), and a smooth path (a cubic in time, per dot and axis) is fitted to its luma positions. Printed:

  rms      the RMS distance of the dots from their smooth paths (px of the video frame)
  wobble   the worst frame-to-frame step away from the smooth path's step (px): a hitch, or a stair step
  chroma   the RMS distance between a dot's colour and its brightness (px): colour shimmering on edges

for videogen at its default settings (crf 23); for the floor, the same chart moved along the exact path,
drawn mathematically frame by frame (each chroma sample at its H.264 siting) and encoded with the same x264
settings, so it measures the encoder and the tracker, not the motion; and for videogen lossless (crf 0),
the motion alone. At crf 23 the encoder itself moves a small dot's colour ~0.2 px from its brightness and
a pan's steps by up to 0.4-0.6 px (the floor's figures): the chroma and wobble targets can only be met by
the motion alone, so read them in the lossless columns.

    .venv/bin/python bench/motion.py                           # zoom in and pan right, 720p and 1080p
    .venv/bin/python bench/motion.py --sizes 720p --moves zoom_in
    PYTHONPATH=/path/to/other/tree/layers/shared .venv/bin/python bench/motion.py   # another videogen

Needs numpy (a development dependency) besides videogen's own Pillow and ffmpeg.
``tests/integration/media/test_media_motion.py`` runs a small version of it.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

#: The camera's close end (videogen.media.segments.MAX_ZOOM): the exact path assumes it.
MAX_ZOOM = 1.15
SIZES = {"360p": (640, 360), "720p": (1280, 720), "1080p": (1920, 1080)}
BACKGROUND = (40, 40, 40)
#: Bright, saturated colours: every dot stands out in luma and in chroma.
COLOURS = ((255, 200, 40), (60, 230, 255), (255, 90, 220), (120, 255, 80))
#: Floor of the tracker's weights (in 8-bit levels): encoder noise around a dot must not pull its centroid.
_NOISE_LEVEL = 3.0


@dataclass(frozen=True, slots=True)
class Dot:
    """A dot of the chart: its centre (continuous chart coordinates, pixel i spans [i, i+1)) and colour."""

    x: float
    y: float
    colour: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Chart:
    """The dot chart: its size, the dots and their Gaussian radius (sigma, chart pixels)."""

    width: int
    height: int
    sigma: float
    dots: tuple[Dot, ...]

    @classmethod
    def grid(cls, width: int = 1920, height: int = 1080, columns: int = 6, rows: int = 4) -> Chart:
        """``columns`` x ``rows`` dots inside the middle 60% of the picture (visible through every move),
        off the pixel grid by irregular fractions."""
        dots = []
        for row in range(rows):
            for column in range(columns):
                index = row * columns + column
                x = width * (0.2 + 0.6 * column / max(1, columns - 1)) + (index * 0.37) % 1
                y = height * (0.2 + 0.6 * row / max(1, rows - 1)) + (index * 0.61) % 1
                dots.append(Dot(x, y, COLOURS[index % len(COLOURS)]))
        return cls(width, height, sigma=4.0 * width / 1920, dots=tuple(dots))

    def draw(self, path: Path) -> Path:
        """The chart as an RGB PNG."""
        pixels = np.empty((self.height, self.width, 3), np.float64)
        pixels[:] = BACKGROUND
        for dot in self.dots:
            # Pixel i's centre is at i + 0.5.
            _splat(pixels, dot.x - 0.5, dot.y - 0.5, self.sigma, np.subtract(dot.colour, BACKGROUND))
        Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), "RGB").save(path)
        return path


def _splat(plane: np.ndarray, x: float, y: float, sigma: float, amount: float | np.ndarray) -> None:
    """Add a Gaussian of ``sigma`` centred on (x, y) (pixel indices) times ``amount`` to ``plane``."""
    radius = math.ceil(5 * sigma)
    top, left = max(0, round(y) - radius), max(0, round(x) - radius)
    bottom, right = min(plane.shape[0], round(y) + radius + 1), min(plane.shape[1], round(x) + radius + 1)
    gy = np.exp(-((np.arange(top, bottom) - y) ** 2) / (2 * sigma * sigma))
    gx = np.exp(-((np.arange(left, right) - x) ** 2) / (2 * sigma * sigma))
    weight = np.outer(gy, gx)
    plane[top:bottom, left:right] += weight[..., None] * amount if plane.ndim == 3 else weight * amount


# --- the exact path ----------------------------------------------------------------------------------------


def view(motion: str, progress: float, width: float, height: float) -> tuple[float, float, float, float]:
    """The part of a picture of ``width`` x ``height`` that fills the frame at ``progress`` (0..1) through
    a scene: (left, top, width, height), continuous coordinates. The camera videogen means to move: a
    linear zoom about the centre between 1 and MAX_ZOOM, or a pan across the picture at MAX_ZOOM."""
    if motion == "zoom_in":
        zoom = 1 + (MAX_ZOOM - 1) * progress
    elif motion == "zoom_out":
        zoom = MAX_ZOOM - (MAX_ZOOM - 1) * progress
    else:
        zoom = MAX_ZOOM
    seen_w, seen_h = width / zoom, height / zoom
    left = (width - seen_w) / 2
    if motion == "pan_right":
        left = (width - seen_w) * progress
    elif motion == "pan_left":
        left = (width - seen_w) * (1 - progress)
    return left, (height - seen_h) / 2, seen_w, seen_h


def exact_positions(chart: Chart, motion: str, size: tuple[int, int], frames: int) -> np.ndarray:
    """Per frame, per dot: where the exact move puts its centre (x, y in frame pixel indices: pixel i's
    centre is at i) and its sigma in frame pixels; shape (frames, dots, 3). The chart must have the
    frame's aspect ratio."""
    width, height = size
    dots = np.array([(dot.x, dot.y) for dot in chart.dots])
    out = np.empty((frames, len(chart.dots), 3))
    for number in range(frames):
        left, top, seen_w, seen_h = view(motion, number / max(1, frames - 1), chart.width, chart.height)
        out[number, :, 0] = (dots[:, 0] - left) * width / seen_w - 0.5
        out[number, :, 1] = (dots[:, 1] - top) * height / seen_h - 0.5
        out[number, :, 2] = chart.sigma * width / seen_w
    return out


def _yuv(colour: Sequence[float]) -> np.ndarray:
    """BT.601 limited-range Y, Cb, Cr of an 8-bit RGB colour (what videogen's yuv420p holds)."""
    r, g, b = colour
    return np.array(
        [
            16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
            128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255,
            128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255,
        ]
    )


def floor_frames(chart: Chart, motion: str, size: tuple[int, int], frames: int) -> Iterator[bytes]:
    """yuv420p frames of the chart moved along the exact path, drawn mathematically: each luma sample, and
    each chroma sample at its place in H.264's default 4:2:0 siting (left, between two rows)."""
    width, height = size
    background = _yuv(BACKGROUND)
    colours = [_yuv(dot.colour) - background for dot in chart.dots]
    for placed in exact_positions(chart, motion, size, frames):
        luma = np.full((height, width), background[0])
        chroma = np.empty((height // 2, width // 2, 2))
        chroma[:] = background[1:]
        for (x, y, sigma), colour in zip(placed, colours, strict=True):
            _splat(luma, x, y, sigma, colour[0])
            # A chroma sample stands for a 2x2 block: the luma Gaussian seen at half the size, a little
            # wider for the block it averages.
            _splat(chroma, x / 2, (y - 0.5) / 2, math.sqrt((sigma / 2) ** 2 + 1 / 12), colour[1:])
        planes = [luma, chroma[..., 0], chroma[..., 1]]
        yield b"".join(np.clip(np.rint(plane), 0, 255).astype(np.uint8).tobytes() for plane in planes)


# --- tracking ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """How far the dots strayed (px of the frame): from their smooth paths, frame to frame, colour from
    brightness."""

    rms: float
    wobble: float
    chroma: float
    frames: int


def decode(video: Path, size: tuple[int, int]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The video's frames as (luma, chroma) arrays of yuv420p: (h, w) and (h/2, w/2, 2)."""
    from videogen.media.ffmpeg import ffmpeg_exe

    width, height = size
    luma, chroma = width * height, width * height // 4
    with subprocess.Popen(  # noqa: S603 - our own binary, an argument list
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(video),
         "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
        stdout=subprocess.PIPE,
    ) as process:  # fmt: skip
        assert process.stdout is not None
        while frame := process.stdout.read(luma + 2 * chroma):
            data = np.frombuffer(frame, np.uint8).astype(np.float64)
            planes = data[luma:].reshape(2, height // 2, width // 2)
            yield data[:luma].reshape(height, width), np.moveaxis(planes, 0, -1)
    if process.returncode:
        raise RuntimeError(f"ffmpeg could not decode {video}")


def _centroid(
    plane: np.ndarray, direction: np.ndarray, x: float, y: float, radius: int
) -> tuple[float, float]:
    """The centroid of the dot near (x, y): each sample weighs its difference from the window's background
    (the median of its border) along the dot's colour (``direction``, one weight per channel), less a
    noise floor. NaN where the window leaves the picture."""
    for _ in range(3):
        left, top = round(x) - radius, round(y) - radius
        if left < 0 or top < 0 or left + 2 * radius >= plane.shape[1] or top + 2 * radius >= plane.shape[0]:
            return math.nan, math.nan
        window = plane[top : top + 2 * radius + 1, left : left + 2 * radius + 1]
        if window.ndim == 2:
            window = window[..., None]
        border = np.concatenate([window[0], window[-1], window[1:-1, 0], window[1:-1, -1]])
        level = (window - np.median(border, axis=0)) @ direction
        weight = np.maximum(level - _NOISE_LEVEL, 0)
        total = weight.sum()
        if total <= 0:
            return math.nan, math.nan
        x = left + float((weight.sum(axis=0) * np.arange(weight.shape[1])).sum() / total)
        y = top + float((weight.sum(axis=1) * np.arange(weight.shape[0])).sum() / total)
    return x, y


def track(video: Path, chart: Chart, motion: str, size: tuple[int, int]) -> np.ndarray:
    """``track_frames`` of the decoded video."""
    return track_frames(list(decode(video, size)), chart, motion, size)


def track_frames(
    frames: Sequence[tuple[np.ndarray, np.ndarray]], chart: Chart, motion: str, size: tuple[int, int]
) -> np.ndarray:
    """Per frame, per dot: its luma centroid and its chroma centroid (x, y, cx, cy), in luma pixel indices
    (chroma in H.264's default siting: chroma sample (i, j) sits at luma (2i, 2j + 0.5)); shape
    (frames, dots, 4), NaN where a dot was not found whole."""
    expected = exact_positions(chart, motion, size, len(frames))
    background = _yuv(BACKGROUND)
    directions = []
    for dot in chart.dots:
        colour = _yuv(dot.colour) - background
        directions.append(colour[1:] / np.hypot(*colour[1:]))
    out = np.empty((len(frames), len(chart.dots), 4))
    for number, ((luma, chroma), placed) in enumerate(zip(frames, expected, strict=True)):
        for index, (x, y, sigma) in enumerate(placed):
            out[number, index, :2] = _centroid(luma, np.ones(1), x, y, math.ceil(4 * sigma) + 1)
            cx, cy = _centroid(chroma, directions[index], x / 2, (y - 0.5) / 2, math.ceil(2 * sigma) + 2)
            out[number, index, 2:] = 2 * cx, 2 * cy + 0.5
    return out


def score(tracks: np.ndarray) -> Score:
    """RMS from each dot's smooth path (a least-squares cubic in time per dot and axis), the worst
    frame-to-frame step off it, and the RMS distance of colour from brightness.

    Raises:
        ValueError: a dot was lost in some frame (the chart or the move does not suit the frame).
    """
    if np.isnan(tracks).any():
        raise ValueError("a dot was not found in every frame")
    frames = tracks.shape[0]
    times = np.linspace(-1, 1, frames)
    basis = np.vander(times, min(4, frames), increasing=True)
    luma = tracks[..., :2].reshape(frames, -1)  # one column per dot and axis
    coefficients, *_ = np.linalg.lstsq(basis, luma, rcond=None)
    residual = (luma - basis @ coefficients).reshape(frames, -1, 2)
    distance = np.hypot(residual[..., 0], residual[..., 1])
    steps = np.hypot(*np.moveaxis(np.diff(residual, axis=0), -1, 0))
    colour = np.hypot(tracks[..., 2] - tracks[..., 0], tracks[..., 3] - tracks[..., 1])
    return Score(
        rms=float(np.sqrt((distance**2).mean())),
        wobble=float(steps.max()) if steps.size else 0.0,
        chroma=float(np.sqrt((colour**2).mean())),
        frames=frames,
    )


# --- the two renders ---------------------------------------------------------------------------------------


def render_videogen(
    chart_png: Path,
    motion: str,
    size: tuple[int, int],
    *,
    fps: int,
    frames: int,
    output: Path,
    workdir: Path,
    crf: int | None = None,
) -> Path:
    """One scene of ``frames`` frames showing the chart with ``motion``, through videogen's segment renderer
    at its default encoder settings (or another ``crf``: 0 is lossless, the motion alone)."""
    from videogen.media.assemble import render_segment
    from videogen.media.segments import ClipJob, Encoding, Motion, SegmentJob

    clip = ClipJob(1, str(chart_png), frames, 0, frames, 0, Motion(motion), None)
    encoding = Encoding(size[0], size[1], fps) if crf is None else Encoding(size[0], size[1], fps, crf=crf)
    job = SegmentJob(0, 0, frames, (clip,), encoding, None)
    return render_segment(job, [chart_png], output, workdir=workdir)


def render_floor(
    chart: Chart, motion: str, size: tuple[int, int], *, fps: int, frames: int, output: Path
) -> Path:
    """The exact path drawn mathematically, encoded with videogen's x264 settings."""
    from videogen.media.assemble import _x264_args
    from videogen.media.ffmpeg import ffmpeg_exe
    from videogen.media.segments import Encoding

    with subprocess.Popen(  # noqa: S603 - our own binary, an argument list
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "rawvideo",
         "-pix_fmt", "yuv420p", "-s", f"{size[0]}x{size[1]}", "-r", str(fps), "-i", "-",
         *_x264_args(Encoding(size[0], size[1], fps)), str(output)],
        stdin=subprocess.PIPE,
    ) as process:  # fmt: skip
        assert process.stdin is not None
        for frame in floor_frames(chart, motion, size, frames):
            process.stdin.write(frame)
        process.stdin.close()
    if process.returncode:
        raise RuntimeError("ffmpeg could not encode the floor")
    return output


@dataclass(frozen=True, slots=True)
class Result:
    """One move at one size: videogen at its default settings, the floor, videogen lossless (the motion
    alone, no encoder noise), and the seconds videogen's default render took."""

    videogen: Score
    floor: Score | None
    lossless: Score | None
    seconds: float


def measure(
    motion: str,
    size: tuple[int, int],
    workdir: Path,
    *,
    seconds: float = 3.5,
    fps: int = 30,
    chart: Chart | None = None,
    floor: bool = True,
    lossless: bool = True,
) -> Result:
    """videogen's scores for ``motion`` at ``size``; the floor and the lossless render unless left out."""
    chart = chart or Chart.grid()
    frames = round(seconds * fps)
    png = chart.draw(workdir / f"chart-{chart.width}.png")
    start = time.perf_counter()
    common = {"fps": fps, "frames": frames, "workdir": workdir}
    video = render_videogen(png, motion, size, output=workdir / f"videogen-{motion}.mp4", **common)
    took = time.perf_counter() - start
    ours = score(track(video, chart, motion, size))
    best = exact = None
    if floor:
        drawn = render_floor(
            chart, motion, size, fps=fps, frames=frames, output=workdir / f"floor-{motion}.mp4"
        )
        best = score(track(drawn, chart, motion, size))
    if lossless:
        clean = render_videogen(png, motion, size, output=workdir / f"lossless-{motion}.mp4", crf=0, **common)
        exact = score(track(clean, chart, motion, size))
    return Result(ours, best, exact, took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["720p", "1080p"], choices=sorted(SIZES))
    parser.add_argument("--moves", nargs="+", default=["zoom_in", "pan_right"])
    parser.add_argument("--seconds", type=float, default=3.5)
    parser.add_argument("--fps", type=int, default=30)
    args = parser.parse_args()

    from videogen.media import segments

    print(f"videogen from {Path(segments.__file__).parent}, media version {segments.MEDIA_VERSION}")
    print(
        "px of the frame; rms / wobble / chroma of videogen (crf 23), of the floor (the exact path, crf 23),"
    )
    print("and of videogen lossless (crf 0: the motion alone)")
    columns = ("videogen", "floor", "ratio", "lossless", "render")
    print(
        f"{'move':10} {'size':6} "
        + "  ".join(f"{name:>{w}}" for name, w in zip(columns, (21, 21, 5, 21, 6), strict=True))
    )
    with tempfile.TemporaryDirectory(prefix="videogen-motion-") as scratch:
        for size_name in args.sizes:
            for motion in args.moves:
                result = measure(motion, SIZES[size_name], Path(scratch), seconds=args.seconds, fps=args.fps)
                ours, best, clean = result.videogen, result.floor, result.lossless
                assert best is not None and clean is not None
                ratio = ours.rms / best.rms
                cells = f"{_triple(ours)}  {_triple(best)}  {ratio:5.2f}  {_triple(clean)}"
                print(f"{motion:10} {size_name:6} {cells}  {result.seconds:5.2f}s", flush=True)
    print("targets: rms <= 1.5x the floor (<= 0.10 px), wobble <= 0.3 px, chroma <= 0.1 px", file=sys.stderr)


def _triple(found: Score) -> str:
    return f"{found.rms:5.3f} / {found.wobble:5.3f} / {found.chroma:5.3f}"


if __name__ == "__main__":
    main()
