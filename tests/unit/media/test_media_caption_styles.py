"""Caption styles a user chooses: position, size and outline, in the style and in the ASS file, and the
wrapped lines fitting the frame at every size, shape and resolution."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from videogen.domain.enums import (
    FRAME_SIZES,
    AspectRatio,
    CaptionOutline,
    CaptionPosition,
    CaptionSize,
    Resolution,
)
from videogen.domain.settings import CaptionOptions, ProjectSettings
from videogen.fonts import roboto_file
from videogen.media.captions import BORDER_BOX, BORDER_OUTLINE, Cue, caption_style, to_ass, wrap_lines

LONG_CAPTION = (
    "Once upon a time, in a small village by the sea, there lived an old lighthouse keeper named Tom. "
    "Every night he climbed the stairs. He lit the lamp, watched the ships, and waited for the dawn to "
    "come again over the quiet grey water. Мы шли вдоль берега. Ça va? Η θάλασσα ήταν ήρεμη, and the "
    "keeper's daughter, Marguerite, watched the horizon from the gallery."
)


def _style_fields(ass: str) -> list[str]:
    """The fields of the ASS Default style, by the names of the Format line."""
    names = next(line for line in ass.splitlines() if line.startswith("Format: Name,"))
    values = next(line for line in ass.splitlines() if line.startswith("Style: Default,"))
    keys = [key.strip() for key in names.removeprefix("Format: ").split(",")]
    fields = values.removeprefix("Style: ").split(",")
    assert len(keys) == len(fields)
    return [f"{key}={value}" for key, value in zip(keys, fields, strict=True)]


def test_default_options_give_exactly_the_automatic_style() -> None:
    for width, height in FRAME_SIZES.values():
        assert caption_style(width, height, CaptionOptions()) == caption_style(width, height)
        assert caption_style(width, height, ProjectSettings().caption_options()) == caption_style(
            width, height
        )


def test_default_ass_header_is_unchanged() -> None:
    ass = to_ass([], 1280, 720, caption_style(1280, 720, CaptionOptions()))

    assert (
        "Style: Default,Aileron,40,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,"
        "1,3.2,1.2,2,77,77,43,1\n" in ass
    )


@pytest.mark.parametrize(
    ("position", "alignment"),
    [(CaptionPosition.BOTTOM, "2"), (CaptionPosition.MIDDLE, "5"), (CaptionPosition.TOP, "8")],
)
def test_position_sets_the_ass_alignment(position: CaptionPosition, alignment: str) -> None:
    style = caption_style(1280, 720, CaptionOptions(position=position))

    fields = _style_fields(to_ass([], 1280, 720, style))

    assert style.alignment == int(alignment)
    assert f"Alignment={alignment}" in fields
    # The position moves the text, never its size or its margins.
    assert style.font_size == 40
    assert "MarginV=43" in fields


@pytest.mark.parametrize(
    ("width", "height", "small", "medium", "large"),
    [
        (1280, 720, 32, 40, 50),
        (720, 1280, 35, 44, 54),
        (720, 720, 29, 36, 45),
        (854, 480, 21, 26, 33),
        (1080, 1920, 52, 65, 82),
    ],
)
def test_size_scales_the_font_by_the_frame(
    width: int, height: int, small: int, medium: int, large: int
) -> None:
    sizes = [
        caption_style(width, height, CaptionOptions(size=size)).font_size
        for size in (CaptionSize.SMALL, CaptionSize.MEDIUM, CaptionSize.LARGE)
    ]

    assert sizes == [small, medium, large]


def test_larger_text_holds_fewer_characters_per_line() -> None:
    chars = [
        caption_style(720, 1280, CaptionOptions(size=size)).max_line_chars
        for size in (CaptionSize.SMALL, CaptionSize.MEDIUM, CaptionSize.LARGE)
    ]

    assert chars == [36, 28, 23]


@pytest.mark.parametrize(
    ("outline", "width", "shadow"),
    [
        (CaptionOutline.NONE, "0", "0"),
        (CaptionOutline.THIN, "1.6", "1.2"),
        (CaptionOutline.MEDIUM, "3.2", "1.2"),
        (CaptionOutline.THICK, "5.6", "1.2"),
    ],
)
def test_outline_widths_are_written_with_the_outline_border_style(
    outline: CaptionOutline, width: str, shadow: str
) -> None:
    style = caption_style(1280, 720, CaptionOptions(outline=outline))

    fields = _style_fields(to_ass([], 1280, 720, style))

    assert style.border_style == BORDER_OUTLINE
    assert [f"BorderStyle={BORDER_OUTLINE}", f"Outline={width}", f"Shadow={shadow}"] == [
        field for field in fields if field.startswith(("BorderStyle=", "Outline=", "Shadow="))
    ]
    assert "BackColour=&H80000000" in fields


def test_box_is_one_semi_transparent_box_padded_by_a_quarter_of_the_font() -> None:
    style = caption_style(1280, 720, CaptionOptions(outline=CaptionOutline.BOX))

    fields = _style_fields(to_ass([], 1280, 720, style))

    # libass's BorderStyle 4: one box per cue in BackColour (alpha 0x40: 75% opaque), Shadow its padding.
    assert style.border_style == BORDER_BOX
    assert f"BorderStyle={BORDER_BOX}" in fields
    assert "BackColour=&H40000000" in fields
    assert "Outline=0" in fields
    assert "Shadow=10" in fields
    # The padding comes out of the line: a box line holds fewer characters than an outlined one.
    assert caption_style(720, 1280).max_line_chars == 28
    assert caption_style(720, 1280, CaptionOptions(outline=CaptionOutline.BOX)).max_line_chars == 27


def test_to_ass_rewraps_dialogue_to_the_chosen_size() -> None:
    text = "there lived an old lighthouse keeper named Tom, who loved the quiet grey sea."
    large = caption_style(720, 1280, CaptionOptions(size=CaptionSize.LARGE))
    small = caption_style(720, 1280, CaptionOptions(size=CaptionSize.SMALL))

    def dialogue_lines(ass: str) -> list[str]:
        return ass.rstrip("\n").rsplit("\n", 1)[-1].split(",,", 2)[-1].split("\\N")

    large_lines = dialogue_lines(to_ass([Cue(0.0, 1.0, text)], 720, 1280, large))
    small_lines = dialogue_lines(to_ass([Cue(0.0, 1.0, text)], 720, 1280, small))

    assert len(large_lines) == 4
    assert len(small_lines) == 3
    assert all(len(line) <= large.max_line_chars for line in large_lines)
    assert " ".join(large_lines) == " ".join(small_lines) == text


@pytest.mark.parametrize("size", list(CaptionSize))
@pytest.mark.parametrize("outline", list(CaptionOutline))
@pytest.mark.parametrize(("resolution", "aspect"), list(FRAME_SIZES), ids=str)
def test_every_wrapped_line_fits_the_safe_width(
    resolution: Resolution, aspect: AspectRatio, size: CaptionSize, outline: CaptionOutline
) -> None:
    # Pillow sizes Roboto by its em, libass by its ascent + descent, which draws it about 25% smaller: a
    # line measured here is wider than the video shows it, a margin on the safe side (the outline or box
    # drawn past the text fits in that margin; tests/integration/media measures the rendered frames).
    width, height = FRAME_SIZES[(resolution, aspect)]
    style = caption_style(width, height, CaptionOptions(size=size, outline=outline))
    roboto = roboto_file()
    assert roboto is not None
    font = ImageFont.truetype(str(roboto), style.font_size)

    lines = wrap_lines(LONG_CAPTION, style.max_line_chars)

    assert len(lines) >= 4
    for line in lines:
        assert font.getlength(line) <= width - 2 * style.margin_h, (line, style)
