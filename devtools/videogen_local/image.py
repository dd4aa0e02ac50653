"""``videogen image``: draw one picture with the offline illustrator and say what it drew."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TextIO

from videogen.domain.enums import FRAME_SIZES, AspectRatio, Resolution
from videogen.providers.base import ImageRequest
from videogen.providers.illustrator.lexicon import Style
from videogen.providers.local import MAX_SIDE, MIN_SIDE, LocalImageProvider

#: The styles ``--style`` offers: the illustrator's renderings (any other style text is drawn flat).
STYLE_CHOICES = tuple(style.value for style in Style)
ASPECT_CHOICES = tuple(aspect.value for aspect in AspectRatio)
_SIZE = re.compile(r"^(\d{1,5})x(\d{1,5})$")


def parse_size(text: str) -> tuple[int, int]:
    """``WxH`` as (width, height); a ValueError naming the limits otherwise."""
    match = _SIZE.match(text.strip().lower())
    if not match:
        raise ValueError(f"--size is WIDTHxHEIGHT, e.g. 1280x720 (got {text!r})")
    width, height = int(match[1]), int(match[2])
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValueError(f"--size sides must be {MIN_SIDE} to {MAX_SIDE} pixels (got {text})")
    return width, height


def frame_of(aspect: str, size: str | None) -> tuple[int, int]:
    """The picture's size: ``size`` when given, else the aspect ratio's 720p frame."""
    if size:
        return parse_size(size)
    return FRAME_SIZES[(Resolution.HD, AspectRatio(aspect))]


def run_image_command(
    prompt: str,
    output: Path,
    out: TextIO,
    *,
    style: str = "",
    seed: int = 0,
    aspect: str = "16:9",
    size: str | None = None,
) -> int:
    """Draw ``prompt`` to the PNG ``output`` and print its motifs; returns the exit status."""
    width, height = frame_of(aspect, size)
    result = LocalImageProvider().generate(ImageRequest(prompt, width, height, seed, style))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(result.data)
    print(f"{output} {width}x{height}: {result.motifs}", file=out)
    return 0
