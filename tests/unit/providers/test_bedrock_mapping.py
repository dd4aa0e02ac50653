"""Bedrock: model families, request bodies, response parsing and error mapping, without AWS."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from botocore import exceptions as boto_exc

from tests.support.providers import image_request
from videogen import exceptions
from videogen.domain.enums import FRAME_SIZES
from videogen.providers.base import ImageRequest
from videogen.providers.bedrock import (
    DEFAULT_RETRY_AFTER,
    NOVA_MAX_PIXELS,
    BedrockImageProvider,
    ModelFamily,
    build_body,
    error_from_botocore,
    error_from_client_error,
    model_family,
    nova_size,
    parse_response,
)

EVENTS = Path(__file__).resolve().parents[2] / "events" / "bedrock"
REQUEST = image_request(seed=42, negative_prompt="text")


def _event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


@pytest.mark.parametrize(
    ("model_id", "family"),
    [
        ("stability.stable-image-core-v1:1", ModelFamily.STABILITY),
        ("stability.stable-image-ultra-v1:1", ModelFamily.STABILITY),
        ("stability.sd3-5-large-v1:0", ModelFamily.STABILITY),
        ("us.stability.stable-image-core-v1:1", ModelFamily.STABILITY),
        ("amazon.nova-canvas-v1:0", ModelFamily.NOVA_CANVAS),
        ("us.amazon.nova-canvas-v1:0", ModelFamily.NOVA_CANVAS),
    ],
)
def test_model_family_by_model_id(model_id: str, family: ModelFamily) -> None:
    assert model_family(model_id) is family


@pytest.mark.parametrize(
    "model_id",
    ["anthropic.claude-3-haiku-20240307-v1:0", "amazon.titan-image-generator-v2:0", "stability.foo"],
)
def test_unsupported_models_are_a_configuration_error(model_id: str) -> None:
    with pytest.raises(exceptions.ConfigurationException):
        BedrockImageProvider(model_id)


def test_stability_body_for_stable_image_core() -> None:
    assert build_body(ModelFamily.STABILITY, "stability.stable-image-core-v1:1", REQUEST) == {
        "prompt": "a lighthouse at dusk, watercolor",
        "negative_prompt": "text",
        "aspect_ratio": "16:9",
        "seed": 42,
        "output_format": "png",
    }


def test_stability_body_for_sd3_sets_text_to_image_mode_and_omits_empty_negative() -> None:
    request = ImageRequest(prompt="p", width=720, height=1280, seed=4_294_967_295)

    body = build_body(ModelFamily.STABILITY, "stability.sd3-5-large-v1:0", request)

    assert body["mode"] == "text-to-image"
    assert body["aspect_ratio"] == "9:16"
    assert body["seed"] == 0
    assert "negative_prompt" not in body


def test_nova_canvas_body() -> None:
    assert build_body(ModelFamily.NOVA_CANVAS, "amazon.nova-canvas-v1:0", REQUEST) == {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": "a lighthouse at dusk, watercolor", "negativeText": "text"},
        "imageGenerationConfig": {
            "numberOfImages": 1,
            "width": 1280,
            "height": 720,
            "seed": 42,
            "cfgScale": 6.5,
            "quality": "standard",
        },
    }


def test_nova_canvas_body_respects_its_limits() -> None:
    request = ImageRequest(prompt="x" * 3000, width=854, height=480, seed=858_993_460 + 5)

    body = build_body(ModelFamily.NOVA_CANVAS, "amazon.nova-canvas-v1:0", request)

    assert len(body["textToImageParams"]["text"]) == 1024
    assert "negativeText" not in body["textToImageParams"]
    assert body["imageGenerationConfig"]["seed"] == 5
    assert (body["imageGenerationConfig"]["width"], body["imageGenerationConfig"]["height"]) == (848, 480)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1280, 720, (1280, 720)),
        (854, 480, (848, 480)),
        (1920, 1080, (1920, 1088)),
        (100, 100, (320, 320)),
        (8000, 8000, (2048, 2048)),
        (4000, 100, (1280, 320)),
        # Rounding both sides up would overshoot the pixel budget: the long side steps down instead.
        (2035, 2083, (2032, 2064)),
    ],
)
def test_nova_size_snaps_to_what_nova_accepts(width: int, height: int, expected: tuple[int, int]) -> None:
    assert nova_size(width, height) == expected


def test_nova_size_is_valid_for_every_frame_size() -> None:
    for width, height in FRAME_SIZES.values():
        out_w, out_h = nova_size(width, height)
        assert out_w % 16 == 0 and out_h % 16 == 0
        assert 320 <= out_w <= 4096 and 320 <= out_h <= 4096
        assert out_w * out_h <= NOVA_MAX_PIXELS
        assert abs(out_w / out_h - width / height) < 0.05


def test_nova_size_rejects_empty_sizes() -> None:
    with pytest.raises(exceptions.ImageGenerationException):
        nova_size(0, 10)


def test_parse_stability_success_fixture() -> None:
    payload = _event("stability_success.json")

    decoded = parse_response(ModelFamily.STABILITY, payload)

    assert decoded.data.startswith(b"\x89PNG")
    assert decoded.seed == 1234


def test_parse_nova_success_fixture() -> None:
    decoded = parse_response(ModelFamily.NOVA_CANVAS, _event("nova_canvas_success.json"))

    assert decoded.data.startswith(b"\x89PNG")


def test_parse_stability_filtered_fixture_is_content_filtered() -> None:
    with pytest.raises(exceptions.ContentFilteredException) as info:
        parse_response(ModelFamily.STABILITY, _event("stability_filtered.json"))

    assert info.value.details["finish_reason"] == "Filter reason: prompt"


def test_parse_stability_inference_error_is_retryable() -> None:
    with pytest.raises(exceptions.ProviderUnavailableException):
        parse_response(ModelFamily.STABILITY, _event("stability_inference_error.json"))


def test_parse_nova_blocked_fixture_is_content_filtered() -> None:
    with pytest.raises(exceptions.ContentFilteredException):
        parse_response(ModelFamily.NOVA_CANVAS, _event("nova_canvas_blocked.json"))


def test_parse_nova_other_error_is_an_image_generation_error() -> None:
    with pytest.raises(exceptions.ImageGenerationException) as info:
        parse_response(ModelFamily.NOVA_CANVAS, {"images": [], "error": "Something else went wrong"})

    assert type(info.value) is exceptions.ImageGenerationException


@pytest.mark.parametrize(
    "payload",
    [[], "x", {}, {"images": []}, {"images": [None]}, {"images": "abc"}, {"images": ["not base64!!"]}],
    ids=["list", "str", "empty", "no-images", "null-image", "images-not-list", "bad-base64"],
)
@pytest.mark.parametrize("family", list(ModelFamily))
def test_parse_malformed_responses_is_an_image_generation_error(family: ModelFamily, payload: Any) -> None:
    with pytest.raises(exceptions.ImageGenerationException) as info:
        parse_response(family, payload)

    assert type(info.value) is exceptions.ImageGenerationException


def test_parse_stability_ignores_missing_seeds() -> None:
    image = base64.b64encode(b"\x89PNG....").decode()

    decoded = parse_response(ModelFamily.STABILITY, {"images": [image], "finish_reasons": [None]})

    assert decoded.seed is None


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        ("ThrottlingException", "Too many requests", exceptions.RateLimitException),
        ("ServiceQuotaExceededException", "Quota", exceptions.RateLimitException),
        ("ServiceUnavailableException", "Unavailable", exceptions.ProviderUnavailableException),
        ("InternalServerException", "Oops", exceptions.ProviderUnavailableException),
        ("ModelTimeoutException", "Timed out", exceptions.ProviderUnavailableException),
        ("ModelNotReadyException", "Not ready", exceptions.ProviderUnavailableException),
        ("AccessDeniedException", "No access to model", exceptions.ProviderAccessException),
        ("UnrecognizedClientException", "Bad token", exceptions.ProviderAccessException),
        ("ResourceNotFoundException", "No such model", exceptions.ConfigurationException),
        (
            "ValidationException",
            "This request has been blocked by our content filters. Please adjust your text prompt.",
            exceptions.ContentFilteredException,
        ),
        (
            "ValidationException",
            "Malformed input request: height must be a multiple of 16",
            exceptions.ImageGenerationException,
        ),
        ("ModelErrorException", "Model failed", exceptions.ImageGenerationException),
    ],
)
def test_error_from_client_error(
    code: str, message: str, expected: type[exceptions.VideoGeneratorException]
) -> None:
    error = error_from_client_error(code, message)

    assert type(error) is expected
    assert error.details["error_code"] == code
    # AWS's message is logged, never shown.
    assert message not in error.message


def test_throttling_has_a_default_retry_after() -> None:
    error = error_from_client_error("ThrottlingException", "slow down")

    assert isinstance(error, exceptions.RateLimitException)
    assert error.retry_after == DEFAULT_RETRY_AFTER


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (boto_exc.NoCredentialsError(), exceptions.ProviderAccessException),
        (boto_exc.NoRegionError(), exceptions.ConfigurationException),
        (
            boto_exc.EndpointConnectionError(endpoint_url="https://bedrock"),
            exceptions.ProviderUnavailableException,
        ),
        (
            boto_exc.ConnectTimeoutError(endpoint_url="https://bedrock"),
            exceptions.ProviderUnavailableException,
        ),
        (
            boto_exc.ReadTimeoutError(endpoint_url="https://bedrock"),
            exceptions.ProviderUnavailableException,
        ),
        (boto_exc.ResponseStreamingError(error="reset"), exceptions.ProviderUnavailableException),
        (boto_exc.ParamValidationError(report="bad"), exceptions.ImageGenerationException),
        (
            boto_exc.ClientError({"Error": {"Code": "ThrottlingException", "Message": "x"}}, "InvokeModel"),
            exceptions.RateLimitException,
        ),
    ],
)
def test_error_from_botocore(exc: Exception, expected: type[exceptions.VideoGeneratorException]) -> None:
    assert type(error_from_botocore(exc)) is expected


def test_provider_builds_its_client_lazily_once_per_region(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    from videogen.providers import bedrock

    bedrock._default_client.cache_clear()
    built: list[str | None] = []

    def fake_client(service: str, region_name: str | None = None, config: Any = None) -> object:
        built.append(region_name)
        return object()

    monkeypatch.setattr(boto3, "client", fake_client)
    first = BedrockImageProvider(region="eu-west-1")
    second = BedrockImageProvider(region="eu-west-1")

    assert built == []
    assert first._bedrock() is second._bedrock()
    assert built == ["eu-west-1"]
    bedrock._default_client.cache_clear()
