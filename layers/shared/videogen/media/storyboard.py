"""The storyboard: one contact sheet of a render's scene stills (number, title, length), and a small still
per scene, so the pictures can be looked at, all at once, before the video is paid for.

Plan, then draw: ``sheet_layout`` is a pure function of the scene count and the frame's shape (where every
card, still and line of text goes); ``draw_storyboard`` pastes and writes. Text is the bundled Roboto
(``videogen.fonts``), as captions and the local illustrator's titles are.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from videogen.exceptions import VideoAssemblyException
from videogen.fonts import load_font
from videogen.pictures import MAX_SOURCE_PIXELS, fit, flatten

if TYPE_CHECKING:
    from PIL import Image, ImageFont

#: The sheet's width: readable on a laptop screen at 100% without zooming, and in a mail client.
SHEET_WIDTH: Final = 1600
#: Around the sheet, and between cards.
MARGIN: Final = 24
GUTTER: Final = 16
#: Text sizes in pixels at SHEET_WIDTH: at least 20, which stays legible when the sheet is shown smaller.
TITLE_PX: Final = 24
DETAIL_PX: Final = 20
HEADER_PX: Final = 30
#: Space around the text under a still: a title line and a duration line.
TEXT_PAD: Final = 10
LINE_GAP: Final = 6
#: A scene thumbnail's longest side.
THUMBNAIL_LONG_SIDE: Final = 480
JPEG_QUALITY: Final = 85
#: The first sheet that is too tall for a JPEG (65,535 px) would have thousands of scenes; refuse it early.
MAX_SHEET_HEIGHT: Final = 65_000

ELLIPSIS: Final = "\u2026"
BACKGROUND: Final = (22, 24, 29)
CARD: Final = (36, 39, 46)
TITLE_COLOUR: Final = (240, 240, 240)
DETAIL_COLOUR: Final = (170, 176, 186)


@dataclass(frozen=True, slots=True)
class Card:
    """One scene on the sheet: its still (a file), number, title (None: untitled) and length in seconds."""

    image: Path
    number: int
    title: str | None
    duration: float


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Where everything goes on a sheet: ``columns`` x ``rows`` cards of ``card_width`` x ``card_height``,
    each a still of ``still`` (width, height) above its text band; below a header ``header_height`` tall."""

    width: int
    height: int
    columns: int
    rows: int
    card_width: int
    card_height: int
    still: tuple[int, int]
    header_height: int

    def card_origin(self, index: int) -> tuple[int, int]:
        """The top-left corner of card ``index`` (0-based, row by row)."""
        row, column = divmod(index, self.columns)
        x = MARGIN + column * (self.card_width + GUTTER)
        y = self.header_height + MARGIN + row * (self.card_height + GUTTER)
        return x, y


def columns_for(frame: tuple[int, int]) -> int:
    """Cards per row for stills of this frame shape: 4 landscape (16:9), 5 square, 6 portrait (9:16).

    Chosen so a still is ~210-440 px tall at 1600 px: wide frames get fewer, wider cards (a 16:9 still
    375 px wide shows its detail), tall ones more, narrower ones (six 9:16 stills are as tall as a screen).
    """
    aspect = frame[0] / frame[1]
    if aspect >= 1.25:
        return 4
    if aspect <= 0.8:
        return 6
    return 5


def sheet_layout(count: int, frame: tuple[int, int], *, header: bool = True) -> SheetLayout:
    """The sheet for ``count`` scenes whose stills have the shape of ``frame`` (width, height).

    Raises:
        VideoAssemblyException: no scenes, or so many that the sheet would be taller than a JPEG can be.
    """
    if count < 1:
        raise VideoAssemblyException("A storyboard needs at least one scene.")
    # Cards keep their full size with fewer scenes than columns: a one-scene sheet is one card, not a
    # blown-up still, and every sheet of a project reads the same.
    columns = columns_for(frame)
    card_width = (SHEET_WIDTH - 2 * MARGIN - (columns - 1) * GUTTER) // columns
    still = (card_width, round(card_width * frame[1] / frame[0]))
    # Roboto's descenders reach ~0.25 em below the line: the band's padding covers them.
    text_height = 2 * TEXT_PAD + TITLE_PX + LINE_GAP + DETAIL_PX + DETAIL_PX // 4
    card_height = still[1] + text_height
    rows = math.ceil(count / columns)
    header_height = HEADER_PX + MARGIN if header else 0
    height = header_height + 2 * MARGIN + rows * card_height + (rows - 1) * GUTTER
    if height > MAX_SHEET_HEIGHT:
        raise VideoAssemblyException("Too many scenes for one storyboard.", {"scenes": count})
    return SheetLayout(SHEET_WIDTH, height, columns, rows, card_width, card_height, still, header_height)


def fit_text(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> str:
    """``text`` on one line, cut and ended with an ellipsis where it would be wider than ``width`` px."""
    text = " ".join(text.split())
    if font.getlength(text) <= width:
        return text
    # Binary search of the longest prefix that fits with its ellipsis (titles are short: cheap anyway).
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def card_title(number: int, title: str | None) -> str:
    """The card's first line: "3 · The harbour" (or "3" for an untitled scene)."""
    title = " ".join((title or "").split())
    return f"{number} \u00b7 {title}" if title else str(number)


def duration_label(seconds: float) -> str:
    """The card's second line: "4.2 s"."""
    return f"{seconds:.1f} s"


def open_still(path: Path) -> Image.Image:
    """A scene still as RGB, refusing what is not a picture or is absurdly large.

    Raises:
        VideoAssemblyException: the file is missing, not an image, or too large.
    """
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - Pillow only where it draws

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                if opened.width * opened.height > MAX_SOURCE_PIXELS:
                    raise VideoAssemblyException("A scene still is too large.")
                opened.load()
                return flatten(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise VideoAssemblyException("A scene still is too large.") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise VideoAssemblyException("A scene still cannot be read.") from exc


def draw_storyboard(
    cards: Sequence[Card], frame: tuple[int, int], output: Path, *, heading: str | None = None
) -> SheetLayout:
    """Write the contact sheet of ``cards`` to ``output`` (JPEG) and return its layout.

    ``frame`` is the video's frame size: stills of another shape are fitted to it as assembly fits them.
    ``heading``, when given, is written above the grid (the project's title, scene count, length).

    Raises:
        VideoAssemblyException: no cards, or a still cannot be read.
    """
    from PIL import Image, ImageDraw  # noqa: PLC0415 - same

    layout = sheet_layout(len(cards), frame, header=heading is not None)
    sheet = Image.new("RGB", (layout.width, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title_font, detail_font = load_font(TITLE_PX), load_font(DETAIL_PX)
    text_width = layout.card_width - 2 * TEXT_PAD
    if heading is not None:
        header_font = load_font(HEADER_PX)
        draw.text(
            (MARGIN, MARGIN),
            fit_text(heading, header_font, layout.width - 2 * MARGIN),
            font=header_font,
            fill=TITLE_COLOUR,
        )
    for index, card in enumerate(cards):
        x, y = layout.card_origin(index)
        draw.rectangle((x, y, x + layout.card_width - 1, y + layout.card_height - 1), fill=CARD)
        with open_still(card.image) as still:
            sheet.paste(fit(still, layout.still), (x, y))
        text_y = y + layout.still[1] + TEXT_PAD
        line = fit_text(card_title(card.number, card.title), title_font, text_width)
        draw.text((x + TEXT_PAD, text_y), line, font=title_font, fill=TITLE_COLOUR)
        text_y += TITLE_PX + LINE_GAP
        draw.text((x + TEXT_PAD, text_y), duration_label(card.duration), font=detail_font, fill=DETAIL_COLOUR)
    sheet.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return layout


def thumbnail_size(source: tuple[int, int], long_side: int = THUMBNAIL_LONG_SIDE) -> tuple[int, int]:
    """A still's thumbnail size: ``long_side`` on its longer side, the shorter one in proportion."""
    width, height = source
    scale = long_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def write_thumbnail(source: Path, output: Path, long_side: int = THUMBNAIL_LONG_SIDE) -> tuple[int, int]:
    """Write a JPEG of the still ``source``, ``long_side`` px on its longer side; returns its size.

    Raises:
        VideoAssemblyException: the still cannot be read.
    """
    from PIL import Image  # noqa: PLC0415 - same

    with open_still(source) as still:
        size = thumbnail_size(still.size, long_side)
        still.resize(size, Image.Resampling.LANCZOS).save(output, format="JPEG", quality=JPEG_QUALITY)
    return size
