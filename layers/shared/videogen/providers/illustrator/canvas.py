"""The surface a plan is painted on: its size, its random source, its light, and a few shape helpers."""

from __future__ import annotations

import colorsys
import math
import random
from collections.abc import Sequence
from typing import Final

from PIL import Image, ImageDraw

from videogen.providers.illustrator.lexicon import TimeOfDay
from videogen.providers.illustrator.planner import ScenePlan

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Point = tuple[float, float]

#: Sky (top, horizon) per time of day.
SKIES: Final[dict[TimeOfDay, tuple[RGB, RGB]]] = {
    TimeOfDay.DAWN: ((70, 80, 150), (250, 180, 150)),
    TimeOfDay.MORNING: ((90, 150, 220), (200, 225, 240)),
    TimeOfDay.NOON: ((60, 125, 215), (175, 210, 240)),
    TimeOfDay.AFTERNOON: ((80, 130, 200), (240, 215, 170)),
    TimeOfDay.DUSK: ((50, 40, 105), (250, 140, 80)),
    TimeOfDay.NIGHT: ((6, 10, 30), (30, 40, 80)),
}
#: What daylight does to a lit surface's colour, per time of day (a multiplier per channel).
LIGHT: Final[dict[TimeOfDay, tuple[float, float, float]]] = {
    TimeOfDay.DAWN: (0.85, 0.72, 0.78),
    TimeOfDay.MORNING: (1.0, 0.98, 0.96),
    TimeOfDay.NOON: (1.05, 1.05, 1.05),
    TimeOfDay.AFTERNOON: (1.02, 0.93, 0.8),
    TimeOfDay.DUSK: (0.72, 0.5, 0.5),
    TimeOfDay.NIGHT: (0.2, 0.24, 0.38),
}


def mix(a: Sequence[int], b: Sequence[int], t: float) -> RGB:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def shift(color: RGB, hue: float, light: float = 0.0) -> RGB:
    """``color`` with its hue turned by ``hue`` (a fraction of the wheel) and lightness moved by ``light``."""
    r, g, b = (c / 255 for c in color)
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb((h + hue) % 1.0, min(max(lum + light, 0.0), 1.0), s)
    return (round(r * 255), round(g * 255), round(b * 255))


class Canvas:
    """One picture being painted, back to front."""

    def __init__(self, plan: ScenePlan, width: int, height: int, *, view: bool = False) -> None:
        self.plan = plan
        self.w, self.h = width, height
        self.rng = random.Random(plan.seed + (1 if view else 0))
        self.time = plan.time
        self.weather = set(plan.weather)
        self.dark = plan.time is TimeOfDay.NIGHT
        self.gloomy = bool({"storm", "rain", "fog"} & self.weather)
        top, horizon = SKIES[plan.time]
        if self.gloomy and not self.dark:
            top, horizon = mix(top, (90, 95, 105), 0.7), mix(horizon, (150, 155, 160), 0.7)
        self.sky_top, self.haze = shift(top, plan.hue), shift(horizon, plan.hue)
        light = LIGHT[plan.time]
        if self.gloomy:
            light = (light[0] * 0.8, light[1] * 0.8, light[2] * 0.85)
        self.light = light
        # A tall frame shows more sky: its horizon sits lower.
        base = 0.5 if height > width * 1.2 else 0.58
        self.horizon = self.h * (base + self.rng.uniform(-0.04, 0.04))
        self.u = min(self.w, self.h * 1.6)  # the size unit: a frame's height, capped for very wide frames
        #: The top of a bridge's deck once one is drawn: a train then crosses on it.
        self.deck: float | None = None
        self.image = Image.new("RGB", (width, height), self.haze)
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    # --- colour -----------------------------------------------------------------------------------------

    def lit(self, color: Sequence[int], alpha: int = 255, far: float = 0.0) -> RGBA:
        """A surface colour under the scene's light, faded into the haze by ``far`` (0 near, 1 lost)."""
        r, g, b = (min(255, round(c * k)) for c, k in zip(color[:3], self.light, strict=True))
        if far > 0:
            r, g, b = mix((r, g, b), self.haze, min(far, 1.0))
        return (r, g, b, alpha)

    # --- geometry ---------------------------------------------------------------------------------------

    def ground_y(self, depth: float) -> float:
        """The y of the ground ``depth`` of the way from the horizon (0) to the bottom edge (1)."""
        return self.horizon + (self.h - self.horizon) * depth

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Sequence[int]) -> None:
        self.draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=tuple(fill))

    def poly(
        self, points: Sequence[Point], fill: Sequence[int], outline: Sequence[int] | None = None
    ) -> None:
        self.draw.polygon(list(points), fill=tuple(fill), outline=tuple(outline) if outline else None)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Sequence[int]) -> None:
        self.draw.rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), fill=tuple(fill))

    def line(self, points: Sequence[Point], fill: Sequence[int], width: float) -> None:
        self.draw.line(list(points), fill=tuple(fill), width=max(1, round(width)), joint="curve")

    def glow(  # noqa: PLR0917 - a centre, a radius and a colour, as Pillow's own shapes take them
        self, cx: float, cy: float, radius: float, color: RGB, strength: int = 40, rings: int = 6
    ) -> None:
        """A soft halo: translucent discs, largest first."""
        for step in range(rings, 0, -1):
            r = radius * step / rings
            self.ellipse(cx, cy, r, r, (*color, max(1, strength // 2 + strength * (rings - step) // rings)))

    def ridge(self, base: float, amplitude: float, *, jagged: bool, samples: int = 96) -> list[Point]:
        """A line of land across the frame: jagged peaks (midpoint displacement) or rolling sines."""
        if jagged:
            heights = [self.rng.uniform(-1, 1) for _ in range(5)]
            roughness = 0.7
            while len(heights) < samples:
                refined: list[float] = []
                for left, right in zip(heights, heights[1:], strict=False):
                    refined += [left, (left + right) / 2 + self.rng.uniform(-roughness, roughness)]
                heights = [*refined, heights[-1]]
                roughness *= 0.55
            values = heights
        else:
            waves = [
                (self.rng.uniform(1, 3.5), self.rng.uniform(0, 2 * math.pi), self.rng.uniform(0.3, 1))
                for _ in range(3)
            ]
            values = [
                sum(a * math.sin(f * 2 * math.pi * i / samples + p) for f, p, a in waves)
                for i in range(samples + 1)
            ]
        peak = max(abs(v) for v in values) or 1.0
        step = self.w / (len(values) - 1)
        return [(i * step, base - amplitude * v / peak) for i, v in enumerate(values)]

    def fill_below(self, ridge: Sequence[Point], fill: Sequence[int]) -> None:
        self.poly([*ridge, (self.w, self.h + 1), (0, self.h + 1)], fill)
