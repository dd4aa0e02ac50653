"""What the cloud image providers share: prompt text, aspect ratios and exact-size fitting (cover-crop)."""

from __future__ import annotations

import io
import math
import warnings
from typing import Final

from videogen.exceptions import ImageGenerationException
from videogen.pictures import MAX_SOURCE_PIXELS, fit, pillow
from videogen.providers.base import GeneratedImage, ImageRequest

#: Largest frame we produce: 4K on its long side is more than any video videogen renders.
MAX_TARGET_SIDE: Final = 4096

PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
_FORMAT_TYPES: Final = {"PNG": PNG, "JPEG": JPEG}


def styled_prompt(request: ImageRequest) -> str:
    """The prompt a provider is sent: the scene's prompt with the project's style appended."""
    prompt = request.prompt.strip()
    style = request.style.strip()
    if not style:
        return prompt
    return f"{prompt}, {style}" if prompt else style


#: The aspect ratios Stability's Stable Image models accept (REST v2beta and Bedrock alike).
STABILITY_ASPECT_RATIOS: Final = ("16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21")


def require_positive_size(width: int, height: int) -> None:
    """Refuse a size with an empty side before any ratio or scale is computed from it."""
    if width <= 0 or height <= 0:
        raise ImageGenerationException(
            "The requested image size is out of range", {"width": width, "height": height}
        )


def nearest_aspect_ratio(width: int, height: int, choices: tuple[str, ...] = STABILITY_ASPECT_RATIOS) -> str:
    """The ratio among ``choices`` ("W:H") closest to width/height, compared on a log scale.

    A log scale makes 2:1 and 1:2 equally far from 1:1, so portrait and landscape frames are treated alike.
    """
    require_positive_size(width, height)
    wanted = math.log(width / height)

    def distance(choice: str) -> float:
        w, h = choice.split(":")
        return abs(math.log(int(w) / int(h)) - wanted)

    return min(choices, key=distance)


def fit_image(data: bytes, width: int, height: int) -> tuple[bytes, str]:
    """Scale and centre-crop encoded image bytes so they cover exactly ``width`` x ``height``.

    Returns:
        The encoded image and its content type. Bytes that already are a PNG or JPEG of the right size
        come back untouched; anything else is re-encoded as PNG.

    Raises:
        ImageGenerationException: the bytes are not a decodable image, or decode to an oversized one.
    """
    if not (0 < width <= MAX_TARGET_SIDE and 0 < height <= MAX_TARGET_SIDE):
        raise ImageGenerationException(
            "The requested image size is out of range", {"width": width, "height": height}
        )
    image_module = pillow()
    try:
        with warnings.catch_warnings():
            # Between Pillow's limit and twice it Pillow only warns; treat that as the bomb it is.
            warnings.simplefilter("error", image_module.DecompressionBombWarning)
            image = image_module.open(io.BytesIO(data))
            image.load()
    except (image_module.DecompressionBombError, image_module.DecompressionBombWarning) as exc:
        raise ImageGenerationException(
            "The provider returned an image too large to decode", {"max_pixels": MAX_SOURCE_PIXELS}
        ) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # Pillow reports truncated or unknown data as any of these, depending on the codec.
        raise ImageGenerationException("The provider returned bytes that are not an image") from exc

    with image:
        content_type = _FORMAT_TYPES.get(image.format or "")
        if image.size == (width, height) and content_type is not None:
            return data, content_type
        fitted = fit(image, (width, height))
        out = io.BytesIO()
        fitted.save(out, format="PNG")
        return out.getvalue(), PNG


def fitted_result(data: bytes, request: ImageRequest, provider: str, model: str) -> GeneratedImage:
    """A provider's answer fitted to exactly the requested frame, as every provider returns it."""
    fitted, content_type = fit_image(data, request.width, request.height)
    return GeneratedImage(
        data=fitted,
        content_type=content_type,
        width=request.width,
        height=request.height,
        provider=provider,
        model=model,
    )
