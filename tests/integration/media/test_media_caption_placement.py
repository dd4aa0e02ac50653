"""Caption styles burnt in by the real ffmpeg/libass: where the text lands in the frame, that it stays
inside the side margins, and that ``box`` darkens a band behind it. Plain backgrounds, so every bright
(or dark) pixel is the caption's; tiny frames, one-second clips."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageFont, ImageStat

from videogen.domain.enums import AspectRatio, CaptionOutline, CaptionPosition, CaptionSize
from videogen.domain.settings import CaptionOptions
from videogen.fonts import roboto_file
from videogen.media.assemble import SceneClip, assemble_video
from videogen.media.captions import Cue, caption_style
from videogen.media.ffmpeg import ffmpeg_exe

pytestmark = pytest.mark.slow

FPS = 12
#: Small frames of each shape (even sides, as yuv420p needs).
FRAMES = {AspectRatio.LANDSCAPE: (384, 216), AspectRatio.PORTRAIT: (216, 384), AspectRatio.SQUARE: (288, 288)}
CAPTION = "The keeper climbed the winding stairs and lit the lamp over the quiet grey sea."
#: Wide capitals and long words: the hardest text to keep inside the margins.
WIDE_CAPTION = "WHEN THE NORTH WIND HOWLED, Wilhelmina MacGregor-Montgomery warned every fisherman."
DARK, LIGHT = 50, 200


def _render(
    tmp_path: Path, frame: tuple[int, int], grey: int, text: str, options: CaptionOptions
) -> Image.Image:
    """A one-second video of a plain grey picture captioned with ``text``: its middle frame, in grey."""
    width, height = frame
    tmp_path.mkdir(parents=True, exist_ok=True)
    image = tmp_path / "plain.png"
    Image.new("RGB", (width, height), (grey, grey, grey)).save(image)
    video = tmp_path / "video.mp4"
    assemble_video(
        [SceneClip(image, 1.0)],
        video,
        width=width,
        height=height,
        fps=FPS,
        workdir=tmp_path / "work",
        captions=[Cue(0.0, 1.0, text)],
        caption_options=options,
    )
    still = tmp_path / "still.png"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-ss", "0.5", "-i", str(video), "-frames:v", "1", str(still)],
        check=True,
    )
    return Image.open(still).convert("L")


def _rows_and_columns(frame: Image.Image, hit: int, *, bright: bool) -> tuple[list[int], list[int]]:
    """Rows and columns holding at least two pixels brighter (or darker) than ``hit``."""
    mask = frame.point(lambda value: 255 if (value > hit if bright else value < hit) else 0)
    width, height = mask.size
    pixels = mask.tobytes()
    per_row = [pixels[y * width : (y + 1) * width].count(255) for y in range(height)]
    rows = [y for y, count in enumerate(per_row) if count >= 2]
    columns = [x for x in range(width) if any(pixels[y * width + x] for y in range(height))]
    return rows, columns


@pytest.mark.parametrize("aspect", list(AspectRatio))
@pytest.mark.parametrize(
    ("position", "band"),
    [
        (CaptionPosition.TOP, (0.0, 1 / 3)),
        (CaptionPosition.MIDDLE, (1 / 3, 2 / 3)),
        (CaptionPosition.BOTTOM, (2 / 3, 1.0)),
    ],
)
def test_caption_lands_in_the_band_of_its_position(
    tmp_path: Path, aspect: AspectRatio, position: CaptionPosition, band: tuple[float, float]
) -> None:
    width, height = FRAMES[aspect]
    options = CaptionOptions(position=position, size=CaptionSize.SMALL)

    frame = _render(tmp_path, (width, height), DARK, CAPTION, options)

    rows, _ = _rows_and_columns(frame, 160, bright=True)
    assert rows, "no caption in the frame"
    top, bottom = band[0] * height, band[1] * height
    assert top <= rows[0] and rows[-1] < bottom, (rows[0], rows[-1], top, bottom)
    # Several lines of text, not a stray pixel.
    assert rows[-1] - rows[0] >= caption_style(width, height, options).font_size


@pytest.mark.parametrize("aspect", list(AspectRatio))
def test_large_wide_caption_stays_inside_the_side_margins(tmp_path: Path, aspect: AspectRatio) -> None:
    width, height = FRAMES[aspect]
    options = CaptionOptions(size=CaptionSize.LARGE, outline=CaptionOutline.THICK)
    style = caption_style(width, height, options)

    frame = _render(tmp_path, (width, height), LIGHT, WIDE_CAPTION, options)

    # The thick black outline marks the text's extent on a light picture.
    rows, columns = _rows_and_columns(frame, 100, bright=False)
    assert rows
    assert style.margin_h <= columns[0] and columns[-1] < width - style.margin_h, (columns[0], columns[-1])


def test_box_darkens_a_band_behind_the_text(tmp_path: Path) -> None:
    width, height = FRAMES[AspectRatio.LANDSCAPE]
    boxed = _render(
        tmp_path / "box", (width, height), LIGHT, CAPTION, CaptionOptions(outline=CaptionOutline.BOX)
    )
    plain = _render(
        tmp_path / "none", (width, height), LIGHT, CAPTION, CaptionOptions(outline=CaptionOutline.NONE)
    )

    box_rows, box_columns = _rows_and_columns(boxed, 100, bright=False)
    text_rows, text_columns = _rows_and_columns(boxed, 230, bright=True)

    # Without a box (and without outline or shadow) nothing in the frame is dark.
    assert _rows_and_columns(plain, 100, bright=False) == ([], [])
    # With it, one dark band in the bottom third, wider and taller than the text it holds.
    assert box_rows and text_rows
    assert box_rows[0] >= 2 * height / 3
    assert box_rows == list(range(box_rows[0], box_rows[-1] + 1))
    assert box_rows[0] < text_rows[0] and text_rows[-1] < box_rows[-1]
    assert box_columns[0] < text_columns[0] and text_columns[-1] < box_columns[-1]
    # Semi-transparent: darkened, not black.
    band = boxed.crop((box_columns[0], box_rows[0], box_columns[0] + 3, box_rows[-1] + 1))
    assert 20 < ImageStat.Stat(band).mean[0] < 100


def test_captions_are_drawn_in_the_bundled_roboto(tmp_path: Path) -> None:
    # libass sizes a font by its ascent + descent (Roboto: 2701 units of a 2048-unit em), Pillow by its em:
    # the drawn line is Pillow's width times 2048/2701. A fallback system font would be a different width.
    width, height = 768, 432
    text = "The keeper climbed the stairs."
    options = CaptionOptions(outline=CaptionOutline.NONE)
    style = caption_style(width, height, options)
    roboto = roboto_file()
    assert roboto is not None
    expected = ImageFont.truetype(str(roboto), style.font_size).getlength(text) * 2048 / 2701

    frame = _render(tmp_path, (width, height), DARK, text, options)

    _, columns = _rows_and_columns(frame, 160, bright=True)
    drawn = columns[-1] - columns[0] + 1
    assert abs(drawn - expected) <= 0.04 * expected, (drawn, expected)
