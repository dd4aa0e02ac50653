"""The helpers every cloud image provider shares: prompt text, aspect ratios and exact-size fitting."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from videogen.domain.enums import FRAME_SIZES
from videogen.exceptions import ImageGenerationException
from videogen.pictures import MAX_SOURCE_PIXELS, pillow
from videogen.providers import imaging
from videogen.providers.base import ImageRequest
from videogen.providers.imaging import fit_image, nearest_aspect_ratio, styled_prompt

RED = (220, 30, 30)
GREEN = (30, 200, 30)
BLUE = (30, 30, 220)


def _encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _three_bands(width: int = 300, height: int = 100) -> bytes:
    """A landscape image: red left third, green middle third, blue right third."""
    image = Image.new("RGB", (width, height), GREEN)
    image.paste(RED, (0, 0, width // 3, height))
    image.paste(BLUE, (2 * width // 3, 0, width, height))
    return _encode(image)


def _request(prompt: str = "a lighthouse", style: str = "") -> ImageRequest:
    return ImageRequest(prompt=prompt, width=64, height=64, seed=1, style=style)


def test_styled_prompt_appends_style_after_a_comma() -> None:
    assert styled_prompt(_request("  a lighthouse ", " watercolor ")) == "a lighthouse, watercolor"


def test_styled_prompt_without_style_is_the_prompt() -> None:
    assert styled_prompt(_request("a lighthouse", "   ")) == "a lighthouse"


def test_styled_prompt_with_only_a_style_is_the_style() -> None:
    assert styled_prompt(_request("", "watercolor")) == "watercolor"


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1280, 720, "16:9"),
        (854, 480, "16:9"),
        (720, 1280, "9:16"),
        (1080, 1080, "1:1"),
        (2560, 1080, "21:9"),
        (1080, 2560, "9:21"),
        (1200, 800, "3:2"),
        (800, 1000, "4:5"),
        (1000, 800, "5:4"),
    ],
)
def test_nearest_aspect_ratio_picks_the_closest_supported_ratio(
    width: int, height: int, expected: str
) -> None:
    assert nearest_aspect_ratio(width, height) == expected


def test_every_frame_size_maps_to_its_own_aspect_ratio() -> None:
    for (_, aspect), (width, height) in FRAME_SIZES.items():
        assert nearest_aspect_ratio(width, height) == aspect.value


@pytest.mark.parametrize(("width", "height"), [(0, 100), (100, 0), (-5, 10)])
def test_nearest_aspect_ratio_rejects_empty_sizes(width: int, height: int) -> None:
    with pytest.raises(ImageGenerationException):
        nearest_aspect_ratio(width, height)


def test_fit_image_returns_exact_size_png_untouched() -> None:
    data = _encode(Image.new("RGB", (40, 30), RED))

    fitted, content_type = fit_image(data, 40, 30)

    assert fitted is data
    assert content_type == "image/png"


def test_fit_image_returns_exact_size_jpeg_untouched() -> None:
    data = _encode(Image.new("RGB", (40, 30), RED), "JPEG")

    fitted, content_type = fit_image(data, 40, 30)

    assert fitted is data
    assert content_type == "image/jpeg"


def test_fit_image_reencodes_other_formats_as_png_even_at_the_right_size() -> None:
    data = _encode(Image.new("RGB", (40, 30), RED), "BMP")

    fitted, content_type = fit_image(data, 40, 30)

    assert content_type == "image/png"
    with Image.open(io.BytesIO(fitted)) as image:
        assert image.format == "PNG"
        assert image.size == (40, 30)


def test_fit_image_cover_crops_the_centre_of_a_wider_image() -> None:
    # Given a 3:1 image of three colour bands, when fitted to a square, only the middle band survives.
    fitted, content_type = fit_image(_three_bands(), 50, 50)

    assert content_type == "image/png"
    with Image.open(io.BytesIO(fitted)) as image:
        assert image.size == (50, 50)
        rgb = image.convert("RGB")
        for x in (2, 25, 47):
            red, green, blue = rgb.getpixel((x, 25))  # type: ignore[misc]
            assert green > 150 and red < 80 and blue < 80


def test_fit_image_scales_up_a_small_image_to_cover_the_frame() -> None:
    fitted, _ = fit_image(_three_bands(30, 10), 160, 90)

    with Image.open(io.BytesIO(fitted)) as image:
        assert image.size == (160, 90)


def test_fit_image_converts_transparent_and_palette_images_to_rgb() -> None:
    rgba = _encode(Image.new("RGBA", (20, 20), (*RED, 128)))
    palette = _encode(Image.new("P", (20, 20), 3))

    for data in (rgba, palette):
        fitted, _ = fit_image(data, 10, 12)
        with Image.open(io.BytesIO(fitted)) as image:
            assert (image.mode, image.size) == ("RGB", (10, 12))


@pytest.mark.parametrize(
    "data",
    [b"", b"definitely not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40],
    ids=["empty", "text", "png-signature-only"],
)
def test_fit_image_rejects_bytes_that_are_not_an_image(data: bytes) -> None:
    with pytest.raises(ImageGenerationException, match="not an image"):
        fit_image(data, 10, 10)


def test_fit_image_rejects_a_truncated_png() -> None:
    data = _three_bands()

    with pytest.raises(ImageGenerationException, match="not an image"):
        fit_image(data[: len(data) // 2], 10, 10)


@pytest.mark.parametrize(
    ("side", "refusal"),
    [
        # Above twice its limit Pillow raises; a 20x20 image is 4x a 100-pixel limit.
        (20, "DecompressionBombError"),
        # Between the limit and twice it Pillow only warns; the helper must still refuse.
        (12, "DecompressionBombWarning"),
    ],
)
def test_fit_image_refuses_an_image_over_the_pixel_limit(
    monkeypatch: pytest.MonkeyPatch, side: int, refusal: str
) -> None:
    pil_image = pillow()
    monkeypatch.setattr(pil_image, "MAX_IMAGE_PIXELS", 100)

    with pytest.raises(ImageGenerationException, match="too large") as info:
        fit_image(_encode(Image.new("RGB", (side, side), RED)), 10, 10)

    assert isinstance(info.value.__cause__, getattr(pil_image, refusal))


def test_pillow_limit_is_lowered_to_the_pictures_limit() -> None:
    assert pillow().MAX_IMAGE_PIXELS <= MAX_SOURCE_PIXELS


def test_fit_image_puts_transparency_over_black_like_the_assembler() -> None:
    # Drift fixed: the provider's fitter dropped the alpha channel, so a fully transparent area showed the
    # colour it hid (white here) while the assembler shows black; the same image looked different by who
    # fitted it.
    image = Image.new("RGBA", (20, 20), (255, 255, 255, 0))
    image.paste((*RED, 255), (0, 0, 20, 10))

    fitted, _ = fit_image(_encode(image), 10, 10)

    with Image.open(io.BytesIO(fitted)) as result:
        assert result.getpixel((5, 8)) == (0, 0, 0)
        red, green, blue = result.getpixel((5, 1))  # type: ignore[misc]
        assert red > 200 and green < 60 and blue < 60


def test_fit_image_scales_sixteen_bit_greyscale_instead_of_clipping_it() -> None:
    # Drift fixed: a plain convert clipped every 16-bit grey above 255 to white.
    grey = Image.new("I;16", (20, 20), 32768)

    fitted, _ = fit_image(_encode(grey), 10, 10)

    with Image.open(io.BytesIO(fitted)) as result:
        assert result.getpixel((5, 5)) == (128, 128, 128)


@pytest.mark.parametrize(("width", "height"), [(0, 10), (10, 0), (imaging.MAX_TARGET_SIDE + 1, 10)])
def test_fit_image_rejects_target_sizes_out_of_range(width: int, height: int) -> None:
    with pytest.raises(ImageGenerationException, match="out of range"):
        fit_image(_three_bands(), width, height)
