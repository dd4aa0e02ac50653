"""An offline image provider: a procedural illustration drawn with Pillow, the same for the same request.

Nothing here calls out: the picture's composition, palette and shapes come from a hash of the prompt, seed
and style, and a few keywords in the prompt (sea, city, forest, night, mountain, desert, fire, snow...)
choose what is drawn. It is good enough to tell a story in a demo and costs no API key.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageDraw

from videogen.exceptions import ImageGenerationException
from videogen.providers.base import GeneratedImage, ImageRequest
from videogen.providers.catalog import LOCAL_MODEL

MIN_SIDE: Final = 16
MAX_SIDE: Final = 2048

RGB = tuple[int, int, int]
Point = tuple[float, float]

#: Words that switch a motif on; a prompt word matches one of these, alone or with a plural/adjective ending.
_THEMES: Final[dict[str, tuple[str, ...]]] = {
    "night": ("night", "moon", "star", "midnight", "dark", "nocturnal", "galaxy", "space"),
    "dusk": ("sunset", "dusk", "evening", "dawn", "sunrise", "twilight", "golden"),
    "sea": ("sea", "ocean", "wave", "beach", "shore", "coast", "harbor", "harbour", "lake", "island", "port"),
    "city": ("city", "town", "street", "building", "skyline", "urban", "village", "castle", "tower"),
    "forest": ("forest", "tree", "wood", "woods", "jungle", "garden", "park", "grove", "meadow"),
    "mountain": ("mountain", "peak", "alps", "cliff", "summit", "valley", "volcano", "hill"),
    "desert": ("desert", "sand", "dune", "canyon", "oasis", "sahara"),
    "fire": ("fire", "flame", "volcano", "lava", "burning", "blaze", "campfire", "explosion", "dragon"),
    "snow": ("snow", "winter", "ice", "frost", "blizzard", "arctic", "glacier", "frozen"),
}

#: Sky (top, horizon) per time of day, before the seeded hue shift.
_SKIES: Final[dict[str, tuple[RGB, RGB]]] = {
    "day": ((70, 130, 210), (190, 220, 240)),
    "dusk": ((60, 50, 120), (250, 150, 90)),
    "night": ((8, 12, 35), (40, 50, 95)),
    "snow": ((150, 175, 205), (225, 232, 240)),
}


@dataclass(frozen=True, slots=True)
class _Scene:
    """What to draw, decided from the request before any pixel is touched."""

    themes: frozenset[str]
    time_of_day: str
    hue_shift: float


class LocalImageProvider:
    """Draws a deterministic procedural illustration for each request, offline."""

    name = "local"
    model = LOCAL_MODEL

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """Draw the request's picture and return it as PNG bytes.

        Raises:
            ImageGenerationException: the width or height is outside [MIN_SIDE, MAX_SIDE].
        """
        width, height = request.width, request.height
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise ImageGenerationException(
                "The requested image size is out of range",
                {"width": width, "height": height, "min_side": MIN_SIDE, "max_side": MAX_SIDE},
            )
        image = render(request)
        out = io.BytesIO()
        # No text chunks or timestamps are written, so equal requests give byte-identical files.
        image.save(out, format="PNG", compress_level=3)
        return GeneratedImage(
            data=out.getvalue(),
            content_type="image/png",
            width=width,
            height=height,
            provider=self.name,
            model=self.model,
        )


def render(request: ImageRequest) -> Image.Image:
    """Draw the request's illustration as an RGB image of exactly the requested size."""
    digest = hashlib.sha256(
        "\x1f".join((request.prompt, str(request.seed), request.style)).encode("utf-8")
    ).digest()
    rng = random.Random(int.from_bytes(digest[:16], "big"))
    scene = _plan(f"{request.prompt} {request.style}", rng)

    # Pillow's polygons are not anti-aliased: small frames are drawn at twice the size and reduced.
    scale = 2 if request.width * request.height <= 1_500_000 else 1
    canvas = _Canvas(request.width * scale, request.height * scale, rng, scene)
    canvas.paint()
    image = canvas.image.reduce(scale) if scale > 1 else canvas.image
    # No text: scene titles are an overlay of the video (videogen.media.segments), not part of the picture.
    return image


def _plan(text: str, rng: random.Random) -> _Scene:
    words = set(re.findall(r"[a-z]+", text.lower()))
    themes = frozenset(
        theme for theme, keys in _THEMES.items() if any(_matches(word, keys) for word in words)
    )
    if "night" in themes:
        time_of_day = "night"
    elif "dusk" in themes or "fire" in themes:
        time_of_day = "dusk"
    elif "snow" in themes:
        time_of_day = "snow"
    else:
        # Without a hint, most pictures are daylight, some dusk: variety between scenes of one story.
        time_of_day = rng.choice(("day", "day", "day", "dusk"))
    return _Scene(themes=themes, time_of_day=time_of_day, hue_shift=rng.uniform(-0.06, 0.06))


_ENDINGS: Final = ("s", "es", "y", "ies", "ing", "ed", "ly")


def _matches(word: str, keys: tuple[str, ...]) -> bool:
    # Whole words with a known ending, not prefixes: "sea" must not match "search" or "season".
    return word in keys or any(word.endswith(end) and word[: -len(end)] in keys for end in _ENDINGS)


def _shift(color: RGB, hue: float, light: float = 0.0) -> RGB:
    r, g, b = (c / 255 for c in color)
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb((h + hue) % 1.0, min(max(lum + light, 0.0), 1.0), s)
    return (round(r * 255), round(g * 255), round(b * 255))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


class _Canvas:
    """One illustration being painted, back to front."""

    def __init__(self, width: int, height: int, rng: random.Random, scene: _Scene) -> None:
        self.w, self.h, self.rng, self.scene = width, height, rng, scene
        top, horizon = _SKIES[scene.time_of_day]
        self.sky_top = _shift(top, scene.hue_shift)
        self.haze = _shift(horizon, scene.hue_shift)
        self.horizon = self.h * rng.uniform(0.52, 0.64)
        self.image = self._sky()
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    def has(self, theme: str) -> bool:
        return theme in self.scene.themes

    def paint(self) -> None:
        night = self.scene.time_of_day == "night"
        if night:
            self._stars()
        self._sun_or_moon(night)
        if not night:
            self._clouds()
        self._far_terrain()
        if self.has("city"):
            self._skyline(night)
        if self.has("sea"):
            self._sea()
        else:
            self._ground()
        if self.has("forest") or not (self.scene.themes - {"night", "dusk"}):
            self._trees()
        if self.has("fire"):
            self._fire()
        if self.has("snow"):
            self._snowfall()
        self._birds_or_fireflies(night)

    # --- sky -------------------------------------------------------------------------------------------

    def _sky(self) -> Image.Image:
        gradient = Image.linear_gradient("L").resize((self.w, self.h), Image.Resampling.BILINEAR)
        return Image.composite(
            Image.new("RGB", (self.w, self.h), self.haze),
            Image.new("RGB", (self.w, self.h), self.sky_top),
            gradient,
        )

    def _stars(self) -> None:
        for _ in range(int(self.w * self.h / 4000) + 20):
            x, y = self.rng.uniform(0, self.w), self.rng.uniform(0, self.horizon * 0.9)
            r = self.rng.choice((0.6, 0.8, 1.0, 1.6)) * self.h / 720
            alpha = self.rng.randint(90, 255)
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 235, alpha))

    def _sun_or_moon(self, night: bool) -> None:
        cx = self.w * self.rng.uniform(0.15, 0.85)
        low = self.scene.time_of_day == "dusk"
        cy = self.horizon * (self.rng.uniform(0.55, 0.85) if low else self.rng.uniform(0.3, 0.5))
        r = self.h * self.rng.uniform(0.05, 0.09)
        if night:
            body, glow = (240, 236, 215), (200, 210, 255)
        elif low:
            body, glow = (255, 200, 120), (255, 140, 80)
        else:
            body, glow = (255, 248, 215), (255, 240, 190)
        for step in range(6, 0, -1):
            gr = r * (1 + step * 0.45)
            self.draw.ellipse((cx - gr, cy - gr, cx + gr, cy + gr), fill=(*glow, 14))
        self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=body)
        if night:
            # A crescent: the sky's own colour bites into the disc.
            off = r * 0.45
            self.draw.ellipse(
                (cx - r + off, cy - r - off * 0.4, cx + r + off, cy + r - off * 0.4),
                fill=_mix(self.sky_top, self.haze, cy / self.h),
            )

    def _clouds(self) -> None:
        for _ in range(self.rng.randint(2, 6)):
            cx, cy = self.rng.uniform(-0.1, 1.1) * self.w, self.rng.uniform(0.08, 0.45) * self.horizon
            size = self.h * self.rng.uniform(0.04, 0.09)
            for _ in range(self.rng.randint(4, 8)):
                dx, dy = self.rng.uniform(-2.5, 2.5) * size, self.rng.uniform(-0.5, 0.4) * size
                r = size * self.rng.uniform(0.7, 1.3)
                self.draw.ellipse(
                    (cx + dx - r * 1.4, cy + dy - r, cx + dx + r * 1.4, cy + dy + r), fill=(255, 255, 255, 55)
                )

    # --- land and water ---------------------------------------------------------------------------------

    def _ridge(self, base: float, amplitude: float, jagged: bool) -> list[Point]:
        """A skyline of land across the frame: jagged peaks (midpoint displacement) or rolling sines."""
        if jagged:
            heights = [self.rng.uniform(-1, 1) for _ in range(5)]
            roughness = 0.7
            while len(heights) < 129:
                refined: list[float] = []
                for left, right in zip(heights, heights[1:], strict=False):
                    refined += [left, (left + right) / 2 + self.rng.uniform(-roughness, roughness)]
                heights = [*refined, heights[-1]]
                roughness *= 0.55
            samples = heights
        else:
            waves = [
                (self.rng.uniform(1, 4), self.rng.uniform(0, 2 * math.pi), self.rng.uniform(0.3, 1))
                for _ in range(3)
            ]
            samples = [
                sum(a * math.sin(f * 2 * math.pi * i / 128 + p) for f, p, a in waves) / 1.5
                for i in range(129)
            ]
        # Normalised to [-1, 1] so the amplitude, not the random walk, decides how tall the land is.
        peak = max(abs(v) for v in samples) or 1.0
        samples = [v / peak for v in samples]
        step = self.w / (len(samples) - 1)
        return [(i * step, base - amplitude * v) for i, v in enumerate(samples)]

    def _fill_below(self, ridge: Sequence[Point], color: RGB | tuple[int, int, int, int]) -> None:
        self.draw.polygon([*ridge, (self.w, self.h), (0, self.h)], fill=color)

    def _far_terrain(self) -> None:
        mountains = self.has("mountain") or (self.has("snow") and not self.has("sea"))
        desert = self.has("desert")
        land = (150, 110, 80) if desert else (70, 100, 120) if mountains else (80, 130, 90)
        layers = 3 if mountains else 2
        for layer in range(layers):
            depth = 1 - layer / layers
            base = self.horizon - self.h * (0.07 if mountains else 0.02) * (layers - 1 - layer)
            amplitude = self.h * (0.13 if mountains else 0.05 if desert else 0.07) * (0.5 + 0.5 * depth)
            ridge = self._ridge(base, amplitude, jagged=mountains)
            color = _mix(_shift(land, self.scene.hue_shift, -0.08 * layer), self.haze, 0.55 * depth)
            self._fill_below(ridge, color)
            if mountains and (self.has("snow") or layer == 0):
                # Snow caps: thickest on the highest peaks, thinning out to nothing at a snow line.
                peak, lowest = min(y for _, y in ridge), max(y for _, y in ridge)
                snow_line = peak + (lowest - peak) * 0.45
                lower = [(x, y + max(0.0, snow_line - y) * 0.6) for x, y in reversed(ridge)]
                self.draw.polygon([*ridge, *lower], fill=(245, 248, 255, 170))

    def _ground(self) -> None:
        desert, snow = self.has("desert"), self.has("snow")
        near = (222, 228, 238) if snow else (200, 160, 100) if desert else (60, 120, 60)
        for layer in range(2):
            base = self.horizon + self.h * (0.08 + 0.14 * layer)
            ridge = self._ridge(base, self.h * (0.035 if desert else 0.05), jagged=False)
            color = _mix(_shift(near, self.scene.hue_shift, -0.06 * layer), self.haze, 0.25 * (1 - layer))
            self._fill_below(ridge, color)

    def _sea(self) -> None:
        top = _mix((30, 80, 130), self.haze, 0.45)
        self.draw.rectangle((0, self.horizon, self.w, self.h), fill=_shift(top, self.scene.hue_shift))
        deep = (10, 40, 80) if self.scene.time_of_day != "night" else (5, 10, 30)
        top_y = round(self.horizon)
        depth = Image.linear_gradient("L").resize((self.w, self.h - top_y), Image.Resampling.BILINEAR)
        self.image.paste(deep, (0, top_y, self.w, self.h), mask=depth.point(lambda v: v * 3 // 4))
        for _ in range(int(40 * self.w / self.h)):
            t = self.rng.uniform(0.02, 1)
            y = self.horizon + (self.h - self.horizon) * t * t
            x = self.rng.uniform(0, self.w)
            half = self.w * 0.03 * (0.3 + t)
            self.draw.line(
                (x - half, y, x + half, y),
                fill=(255, 255, 255, 60),
                width=max(1, round(self.h * 0.003 * (0.5 + t))),
            )
        if self.has("mountain") or self.has("city"):
            return
        # A sandy beach in the foreground corner, so the sea has a shore to look from.
        shore = self._ridge(self.h * 0.93, self.h * 0.04, jagged=False)
        self._fill_below([(x, y + (self.w - x) / self.w * self.h * 0.05) for x, y in shore], (215, 190, 140))

    def _skyline(self, night: bool) -> None:
        x = -self.rng.uniform(0, self.w * 0.03)
        base = self.horizon + self.h * 0.01
        body = _mix((45, 50, 70), self.haze, 0.15 if night else 0.35)
        lit = (255, 215, 120, 230) if night else (200, 220, 240, 120)
        while x < self.w:
            bw = self.w * self.rng.uniform(0.035, 0.08)
            bh = self.h * self.rng.uniform(0.08, 0.32)
            self.draw.rectangle((x, base - bh, x + bw, base), fill=body)
            if self.rng.random() < 0.2:
                # A spire on some roofs breaks the row of boxes.
                self.draw.polygon(
                    [
                        (x + bw * 0.3, base - bh),
                        (x + bw * 0.5, base - bh - self.h * 0.05),
                        (x + bw * 0.7, base - bh),
                    ],
                    fill=body,
                )
            win = max(2.0, self.h * 0.012)
            wy = base - bh + win * 1.5
            while wy < base - win * 2:
                wx = x + win
                while wx < x + bw - win * 1.5:
                    if self.rng.random() < (0.45 if night else 0.3):
                        self.draw.rectangle((wx, wy, wx + win * 0.7, wy + win), fill=lit)
                    wx += win * 1.6
                wy += win * 2
            x += bw + self.w * self.rng.uniform(0.0, 0.01)

    def _trees(self) -> None:
        conifers = self.has("snow") or self.has("mountain") or self.rng.random() < 0.5
        trunk, crown = (60, 40, 30), _shift((30, 85, 45), self.scene.hue_shift)
        if self.scene.time_of_day == "night":
            crown = (15, 35, 30)
        count = self.rng.randint(8, 18) if self.has("forest") else self.rng.randint(2, 6)
        for _ in range(count):
            t = self.rng.uniform(0, 1)
            x = self.rng.uniform(0, self.w)
            y = self.horizon + self.h * (0.06 + 0.3 * t)
            size = self.h * (0.06 + 0.16 * t)
            color = _mix(crown, self.haze, 0.35 * (1 - t))
            self.draw.rectangle((x - size * 0.05, y - size * 0.3, x + size * 0.05, y), fill=trunk)
            if conifers:
                for tier in range(3):
                    top = y - size * (1.0 - tier * 0.22)
                    half = size * (0.2 + tier * 0.08)
                    self.draw.polygon(
                        [(x, top), (x - half, top + size * 0.45), (x + half, top + size * 0.45)], fill=color
                    )
                    if self.has("snow"):
                        self.draw.polygon(
                            [
                                (x, top),
                                (x - half * 0.4, top + size * 0.18),
                                (x + half * 0.4, top + size * 0.18),
                            ],
                            fill=(245, 248, 255),
                        )
            else:
                r = size * 0.35
                self.draw.ellipse((x - r, y - size * 0.3 - 2 * r, x + r, y - size * 0.3), fill=color)

    # --- foreground motifs --------------------------------------------------------------------------------

    def _fire(self) -> None:
        cx = self.w * self.rng.uniform(0.3, 0.7)
        base = self.h * 0.94
        for _ in range(4):
            glow = self.h * self.rng.uniform(0.2, 0.35)
            self.draw.ellipse(
                (cx - glow * 1.5, base - glow, cx + glow * 1.5, base + glow * 0.5), fill=(255, 120, 40, 30)
            )
        for color, scale in (((200, 40, 20), 1.0), ((250, 120, 30), 0.72), ((255, 220, 90), 0.42)):
            for _ in range(5):
                fx = cx + self.rng.uniform(-0.08, 0.08) * self.w * scale
                height = self.h * self.rng.uniform(0.18, 0.32) * scale
                half = self.w * self.rng.uniform(0.025, 0.045) * scale
                lean = self.rng.uniform(-0.3, 0.3) * half
                self.draw.polygon(
                    [
                        (fx - half, base),
                        (fx - half * 0.6 + lean, base - height * 0.5),
                        (fx + lean * 2, base - height),
                        (fx + half * 0.6 + lean, base - height * 0.5),
                        (fx + half, base),
                    ],
                    fill=(*color, 220),
                )
        for _ in range(40):
            ex, ey = cx + self.rng.uniform(-0.2, 0.2) * self.w, base - self.rng.uniform(0.1, 0.6) * self.h
            r = self.h * 0.003
            self.draw.ellipse(
                (ex - r, ey - r, ex + r, ey + r), fill=(255, 200, 90, self.rng.randint(120, 255))
            )

    def _snowfall(self) -> None:
        for _ in range(int(self.w * self.h / 3000)):
            x, y = self.rng.uniform(0, self.w), self.rng.uniform(0, self.h)
            r = self.h * self.rng.uniform(0.0015, 0.005)
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, self.rng.randint(120, 230)))

    def _birds_or_fireflies(self, night: bool) -> None:
        for _ in range(self.rng.randint(0, 6)):
            x, y = self.rng.uniform(0.05, 0.95) * self.w, self.rng.uniform(0.1, 0.7) * self.horizon
            s = self.h * self.rng.uniform(0.008, 0.018)
            if night:
                self.draw.ellipse((x - s / 3, y - s / 3, x + s / 3, y + s / 3), fill=(255, 240, 150, 200))
            else:
                width = max(1, round(s / 5))
                self.draw.line(
                    [(x - s, y - s * 0.4), (x, y), (x + s, y - s * 0.4)],
                    fill=(30, 30, 40, 200),
                    width=width,
                    joint="curve",
                )
