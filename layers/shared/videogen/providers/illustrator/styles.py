"""The five renderings of a painted picture: flat (as painted), watercolor, ink, neon and noir.

Each is a pass over the finished image with Pillow's filters and the picture's own random source (paper
grain), so the same plan always gives the same pixels.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from PIL import Image, ImageChops, ImageEnhance, ImageFilter, ImageOps, ImageStat

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
    small = _reduced(image, 800)
    radius = max(1.0, small.height / 260)
    blurred = small.filter(ImageFilter.GaussianBlur(radius))
    soft = blurred.resize(image.size, Image.Resampling.BILINEAR)
    edges = (
        blurred.convert("L")
        .filter(ImageFilter.FIND_EDGES)
        .point(lambda v: 255 - min(110, v * 5))
        .resize(image.size, Image.Resampling.BILINEAR)
    )
    pooled = ImageChops.multiply(soft, Image.merge("RGB", (edges, edges, edges)))
    light = Image.blend(pooled, Image.new("RGB", image.size, (250, 245, 232)), 0.2)
    blots = _noise(image.size, max(4, image.height // 12), rng, 228, 255)
    grain = _noise(image.size, max(3, image.height // 180), rng, 238, 255)
    paper = ImageChops.multiply(blots, grain)
    return _compressible(ImageChops.multiply(light, Image.merge("RGB", (paper, paper, paper))), 5)


def _compressible(image: Image.Image, bits: int) -> Image.Image:
    """``image`` with ``bits`` per channel: the paper's and the film's textures change every pixel a little,
    which PNG stores at great cost (2 MB and 0.3 s at 1080p); a few levels less is invisible under them."""
    return ImageOps.posterize(image, bits)


def _reduced(image: Image.Image, longest: int) -> Image.Image:
    """``image`` reduced by a whole factor until its longer side is at most about ``longest`` (filters
    cost per pixel: soft or thick results are computed small and enlarged)."""
    factor = max(1, round(max(image.size) / longest))
    return image.reduce(factor) if factor > 1 else image


def _outlines(image: Image.Image, threshold: int) -> Image.Image:
    """A mask of the borders between the picture's shapes: strong edges only, so a sky's gradient gives
    no lines and a roof's edge does. The picture's tones are spread over the whole range first, so shapes
    in a dark (night) or pale (fog) picture are outlined too. Found on a copy of at most 960 px and
    enlarged, which also gives a large frame its thicker lines."""
    small = _reduced(image, 960).filter(ImageFilter.BoxBlur(0.6))
    r, g, b = small.filter(ImageFilter.FIND_EDGES).split()
    tone = ImageOps.equalize(small.convert("L")).filter(ImageFilter.FIND_EDGES)
    strongest = ImageChops.lighter(ImageChops.lighter(ImageChops.lighter(r, g), b), tone)
    edges = strongest.point(lambda v: 255 if v > threshold else 0)
    if edges.size != image.size:
        edges = edges.resize(image.size, Image.Resampling.BILINEAR).point(lambda v: 255 if v > 60 else 0)
    return edges


def _ink(image: Image.Image, rng: random.Random) -> Image.Image:
    """Black line art on cream paper: the outlines of the picture's shapes, its darkest parts hatched, a
    faint grey wash of its tones."""
    gray = ImageOps.equalize(image.convert("L"))
    lines = _outlines(image, 40)
    spacing = max(3, image.height // 90)
    # Diagonal hatching: one row of the pattern, shifted a pixel per row.
    row = bytes(255 if i % spacing == 0 else 0 for i in range(image.width + spacing))
    hatch = Image.frombytes(
        "L", image.size, b"".join(row[y % spacing : y % spacing + image.width] for y in range(image.height))
    )
    shadow = gray.point(lambda v: 255 if v < 40 else 0)
    ink = ImageChops.lighter(lines, ImageChops.multiply(hatch, shadow))
    paper = _noise(image.size, max(4, image.height // 120), rng, 238, 252)
    wash = ImageOps.posterize(gray, 2).point(lambda v: 255 - (255 - v) // 5)
    base = ImageChops.multiply(
        Image.merge("RGB", (paper, paper, paper.point(lambda v: v - 16))),
        Image.merge("RGB", (wash, wash, wash)),
    )
    return _compressible(Image.composite(Image.new("RGB", image.size, (30, 28, 36)), base, ink), 5)


def _neon(image: Image.Image, rng: random.Random) -> Image.Image:
    """Near black, with every outline glowing in the picture's own colour, saturated."""
    del rng
    vivid = ImageEnhance.Brightness(ImageEnhance.Color(image).enhance(3.0)).enhance(1.6)
    lines = _outlines(image, 36)
    tubes = Image.composite(vivid, Image.new("RGB", image.size, (0, 0, 0)), lines)
    small = _reduced(tubes, 480)
    glow = small.filter(ImageFilter.GaussianBlur(max(1.0, small.height / 110))).resize(
        image.size, Image.Resampling.BILINEAR
    )
    dark = ImageChops.multiply(image, Image.new("RGB", image.size, (45, 35, 80)))
    return ImageChops.add(ImageChops.add(dark, ImageEnhance.Brightness(glow).enhance(2.5)), tubes)


def _noir(image: Image.Image, rng: random.Random) -> Image.Image:
    """Greyscale with hard contrast, light falling through blinds, a vignette and film grain."""
    gray = ImageOps.autocontrast(image.convert("L"), cutoff=1)
    # A night scene is lifted towards a mid grey first: noir is hard light, not a black frame.
    mean = max(1.0, ImageStat.Stat(gray.reduce(8)).mean[0])
    if mean < 100:
        gamma = max(0.45, math.log(100 / 255) / math.log(mean / 255))
        gray = gray.point(lambda v: round(255 * (v / 255) ** gamma))
    # An S-curve: hard light, but shadows keep their shapes.
    hard = gray.point(lambda v: round(255 / (1 + 2.718 ** (-(v - 110) / 28))))
    w, h = image.size
    blinds = Image.new("L", (1, 64), 0)
    blinds.putdata([255 if (i // 8) % 2 == 0 else 205 for i in range(64)])
    blinds = blinds.resize((w, h), Image.Resampling.NEAREST).rotate(
        -25, resample=Image.Resampling.NEAREST, expand=False, fillcolor=255
    )
    lit = ImageChops.multiply(hard, blinds)
    vignette = (
        Image.radial_gradient("L")
        .resize((w, h), Image.Resampling.BILINEAR)
        .point(lambda v: 255 - max(0, v - 130) * 255 // 220)
    )
    grain = _noise((w, h), max(2, h // 360), rng, 228, 255)
    out = _compressible(ImageChops.multiply(ImageChops.multiply(lit, vignette), grain), 6)
    return Image.merge("RGB", (out, out, out))


_STYLES: dict[Style, Callable[[Image.Image, random.Random], Image.Image]] = {
    Style.FLAT: _flat,
    Style.WATERCOLOR: _watercolor,
    Style.INK: _ink,
    Style.NEON: _neon,
    Style.NOIR: _noir,
}
