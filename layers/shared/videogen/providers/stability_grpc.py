"""Stability AI's gRPC API (stability-sdk's ``StabilityInference``) as an image provider."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final

from videogen.exceptions import ConfigurationException, ImageGenerationException, VideoGeneratorException
from videogen.observability import logger
from videogen.providers import stability
from videogen.providers.base import GeneratedImage, ImageRequest
from videogen.providers.catalog import STABILITY_GRPC_ENGINE
from videogen.providers.imaging import fitted_result, require_positive_size, styled_prompt

DEFAULT_ENGINE: Final = STABILITY_GRPC_ENGINE
#: Seeds are uint32 on the wire.
SEED_MODULUS: Final = 2**32
#: Weight of the negative prompt: Stability reads a negative weight as "steer away from this".
NEGATIVE_PROMPT_WEIGHT: Final = -1.0

#: SDXL 1024 engines accept only these sizes (about one megapixel each); anything else is INVALID_ARGUMENT.
SDXL_SIZES: Final = (
    (1024, 1024),
    (1152, 896),
    (896, 1152),
    (1216, 832),
    (832, 1216),
    (1344, 768),
    (768, 1344),
    (1536, 640),
    (640, 1536),
)
#: Older engines (SD 1.x/2.x) take any multiple of 64 between 320 and 1536 on each side.
LEGACY_SIDE_STEP: Final = 64
LEGACY_MIN_SIDE: Final = 320
LEGACY_MAX_SIDE: Final = 1536


def engine_size(engine: str, width: int, height: int) -> tuple[int, int]:
    """The size to ask ``engine`` for so that cropping back to width x height loses the least."""
    require_positive_size(width, height)
    wanted = math.log(width / height)
    if "xl-1024" in engine:
        return min(SDXL_SIZES, key=lambda size: abs(math.log(size[0] / size[1]) - wanted))
    scale = min(1.0, LEGACY_MAX_SIDE / max(width, height))

    def snap(side: float) -> int:
        step = LEGACY_SIDE_STEP
        return min(max(round(side / step) * step, LEGACY_MIN_SIDE), LEGACY_MAX_SIDE)

    return snap(width * scale), snap(height * scale)


def _is_loopback_host(host: str) -> bool:
    """Whether ``host`` ("name:port", "[v6]:port") points at this machine."""
    return stability.is_loopback(host.rsplit(":", 1)[0].strip("[]"))


def _retry_after(metadata: Iterable[Any] | None) -> int:
    """Seconds from a ``retry-after`` metadata entry, else Stability's documented time-out."""
    for key, value in metadata or ():
        if str(key).lower() == "retry-after":
            text = value.decode() if isinstance(value, bytes) else str(value)
            if text.strip().isdigit():
                return max(1, int(text.strip()))
    return stability.DEFAULT_RETRY_AFTER


def error_for_rpc(
    code_name: str,
    trailing_metadata: Iterable[Any] | None = None,
    initial_metadata: Iterable[Any] | None = None,
) -> VideoGeneratorException:
    """Map a gRPC status (by name, e.g. "RESOURCE_EXHAUSTED") from the GenerationService to our exception."""
    details = {"provider": stability.NAME, "grpc_status": code_name}
    if code_name == "RESOURCE_EXHAUSTED":
        return stability.rate_limited(
            _retry_after([*(trailing_metadata or ()), *(initial_metadata or ())]), details
        )
    if code_name in ("UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL", "ABORTED"):
        return stability.unavailable(details)
    if code_name in ("UNAUTHENTICATED", "PERMISSION_DENIED"):
        return stability.key_refused(details)
    if code_name == "NOT_FOUND":
        return ConfigurationException("Stability AI does not know the configured engine", details)
    return ImageGenerationException(f"Stability AI rejected the request ({code_name})", details)


class StabilityGrpcProvider:
    """Draws scene images with Stability AI's gRPC GenerationService through stability-sdk."""

    name = stability.NAME

    def __init__(
        self,
        api_key: str | None,
        host: str = "grpc.stability.ai:443",
        engine: str = DEFAULT_ENGINE,
        timeout: float = 60,
    ) -> None:
        key = stability.require_key(api_key)
        self.model = engine
        # stability-sdk opens TLS (and sends the key as call credentials) only for hosts ending in 443;
        # any other host gets a plain-text channel, where it silently drops the key. We send the key
        # ourselves on plain text only to this machine (a test server), and refuse anything else.
        secure = host.endswith("443")
        if not secure and not _is_loopback_host(host):
            raise ConfigurationException(
                "The Stability gRPC host must use TLS (port 443); plain text only to a local test server",
                {"host": host},
            )
        # The optional `stability` extra (grpc + stability-sdk, 80 ms): not in the deployed layer.
        from stability_sdk import client as stability_client  # noqa: PLC0415

        self._generation = stability_client.generation
        # wait_for_ready=False: a dead endpoint fails at once (UNAVAILABLE) and the state machine retries,
        # instead of the call hanging until its deadline.
        self._client = stability_client.StabilityInference(
            host=host, key=key if secure else "", engine=engine, wait_for_ready=False
        )
        # grpc_args are the keyword arguments the SDK passes to every Generate call: the only way to set
        # a deadline (the SDK has none) and per-call metadata through its public client.
        self._client.grpc_args["timeout"] = timeout
        if not secure:
            self._client.grpc_args["metadata"] = [("authorization", f"Bearer {key}")]

    def __repr__(self) -> str:
        return f"StabilityGrpcProvider(engine={self.model!r})"

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """Generate one image and fit it to exactly the requested size.

        Raises:
            ContentFilteredException: an artifact came back with finish reason FILTER.
            RateLimitException: RESOURCE_EXHAUSTED, with retry-after from the metadata when present.
            ProviderUnavailableException: UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ABORTED, or an
                artifact with finish reason ERROR.
            ConfigurationException: UNAUTHENTICATED, PERMISSION_DENIED (a bad key), NOT_FOUND (a bad engine).
            ImageGenerationException: INVALID_ARGUMENT and other statuses, or no image in the answer.
        """
        import grpc  # noqa: PLC0415 - the optional extra, as above

        generation = self._generation
        width, height = engine_size(self.model, request.width, request.height)
        prompts = [generation.Prompt(text=styled_prompt(request))]
        negative = request.negative_prompt.strip()
        if negative:
            prompts.append(
                generation.Prompt(
                    text=negative, parameters=generation.PromptParameters(weight=NEGATIVE_PROMPT_WEIGHT)
                )
            )
        # A one-element list: the SDK replaces a bare seed of 0 with a random one, breaking determinism.
        seed = [request.seed % SEED_MODULUS]
        try:
            answers = self._client.generate(prompt=prompts, width=width, height=height, seed=seed, samples=1)
            image = self._first_image(answers)
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else None
            code_name = getattr(code, "name", "UNKNOWN")
            error = error_for_rpc(
                code_name,
                exc.trailing_metadata() if hasattr(exc, "trailing_metadata") else None,
                exc.initial_metadata() if hasattr(exc, "initial_metadata") else None,
            )
            logger.warning(
                "Stability gRPC request failed",
                extra={
                    "grpc_status": code_name,
                    "grpc_details": (exc.details() if hasattr(exc, "details") else "")[:300],
                },
            )
            raise error from exc

        return fitted_result(image, request, self.name, self.model)

    def _first_image(self, answers: Iterable[Any]) -> bytes:
        """The first image artifact of the answer stream; raises on a filtered or failed artifact."""
        try:
            return self._scan(answers)
        finally:
            # Closing the SDK's generator drops the gRPC stream, which cancels it: no call is left open.
            close = getattr(answers, "close", None)
            if close is not None:
                close()

    def _scan(self, answers: Iterable[Any]) -> bytes:
        generation = self._generation
        for answer in answers:
            for artifact in answer.artifacts:
                details = {
                    "provider": stability.NAME,
                    "finish_reason": generation.FinishReason.Name(artifact.finish_reason),
                }
                if artifact.finish_reason == generation.FILTER:
                    # Stability blurs a filtered image and marks it FILTER; never ship the blurred image.
                    raise stability.image_filtered(details)
                if artifact.finish_reason == generation.ERROR:
                    raise stability.generation_failed(details)
                if artifact.type == generation.ARTIFACT_IMAGE:
                    return bytes(artifact.binary)
        raise stability.no_image({"provider": stability.NAME})
