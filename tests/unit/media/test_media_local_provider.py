"""The offline image provider: deterministic PNGs of the requested size that follow the prompt."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat

from videogen.exceptions import ImageGenerationException
from videogen.providers.base import ImageRequest
from videogen.providers.local import MAX_SIDE, LocalImageProvider


def _request(**overrides: object) -> ImageRequest:
    values: dict[str, object] = {"prompt": "A lighthouse by the sea", "width": 160, "height": 90, "seed": 7}
    values.update(overrides)
    return ImageRequest(**values)  # type: ignore[arg-type]


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_same_request_gives_identical_png_bytes() -> None:
    provider = LocalImageProvider()

    first = provider.generate(_request())
    second = LocalImageProvider().generate(_request())

    assert first.data == second.data
    assert first.data.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    "change", [{"seed": 8}, {"prompt": "A lighthouse by the ocean"}, {"style": "watercolor"}]
)
def test_a_different_seed_prompt_or_style_gives_a_different_image(change: dict[str, object]) -> None:
    provider = LocalImageProvider()

    assert provider.generate(_request()).data != provider.generate(_request(**change)).data


@pytest.mark.parametrize(("width", "height"), [(16, 16), (1280, 720), (720, 1280), (2048, 2048), (333, 77)])
def test_image_has_exactly_the_requested_size(width: int, height: int) -> None:
    result = LocalImageProvider().generate(_request(width=width, height=height))

    assert (result.width, result.height) == (width, height)
    image = _decode(result.data)
    assert image.size == (width, height)
    assert image.mode == "RGB"
    assert result.content_type == "image/png"
    assert (result.provider, result.model) == ("local", "procedural-v2")


@pytest.mark.parametrize(
    ("width", "height"), [(0, 100), (100, 15), (MAX_SIDE + 1, 100), (100, 4096), (-5, 10)]
)
def test_out_of_range_sizes_are_refused(width: int, height: int) -> None:
    with pytest.raises(ImageGenerationException) as info:
        LocalImageProvider().generate(_request(width=width, height=height))

    assert info.value.details["width"] == width


def test_a_night_prompt_is_darker_than_a_day_prompt() -> None:
    provider = LocalImageProvider()

    night = _decode(provider.generate(_request(prompt="A city at night", width=320, height=180)).data)
    day = _decode(provider.generate(_request(prompt="A city on a sunny day", width=320, height=180)).data)

    assert ImageStat.Stat(night.convert("L")).mean[0] < ImageStat.Stat(day.convert("L")).mean[0] - 40


def test_a_snow_prompt_has_a_pale_foreground() -> None:
    image = _decode(
        LocalImageProvider().generate(_request(prompt="Snowy fields", width=320, height=180)).data
    )

    assert ImageStat.Stat(image.convert("L").crop((0, 160, 320, 180))).mean[0] > 180
