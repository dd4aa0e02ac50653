"""Scene images before rendering: bad files are refused by scene, good ones fitted without distortion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from videogen.exceptions import VideoAssemblyException
from videogen.media import images
from videogen.media.images import inspect_image, prepare_image
from videogen.pictures import fit_mode

RED, BLUE = (220, 30, 30), (30, 30, 220)


def _save(path: Path, image: Image.Image, **params: Any) -> Path:
    image.save(path, **params)
    return path


def test_inspect_returns_the_size_of_a_good_image(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.png", Image.new("RGB", (300, 200), RED))

    assert inspect_image(path, 1) == (300, 200)


def test_inspect_swaps_sides_of_a_quarter_turned_photo(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = _save(tmp_path / "a.jpg", Image.new("RGB", (300, 200), RED), exif=exif)

    assert inspect_image(path, 1) == (200, 300)


def test_a_missing_image_names_its_scene(tmp_path: Path) -> None:
    with pytest.raises(VideoAssemblyException) as info:
        inspect_image(tmp_path / "nope.png", 4)

    assert info.value.message == "Scene 4's image is missing"
    assert info.value.details == {"scene": 4}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_truncated_image_names_its_scene(tmp_path: Path, fmt: str) -> None:
    path = _save(tmp_path / "full", Image.effect_noise((200, 200), 50).convert("RGB"), format=fmt)
    cut = tmp_path / "cut"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    with pytest.raises(VideoAssemblyException) as info:
        inspect_image(cut, 2)

    assert "Scene 2's image cannot be read" in info.value.message


def test_a_file_that_is_not_an_image_names_its_scene(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("not an image at all", encoding="utf-8")

    with pytest.raises(VideoAssemblyException, match="Scene 3's image cannot be read"):
        inspect_image(path, 3)


def test_a_decompression_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _save(tmp_path / "big.png", Image.new("L", (400, 400)))
    monkeypatch.setattr(images, "MAX_SOURCE_PIXELS", 100 * 100)

    with pytest.raises(VideoAssemblyException) as info:
        inspect_image(path, 5)

    assert info.value.message == "Scene 5's image is too large"


@pytest.mark.parametrize(
    ("source", "frame", "mode"),
    [
        ((1920, 1080), (1280, 720), "cover"),
        ((1500, 1000), (1280, 720), "cover"),  # 3:2 into 16:9 keeps 84%
        ((1024, 1024), (1280, 720), "blur"),
        ((1080, 1920), (1280, 720), "blur"),
        ((1024, 1024), (720, 720), "cover"),
    ],
)
def test_fit_mode_cover_crops_only_when_little_is_lost(
    source: tuple[int, int], frame: tuple[int, int], mode: str
) -> None:
    assert fit_mode(source, frame) == mode


def test_prepare_fits_a_portrait_image_whole_over_a_blurred_backdrop(tmp_path: Path) -> None:
    # Given a portrait image: red top half, blue bottom half
    source = Image.new("RGB", (100, 200), RED)
    source.paste(BLUE, (0, 100, 100, 200))
    path = _save(tmp_path / "p.png", source)

    out = prepare_image(path, (100, 200), (160, 90), tmp_path / "out.ppm", 1)

    # Then it is the frame's size, the whole picture shows in the middle, the sides are a dim backdrop
    with Image.open(out) as fitted:
        assert fitted.size == (160, 90)
        top, bottom = fitted.getpixel((80, 5)), fitted.getpixel((80, 85))
        assert isinstance(top, tuple)
        assert isinstance(bottom, tuple)
        assert top[0] > 180 > top[2]
        assert bottom[2] > 180 > bottom[0]
        side = fitted.getpixel((3, 45))
        assert isinstance(side, tuple)
        assert max(side) < 160


def test_prepare_flattens_transparency_onto_black(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (200, 100), (*RED, 255))
    rgba.paste((0, 0, 0, 0), (100, 0, 200, 100))  # right half transparent
    path = _save(tmp_path / "t.png", rgba)

    out = prepare_image(path, (200, 100), (200, 100), tmp_path / "out.ppm", 1)

    with Image.open(out) as fitted:
        assert fitted.mode == "RGB"
        right = fitted.getpixel((175, 50))
        assert isinstance(right, tuple)
        assert max(right) < 30


def test_prepare_turns_a_photo_as_its_exif_says(tmp_path: Path) -> None:
    # Given a landscape JPEG, red left and blue right, whose EXIF says "turn 90 degrees clockwise"
    stored = Image.new("RGB", (300, 200), RED)
    stored.paste(BLUE, (150, 0, 300, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = _save(tmp_path / "r.jpg", stored, exif=exif, quality=95)

    out = prepare_image(path, inspect_image(path, 1), (160, 90), tmp_path / "out.ppm", 1)

    # Then it is shown upright: the red half on top, the blue half below
    with Image.open(out) as fitted:
        top, bottom = fitted.getpixel((80, 10)), fitted.getpixel((80, 80))
        assert isinstance(top, tuple)
        assert isinstance(bottom, tuple)
        assert top[0] > 180 > top[2]
        assert bottom[2] > 180 > bottom[0]


def test_prepare_scales_sixteen_bit_greyscale_instead_of_clipping_it(tmp_path: Path) -> None:
    grey = Image.new("I;16", (160, 90), 32768)  # mid-grey on a 16-bit scale
    path = _save(tmp_path / "g.png", grey)

    out = prepare_image(path, (160, 90), (160, 90), tmp_path / "out.ppm", 1)

    with Image.open(out) as fitted:
        value = fitted.getpixel((80, 45))
        assert isinstance(value, tuple)
        assert 110 < value[0] < 150
