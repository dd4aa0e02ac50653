"""Amazon Bedrock (Stability on Bedrock, Amazon Nova Canvas) as an image provider, authenticated by IAM."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from videogen.exceptions import (
    ConfigurationException,
    ContentFilteredException,
    ImageGenerationException,
    ProviderAccessException,
    ProviderUnavailableException,
    RateLimitException,
    VideoGeneratorException,
)
from videogen.observability import logger
from videogen.providers import stability
from videogen.providers.base import GeneratedImage, ImageRequest
from videogen.providers.catalog import BEDROCK_MODEL_ID
from videogen.providers.imaging import fitted_result, require_positive_size, styled_prompt

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

DEFAULT_MODEL_ID: Final = BEDROCK_MODEL_ID

#: Nova Canvas: prompts 1..1024 characters, seeds 0..858993459, sides multiples of 16 in 320..4096,
#: at most 4,194,304 pixels, aspect ratio between 1:4 and 4:1.
NOVA_MAX_PROMPT_CHARS: Final = 1024
NOVA_SEED_MODULUS: Final = 858_993_460
NOVA_SIDE_STEP: Final = 16
NOVA_MIN_SIDE: Final = 320
NOVA_MAX_SIDE: Final = 4096
NOVA_MAX_PIXELS: Final = 4_194_304
NOVA_MAX_RATIO: Final = 4.0
NOVA_CFG_SCALE: Final = 6.5

#: Cross-region inference profiles prefix the model id with a geography ("us.amazon.nova-canvas-v1:0").
_GEO_PREFIXES: Final = ("us.", "eu.", "apac.", "us-gov.", "global.")

_THROTTLED: Final = frozenset({"ThrottlingException", "ServiceQuotaExceededException"})
#: Bedrock's ThrottlingException carries no Retry-After; this is a short back-off for the state machine.
DEFAULT_RETRY_AFTER: Final = 10
_UNAVAILABLE: Final = frozenset(
    {
        "ServiceUnavailableException",
        "InternalServerException",
        "ModelTimeoutException",
        "ModelNotReadyException",
    }
)
#: Bedrock will not serve this role (no IAM grant, no model access, a bad token): another provider may.
_ACCESS_REFUSED: Final = frozenset({"AccessDeniedException", "UnrecognizedClientException"})
#: The model id or region names no model here: a deployment error.
_MISCONFIGURED: Final = frozenset({"ResourceNotFoundException"})
#: Nova answers a refused prompt with a ValidationException whose message says this (documented wording).
_CONTENT_FILTER_MARKER: Final = "content filter"


class ModelFamily(StrEnum):
    """Request/response dialects spoken by Bedrock's image models."""

    STABILITY = "stability"
    NOVA_CANVAS = "nova-canvas"


@dataclass(frozen=True, slots=True)
class _Decoded:
    data: bytes
    seed: int | None


def model_family(model_id: str) -> ModelFamily:
    """Which body dialect ``model_id`` speaks.

    Raises:
        ConfigurationException: the model is not an image model videogen supports.
    """
    base_id = model_id
    for prefix in _GEO_PREFIXES:
        if base_id.startswith(prefix):
            base_id = base_id.removeprefix(prefix)
            break
    if base_id.startswith("stability.") and ("stable-image" in base_id or "sd3" in base_id):
        return ModelFamily.STABILITY
    if base_id.startswith("amazon.nova-canvas"):
        return ModelFamily.NOVA_CANVAS
    raise ConfigurationException(
        "Unsupported Bedrock image model",
        {
            "model_id": model_id,
            "supported": ["stability.stable-image-*", "stability.sd3-*", "amazon.nova-canvas-*"],
        },
    )


def nova_size(width: int, height: int) -> tuple[int, int]:
    """The size closest to width x height that Nova Canvas accepts (the image is cropped back later)."""
    require_positive_size(width, height)
    ratio = min(max(width / height, 1 / NOVA_MAX_RATIO), NOVA_MAX_RATIO)
    area = float(width * height)
    w, h = math.sqrt(area * ratio), math.sqrt(area / ratio)
    # Scale, keeping the ratio, into Nova's side limits and pixel budget; the crop back is then minimal.
    scale = max(1.0, NOVA_MIN_SIDE / min(w, h))
    scale = min(scale, NOVA_MAX_SIDE / max(w, h), math.sqrt(NOVA_MAX_PIXELS / (w * h)))
    w, h = w * scale, h * scale

    def snap(side: float) -> int:
        return min(max(round(side / NOVA_SIDE_STEP) * NOVA_SIDE_STEP, NOVA_MIN_SIDE), NOVA_MAX_SIDE)

    out_w, out_h = snap(w), snap(h)
    # Rounding up may overshoot the pixel budget by a sliver; step the long side down until it fits.
    while out_w * out_h > NOVA_MAX_PIXELS:
        if out_w >= out_h:
            out_w -= NOVA_SIDE_STEP
        else:
            out_h -= NOVA_SIDE_STEP
    return out_w, out_h


def build_body(family: ModelFamily, model_id: str, request: ImageRequest) -> dict[str, Any]:
    """The model-native JSON request body for one text-to-image call."""
    if family is ModelFamily.NOVA_CANVAS:
        width, height = nova_size(request.width, request.height)
        text_params: dict[str, Any] = {"text": styled_prompt(request)[:NOVA_MAX_PROMPT_CHARS]}
        negative = request.negative_prompt.strip()
        if negative:
            text_params["negativeText"] = negative[:NOVA_MAX_PROMPT_CHARS]
        return {
            "taskType": "TEXT_IMAGE",
            "textToImageParams": text_params,
            "imageGenerationConfig": {
                "numberOfImages": 1,
                "width": width,
                "height": height,
                "seed": request.seed % NOVA_SEED_MODULUS,
                "cfgScale": NOVA_CFG_SCALE,
                "quality": "standard",
            },
        }
    # Stability's Stable Image models take the same parameters on Bedrock as on Stability's REST API.
    body: dict[str, Any] = stability.stable_image_parameters(request)
    if "sd3" in model_id:
        body["mode"] = "text-to-image"
    return body


def parse_response(family: ModelFamily, payload: Any) -> _Decoded:
    """Take the image out of a model-native response body, or raise what the body says went wrong."""
    if not isinstance(payload, dict):
        raise ImageGenerationException("Bedrock returned an unexpected response", {"provider": "bedrock"})
    details: dict[str, Any] = {"provider": "bedrock", "model_family": str(family)}
    seed: int | None = None
    if family is ModelFamily.NOVA_CANVAS:
        error = payload.get("error")
        if error:
            if isinstance(error, str) and _CONTENT_FILTER_MARKER in error.lower():
                raise ContentFilteredException("Bedrock's content filter blocked the image", details)
            raise ImageGenerationException("Bedrock could not generate the image", details)
    else:
        reasons = payload.get("finish_reasons") or [None]
        reason = reasons[0] if isinstance(reasons, list) and reasons else None
        if isinstance(reason, str):
            details["finish_reason"] = reason
            if reason.lower().startswith("filter reason"):
                raise ContentFilteredException("Bedrock's content filter blocked the image", details)
            # "Inference error": the model failed this time; a new attempt may succeed.
            raise ProviderUnavailableException("Bedrock failed to generate the image", details)
        seeds = payload.get("seeds")
        if isinstance(seeds, list) and seeds and isinstance(seeds[0], int):
            seed = seeds[0]
    images = payload.get("images")
    if not isinstance(images, list) or not images or not isinstance(images[0], str):
        raise ImageGenerationException("Bedrock returned no image", details)
    try:
        data = base64.b64decode(images[0], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImageGenerationException("Bedrock returned an image that is not valid base64", details) from exc
    return _Decoded(data=data, seed=seed)


def error_from_client_error(code: str, message: str) -> VideoGeneratorException:
    """Map a bedrock-runtime error code (and, for ValidationException only, its message) to our exception."""
    details = {"provider": "bedrock", "error_code": code}
    if code in _THROTTLED:
        return RateLimitException("Bedrock is throttling requests", DEFAULT_RETRY_AFTER, details)
    if code in _UNAVAILABLE:
        return ProviderUnavailableException("Bedrock is unavailable", details)
    if code in _ACCESS_REFUSED:
        return ProviderAccessException(
            "Bedrock refused the call: check the IAM role, the region and that the model is enabled", details
        )
    if code in _MISCONFIGURED:
        return ConfigurationException(
            "Bedrock does not know the model: check BEDROCK_MODEL_ID and the region", details
        )
    if code == "ValidationException" and _CONTENT_FILTER_MARKER in message.lower():
        # AWS signals a refused prompt only through this message; there is no dedicated error code.
        return ContentFilteredException("Bedrock's content filter refused the prompt", details)
    return ImageGenerationException(f"Bedrock rejected the request ({code})", details)


def error_from_botocore(exc: Exception) -> VideoGeneratorException:
    """Map a botocore exception raised by ``invoke_model`` (or reading its body) to our exception."""
    from botocore import exceptions as boto_exc  # noqa: PLC0415 - see _default_client

    if isinstance(exc, boto_exc.ClientError):
        error = exc.response.get("Error", {})
        return error_from_client_error(str(error.get("Code", "Unknown")), str(error.get("Message", "")))
    details = {"provider": "bedrock", "reason": type(exc).__name__}
    if isinstance(exc, boto_exc.NoCredentialsError | boto_exc.PartialCredentialsError):
        return ProviderAccessException("Bedrock has no AWS credentials to use", details)
    if isinstance(exc, boto_exc.NoRegionError):
        return ConfigurationException("Bedrock has no AWS region to use", details)
    if isinstance(exc, boto_exc.ConnectionError | boto_exc.HTTPClientError | boto_exc.ResponseStreamingError):
        return ProviderUnavailableException("Bedrock could not be reached", details)
    return ImageGenerationException("Bedrock call failed", details)


@functools.cache
def _default_client(region: str | None) -> BedrockRuntimeClient:
    """One bedrock-runtime client per region per container (clients are thread-safe and costly to build)."""
    # boto3 loads with the first Bedrock call (15 ms): importing the providers loads no SDK, so the steps
    # that only read the catalogue never pay for one.
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    config = Config(
        # Image models take tens of seconds; the state machine owns retries, so botocore tries twice at most.
        read_timeout=120,
        connect_timeout=5,
        retries={"mode": "standard", "max_attempts": 2},
    )
    return boto3.client("bedrock-runtime", region_name=region, config=config)


class BedrockImageProvider:
    """Draws scene images with an image model on Amazon Bedrock."""

    name = "bedrock"

    def __init__(
        self,
        model_id: str = DEFAULT_MODEL_ID,
        client: BedrockRuntimeClient | None = None,
        region: str | None = None,
    ) -> None:
        self.model = model_id
        self._family = model_family(model_id)
        self._client = client
        self._region = region

    def _bedrock(self) -> BedrockRuntimeClient:
        if self._client is None:
            self._client = _default_client(self._region)
        return self._client

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """Generate one image and fit it to exactly the requested size.

        Raises:
            ContentFilteredException: the prompt or the image was blocked by the model's filter.
            RateLimitException: Bedrock throttled the call.
            ProviderUnavailableException: a 5xx, a model timeout, a connection failure, an inference error.
            ProviderAccessException: IAM, credentials or model access refuse us.
            ConfigurationException: the model id or region is wrong.
            ImageGenerationException: Bedrock rejected the request or returned no usable image.
        """
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - see _default_client

        body = build_body(self._family, self.model, request)
        try:
            response = self._bedrock().invoke_model(
                modelId=self.model,
                body=json.dumps(body).encode(),
                contentType="application/json",
                accept="application/json",
            )
            raw = response["body"].read()
        except (ClientError, BotoCoreError) as exc:
            error = error_from_botocore(exc)
            logger.warning(
                "Bedrock invoke_model failed",
                extra={
                    "model_id": self.model,
                    "error_code": error.details.get("error_code"),
                    "error": str(exc),
                },
            )
            raise error from exc
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ImageGenerationException(
                "Bedrock returned a response that is not JSON", {"provider": "bedrock"}
            ) from exc
        decoded = parse_response(self._family, payload)
        return fitted_result(decoded.data, request, self.name, self.model)
