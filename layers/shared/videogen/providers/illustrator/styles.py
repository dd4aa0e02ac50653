"""The five renderings of a painted picture: flat (as painted), watercolor, ink, neon and noir.

Each is a pass over the finished image with Pillow's filters and the picture's own random source (paper
grain), so the same plan always gives the same pixels.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from PIL import Image, ImageChops, ImageEnhance, ImageFilter, ImageOps

from videogen.providers.illustrator.lexicon import Style


def apply_style(image: Image.Image, style: Style, rng: random.Random) -> Image.Image:
    """``image`` rendered in ``style`` (flat returns it unchanged)."""
    return _STYLES[style](image, rng)


def _noise(size: tuple[int, int], cell: int, rng: random.Random, low: int, high: int) -> Image.Image:
    """A smooth grey noise of the given size: random cells of ``cell`` pixels, blended, in [low, high]."""
    w, h = max(1, size[0] // cell), max(1, size[1] // cell)
    small = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    span = high - low
    return small.resize(size, Image.Resampling.BICUBIC).point(lambda v: low + v * span // 255)


def _flat(image: Image.Image, rng: random.Random) -> Image.Image:
    del rng
    return image


def _watercolor(image: Image.Image, rng: random.Random) -> Image.Image:
    """Soft edges, colours pooling darker at their borders, lightened, on textured paper."""
    radius = max(1.0, image.height / 260)
    soft = image.filter(ImageFilter.GaussianBlur(radius))
    edges = soft.convert("L").filter(ImageFilter.FIND_EDGES).point(lambda v: 255 - min(110, v * 4))
    pooled = ImageChops.multiply(soft, Image.merge("RGB", (edges, edges, edges)))
    light = Image.blend(pooled, Image.new("RGB", image.size, (250, 245, 232)), 0.2)
    blots = _noise(image.size, max(4, image.height // 12), rng, 215, 255)
    grain = _noise(image.size, 2, rng, 225, 255)
    paper = ImageChops.multiply(blots, grain)
    return ImageChops.multiply(light, Image.merge("RGB", (paper, paper, paper)))


def _ink(image: Image.Image, rng: random.Random) -> Image.Image:
    """Black line art on cream paper: the picture's edges as lines, its shadows hatched, a faint wash."""
    gray = image.convert("L").filter(ImageFilter.BoxBlur(max(0.5, image.height / 900)))
    lines = gray.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 18 else 0)
    if image.height >= 400:
        lines = lines.filter(ImageFilter.MaxFilter(3))
    spacing = max(3, image.height // 110)
    hatch = Image.new("L", image.size, 0)
    # Diagonal hatching: one line of the pattern, shifted a pixel per row.
    row = bytes(255 if i % spacing == 0 else 0 for i in range(image.width + image.height))
    hatch = Image.frombytes("L", image.size, b"".join(row[y % spacing : y % spacing + image.width]
                                                      for y in range(image.height)))
    shadow = gray.point(lambda v: 255 if v < 80 else 0)
    ink = ImageChops.lighter(lines, ImageChops.multiply(hatch, shadow))
    paper = _noise(image.size, 3, rng, 232, 250)
    wash = ImageOps.posterize(gray, 2).point(lambda v: 255 - (255 - v) // 5)
    base = ImageChops.multiply(Image.merge("RGB", (paper, paper, paper.point(lambda v: v - 18))),
                               Image.merge("RGB", (wash, wash, wash)))
    return Image.composite(Image.new("RGB", image.size, (25, 25, 35)), base, ink)


def _neon(image: Image.Image, rng: random.Random) -> Image.Image:
    """Near black, with every outline glowing in its own saturated colour."""
    del rng
    vivid = ImageEnhance.Color(image).enhance(2.2)
    edges = vivid.filter(ImageFilter.FIND_EDGES).point(lambda v: min(255, v * 4))
    if image.height >= 400:
        edges = edges.filter(ImageFilter.MaxFilter(3))
    glow = edges.filter(ImageFilter.GaussianBlur(max(1.0, image.height / 120)))
    dark = ImageChops.multiply(image, Image.new("RGB", image.size, (40, 30, 70)))
    return ImageChops.add(ImageChops.add(dark, ImageEnhance.Brightness(glow).enhance(1.8)), edges)


def _noir(image: Image.Image, rng: random.Random) -> Image.Image:
    """Greyscale with hard contrast, light falling through blinds, a vignette and film grain."""
    gray = ImageOps.autocontrast(image.convert("L"), cutoff=2)
    hard = gray.point(lambda v: max(0, min(255, round((v - 128) * 1.7 + 118))))
    w, h = image.size
    blinds = Image.new("L", (1, 64), 0)
    blinds.putdata([255 if (i // 8) % 2 == 0 else 175 for i in range(64)])
    blinds = blinds.resize((w, h), Image.Resampling.NEAREST).rotate(
        -25, resample=Image.Resampling.NEAREST, expand=False, fillcolor=255)
    lit = ImageChops.multiply(hard, blinds)
    vignette = Image.radial_gradient("L").resize((w, h), Image.Resampling.BILINEAR).point(
        lambda v: 255 - max(0, v - 110) * 255 // 180)
    grain = _noise((w, h), 1, rng, 220, 255)
    out = ImageChops.multiply(ImageChops.multiply(lit, vignette), grain)
    return Image.merge("RGB", (out, out, out))


_STYLES: dict[Style, Callable[[Image.Image, random.Random], Image.Image]] = {
    Style.FLAT: _flat, Style.WATERCOLOR: _watercolor, Style.INK: _ink, Style.NEON: _neon, Style.NOIR: _noir,
}
