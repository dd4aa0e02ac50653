"""The one font videogen draws text with: Roboto Medium (Apache-2.0, bundled in videogen/typefaces/ with its
license), which has accents, Greek and Cyrillic; Pillow's built-in Aileron (ASCII only) if it is missing.

Shared by the local image provider (titles) and the assembler (captions, thumbnail), which import no
part of each other."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from PIL import ImageFont

#: The family name libass finds the bundled font by: its legacy family (name ID 1). Pillow reports the
#: typographic family, "Roboto", which libass does not match: it would draw a system font instead.
ROBOTO_FAMILY: Final = "Roboto Medium"


@cache
def roboto_file() -> Path | None:
    """The bundled Roboto Medium, or None when the package was installed without its data files."""
    candidate = Path(str(files("videogen") / "typefaces" / "Roboto-Medium.ttf"))
    return candidate if candidate.is_file() else None


def load_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A scalable font of ``size`` pixels: Roboto, or Pillow's built-in Aileron (ASCII only)."""
    from PIL import ImageFont  # noqa: PLC0415 - planning a render names the font without loading Pillow

    path = roboto_file()
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)
