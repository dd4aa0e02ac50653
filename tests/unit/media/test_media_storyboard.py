"""The storyboard's layout and drawing (videogen.media.storyboard): grid per frame shape, text inside its
card, ellipsis, one scene and forty."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from videogen.exceptions import VideoAssemblyException
from videogen.fonts import load_font
from videogen.media import storyboard
from videogen.media.storyboard import Card, draw_storyboard, fit_text, sheet_layout

LANDSCAPE, PORTRAIT, SQUARE = (1280, 720), (720, 1280), (720, 720)


def _still(path: Path, size: tuple[int, int], colour: tuple[int, int, int] = (0, 0, 0)) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


@pytest.mark.parametrize(
    ("frame", "columns", "still_height"),
    [(LANDSCAPE, 4, 212), (SQUARE, 5, 297), (PORTRAIT, 6, 436)],
)
def test_grid_columns_follow_the_frame_shape(frame: tuple[int, int], columns: int, still_height: int) -> None:
    layout = sheet_layout(10, frame)

    assert layout.width == 1600
    assert layout.columns == columns
    assert layout.rows == -(-10 // columns)
    assert layout.still[1] == still_height
    # Every card lies inside the sheet, the last one too.
    x, y = layout.card_origin(9)
    assert x + layout.card_width <= layout.width - storyboard.MARGIN
    assert y + layout.card_height == layout.height - storyboard.MARGIN


def test_text_is_at_least_twenty_pixels_tall() -> None:
    assert min(storyboard.TITLE_PX, storyboard.DETAIL_PX, storyboard.HEADER_PX) >= 20


def test_no_scene_has_no_storyboard() -> None:
    with pytest.raises(VideoAssemblyException):
        sheet_layout(0, LANDSCAPE)


def test_a_long_title_is_ellipsised_to_the_card_width() -> None:
    font = load_font(storyboard.TITLE_PX)
    long_title = "The eruption of the volcano seen from the harbour at night " * 3

    line = fit_text(storyboard.card_title(3, long_title), font, 356)

    assert line.startswith("3 \u00b7 The eruption")
    assert line.endswith("\u2026")
    assert font.getlength(line) <= 356
    # A short one is left alone.
    assert fit_text("3 \u00b7 Harbour", font, 356) == "3 \u00b7 Harbour"


def test_card_lines_read_number_title_and_duration() -> None:
    assert storyboard.card_title(3, "  The   harbour ") == "3 \u00b7 The harbour"
    assert storyboard.card_title(7, None) == "7"
    assert storyboard.duration_label(4.2499) == "4.2 s"


def _bright(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in ``box`` as light as the text colours (the stills are black, the cards dark grey)."""
    region = image.crop(box).convert("L")
    return sum(1 for value in region.get_flattened_data() if value > 120)


def test_each_card_has_its_text_in_its_band_and_nothing_outside_the_cards(tmp_path: Path) -> None:
    # Given four black stills, one with a very long title
    black = _still(tmp_path / "black.png", LANDSCAPE)
    cards = [Card(black, n, "x" * 200 if n == 2 else f"Scene {n}", 2.0 + n) for n in range(1, 5)]

    # When the sheet is drawn
    output = tmp_path / "storyboard.jpg"
    layout = draw_storyboard(cards, LANDSCAPE, output)

    # Then it is a 1600 px wide JPEG, with text in every card's band and none on the stills or between cards
    with Image.open(output) as sheet:
        assert sheet.format == "JPEG"
        assert sheet.size == (1600, layout.height)
        for index in range(len(cards)):
            x, y = layout.card_origin(index)
            band = (x, y + layout.still[1], x + layout.card_width, y + layout.card_height)
            assert _bright(sheet, band) > 200, f"card {index + 1} has no text"
            assert _bright(sheet, (x + 2, y + 2, x + layout.card_width - 2, y + layout.still[1] - 2)) == 0
            # The right edge of the band stays clear: the long title was cut before it.
            assert _bright(sheet, (x + layout.card_width - 8, band[1], x + layout.card_width, band[3])) == 0
        gutter_x = storyboard.MARGIN + layout.card_width + 2
        assert _bright(sheet, (gutter_x, 0, gutter_x + storyboard.GUTTER - 4, layout.height)) == 0


def test_one_scene_is_one_card_of_the_usual_size(tmp_path: Path) -> None:
    still = _still(tmp_path / "one.png", SQUARE, (200, 30, 30))

    layout = draw_storyboard([Card(still, 1, "Only", 3.0)], SQUARE, tmp_path / "one.jpg", heading="One")

    assert (layout.rows, layout.columns) == (1, 5)
    assert layout.card_width == sheet_layout(20, SQUARE).card_width
    with Image.open(tmp_path / "one.jpg") as sheet:
        x, y = layout.card_origin(0)
        red, green, _ = sheet.getpixel((x + layout.card_width // 2, y + layout.still[1] // 2))  # type: ignore[misc]
        assert red > 150 and green < 80


def test_forty_portrait_scenes_fill_seven_rows(tmp_path: Path) -> None:
    still = _still(tmp_path / "tall.png", (1080, 1920), (40, 120, 200))
    cards = [Card(still, n, f"Scene {n}", 1.5) for n in range(1, 41)]

    layout = draw_storyboard(cards, PORTRAIT, tmp_path / "forty.jpg")

    assert (layout.columns, layout.rows) == (6, 7)
    with Image.open(tmp_path / "forty.jpg") as sheet:
        assert sheet.size == (1600, layout.height)
        x, y = layout.card_origin(39)
        assert sheet.getpixel((x + 20, y + 20))[2] > 150  # type: ignore[index]
        # Card 41 would be here: background only.
        x, y = layout.card_origin(41)
        assert sheet.getpixel((x + 20, y + 20)) == pytest.approx(storyboard.BACKGROUND, abs=6)  # type: ignore[arg-type]


def test_stills_of_another_shape_are_fitted_to_the_frame(tmp_path: Path) -> None:
    square = _still(tmp_path / "square.png", (512, 512), (250, 250, 250))

    layout = draw_storyboard([Card(square, 1, None, 2.0)], LANDSCAPE, tmp_path / "fit.jpg")

    with Image.open(tmp_path / "fit.jpg") as sheet:
        x, y = layout.card_origin(0)
        # Covered edge to edge (a square covering 16:9 crops; it does not leave bars).
        assert min(sheet.getpixel((x + 3, y + 3))) > 200  # type: ignore[arg-type]
        assert min(sheet.getpixel((x + layout.card_width - 4, y + layout.still[1] - 4))) > 200  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "expected"), [((1280, 720), (480, 270)), ((720, 1280), (270, 480)), ((1080, 1080), (480, 480))]
)
def test_thumbnail_is_480_on_its_long_side(
    tmp_path: Path, source: tuple[int, int], expected: tuple[int, int]
) -> None:
    still = _still(tmp_path / "still.png", source)

    size = storyboard.write_thumbnail(still, tmp_path / "thumb.jpg")

    assert size == expected
    with Image.open(tmp_path / "thumb.jpg") as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", expected)


def test_a_still_that_is_not_an_image_is_an_assembly_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")

    with pytest.raises(VideoAssemblyException):
        storyboard.write_thumbnail(broken, tmp_path / "thumb.jpg")
