"""The one font videogen draws text with: Roboto when installed (accents, Greek, Cyrillic), else Pillow's."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont


@cache
def roboto_file() -> Path | None:
    """Roboto Medium from the font-roboto package (Apache-2.0), or None when it is not installed."""
    try:
        candidate = Path(str(files("font_roboto") / "files" / "Roboto-Medium.ttf"))
    except ModuleNotFoundError:
        return None
    return candidate if candidate.is_file() else None


def load_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A scalable font of ``size`` pixels: Roboto, or Pillow's built-in Aileron (ASCII only)."""
    from PIL import ImageFont

    path = roboto_file()
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)
