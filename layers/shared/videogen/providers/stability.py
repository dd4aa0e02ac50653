"""What Stability AI's two APIs (gRPC and REST v2beta) and its Stable Image models on Bedrock share: the
request a Stable Image model takes, the key check, and the failures as videogen's exceptions.

Written once so the two Stability providers report a failure with the same exception and words, and the
REST form and the Bedrock body cannot disagree on the model's limits.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Final

from videogen.exceptions import (
    ContentFilteredException,
    ImageGenerationException,
    ProviderAccessException,
    ProviderUnavailableException,
    RateLimitException,
)
from videogen.providers.base import ImageRequest
from videogen.providers.imaging import nearest_aspect_ratio, styled_prompt

#: The provider's name in settings, cache keys and error details, whichever API draws.
NAME: Final = "stability"
#: Stability times a client out for 60 s after it exceeds its rate limit; used when no retry-after comes.
DEFAULT_RETRY_AFTER: Final = 60
#: Stable Image models (REST v2beta and Bedrock alike): prompts up to 10,000 characters, seeds 0..4294967294.
MAX_PROMPT_CHARS: Final = 10_000
SEED_MODULUS: Final = 4_294_967_295


def stable_image_parameters(request: ImageRequest) -> dict[str, str | int]:
    """The text-to-image parameters of a Stable Image model, as both the REST form and Bedrock name them."""
    parameters: dict[str, str | int] = {
        "prompt": styled_prompt(request)[:MAX_PROMPT_CHARS],
        "aspect_ratio": nearest_aspect_ratio(request.width, request.height),
        "seed": request.seed % SEED_MODULUS,
        "output_format": "png",
    }
    negative = request.negative_prompt.strip()
    if negative:
        parameters["negative_prompt"] = negative[:MAX_PROMPT_CHARS]
    return parameters


MISSING_KEY: Final = (
    "The stability image provider needs an API key: set STABILITY_API_KEY (locally) or the "
    "STABILITY_API_KEY_PARAMETER secret (deployed)"
)


def require_key(api_key: str | None) -> str:
    """The API key; refuses to build a provider without one (a missing secret, not a failed call)."""
    if not api_key:
        raise ProviderAccessException(MISSING_KEY, {"provider": NAME})
    return api_key


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, without a port) is this machine: a local test server."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def no_credits(details: dict[str, Any]) -> ProviderAccessException:
    return ProviderAccessException("The Stability AI account has run out of credits", details)


def rate_limited(retry_after: int, details: dict[str, Any]) -> RateLimitException:
    return RateLimitException("Stability AI is rate limiting requests", retry_after, details)


def unavailable(details: dict[str, Any]) -> ProviderUnavailableException:
    return ProviderUnavailableException("Stability AI is unavailable", details)


def key_refused(details: dict[str, Any]) -> ProviderAccessException:
    return ProviderAccessException(
        "Stability AI refused the API key: check STABILITY_API_KEY / STABILITY_API_KEY_PARAMETER", details
    )


def image_filtered(details: dict[str, Any]) -> ContentFilteredException:
    """Stability's filter blocked the finished image (it would have sent a blurred one)."""
    return ContentFilteredException("Stability AI's content filter blocked the image", details)


def generation_failed(details: dict[str, Any]) -> ProviderUnavailableException:
    """The generation failed on Stability's side; a new attempt may succeed."""
    return ProviderUnavailableException("Stability AI failed to generate the image", details)


def no_image(details: dict[str, Any]) -> ImageGenerationException:
    return ImageGenerationException("Stability AI answered without an image", details)
