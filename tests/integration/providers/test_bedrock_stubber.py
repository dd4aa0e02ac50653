"""BedrockImageProvider through a real bedrock-runtime client whose wire is botocore's Stubber.

The Stubber validates every call against the service model, and the responses are recorded fixtures.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from PIL import Image

from tests.support.providers import image_request
from videogen.exceptions import (
    ContentFilteredException,
    ImageGenerationException,
    ProviderUnavailableException,
    RateLimitException,
    VideoGeneratorException,
)
from videogen.providers.bedrock import DEFAULT_RETRY_AFTER, BedrockImageProvider

EVENTS = Path(__file__).resolve().parents[2] / "events" / "bedrock"
CORE = "stability.stable-image-core-v1:1"
ULTRA = "stability.stable-image-ultra-v1:1"
SD35 = "stability.sd3-5-large-v1:0"
NOVA = "amazon.nova-canvas-v1:0"


class JsonBody:
    """Matches an ``invoke_model`` body (bytes or str) by its parsed JSON, whatever the key order."""

    def __init__(self, expected: dict[str, Any]) -> None:
        self.expected = expected

    def __eq__(self, other: object) -> bool:
        return isinstance(other, bytes | str) and json.loads(other) == self.expected

    def __hash__(self) -> int:
        return hash(json.dumps(self.expected, sort_keys=True))

    def __repr__(self) -> str:
        return f"JsonBody({self.expected!r})"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Fake credentials: the Stubber answers before anything is signed or sent, but the client wants some.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield boto3.client("bedrock-runtime", region_name="us-east-1")


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def _fixture_response(name: str) -> dict[str, Any]:
    raw = (EVENTS / name).read_bytes()
    return {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}


def _raw_response(raw: bytes) -> dict[str, Any]:
    return {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}


def _expect(stubber: Stubber, model_id: str, body: dict[str, Any], response: dict[str, Any]) -> None:
    stubber.add_response(
        "invoke_model",
        response,
        {
            "modelId": model_id,
            "body": JsonBody(body),
            "contentType": "application/json",
            "accept": "application/json",
        },
    )


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_stable_image_core_request_body_and_image(client: Any, stubber: Stubber) -> None:
    _expect(
        stubber,
        CORE,
        {
            "prompt": "a lighthouse at dusk, watercolor",
            "negative_prompt": "blurry, text",
            "aspect_ratio": "16:9",
            "seed": 1234,
            "output_format": "png",
        },
        _fixture_response("stability_success.json"),
    )

    image = BedrockImageProvider(CORE, client=client).generate(image_request())

    assert _size(image.data) == (1280, 720)
    assert (image.width, image.height, image.content_type) == (1280, 720, "image/png")
    assert (image.provider, image.model) == ("bedrock", CORE)


def test_stable_image_ultra_speaks_the_same_dialect(client: Any, stubber: Stubber) -> None:
    _expect(
        stubber,
        ULTRA,
        {"prompt": "a lighthouse at dusk", "aspect_ratio": "9:16", "seed": 7, "output_format": "png"},
        _fixture_response("stability_success.json"),
    )

    image = BedrockImageProvider(ULTRA, client=client).generate(
        image_request(width=720, height=1280, seed=7, style="", negative_prompt="")
    )

    assert _size(image.data) == (720, 1280)


def test_sd35_large_adds_text_to_image_mode(client: Any, stubber: Stubber) -> None:
    _expect(
        stubber,
        SD35,
        {
            "prompt": "a lighthouse at dusk, watercolor",
            "negative_prompt": "blurry, text",
            "aspect_ratio": "1:1",
            "seed": 1234,
            "output_format": "png",
            "mode": "text-to-image",
        },
        _fixture_response("stability_success.json"),
    )

    image = BedrockImageProvider(SD35, client=client).generate(image_request(width=720, height=720))

    assert _size(image.data) == (720, 720)


def test_nova_canvas_request_body_and_image(client: Any, stubber: Stubber) -> None:
    _expect(
        stubber,
        NOVA,
        {
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": "a lighthouse at dusk, watercolor", "negativeText": "blurry, text"},
            "imageGenerationConfig": {
                "numberOfImages": 1,
                "width": 848,
                "height": 480,
                "seed": 1234,
                "cfgScale": 6.5,
                "quality": "standard",
            },
        },
        _fixture_response("nova_canvas_success.json"),
    )

    image = BedrockImageProvider(NOVA, client=client).generate(image_request(width=854, height=480))

    # Nova drew 848x480 (multiples of 16); the pipeline still gets exactly 854x480.
    assert _size(image.data) == (854, 480)
    assert (image.provider, image.model) == ("bedrock", NOVA)


def test_stability_filter_finish_reason_is_content_filtered(client: Any, stubber: Stubber) -> None:
    stubber.add_response("invoke_model", _fixture_response("stability_filtered.json"))

    with pytest.raises(ContentFilteredException):
        BedrockImageProvider(CORE, client=client).generate(image_request())


def test_stability_inference_error_is_retryable(client: Any, stubber: Stubber) -> None:
    stubber.add_response("invoke_model", _fixture_response("stability_inference_error.json"))

    with pytest.raises(ProviderUnavailableException):
        BedrockImageProvider(CORE, client=client).generate(image_request())


def test_nova_blocked_output_is_content_filtered(client: Any, stubber: Stubber) -> None:
    stubber.add_response("invoke_model", _fixture_response("nova_canvas_blocked.json"))

    with pytest.raises(ContentFilteredException):
        BedrockImageProvider(NOVA, client=client).generate(image_request())


def test_a_body_that_is_not_json_is_an_image_generation_error(client: Any, stubber: Stubber) -> None:
    stubber.add_response("invoke_model", _raw_response(b"<html>not json</html>"))

    with pytest.raises(ImageGenerationException, match="not JSON"):
        BedrockImageProvider(CORE, client=client).generate(image_request())


def test_an_image_that_does_not_decode_is_an_image_generation_error(client: Any, stubber: Stubber) -> None:
    body = json.dumps({"images": ["bm90IGFuIGltYWdl"], "finish_reasons": [None], "seeds": [1]}).encode()
    stubber.add_response("invoke_model", _raw_response(body))

    with pytest.raises(ImageGenerationException, match="not an image"):
        BedrockImageProvider(CORE, client=client).generate(image_request())


# Which class each error code becomes is the unit test's table (test_bedrock_mapping); here, one code per
# kind of answer: a ClientError as botocore raises it reaches that mapping, and AWS's message stays out.
@pytest.mark.parametrize(
    ("code", "status", "message", "expected"),
    [
        (
            "ThrottlingException",
            429,
            "Too many requests, please wait before trying again.",
            RateLimitException,
        ),
        ("ServiceUnavailableException", 503, "Service unavailable", ProviderUnavailableException),
        (
            "ValidationException",
            400,
            "This request has been blocked by our content filters. Please adjust your text prompt.",
            ContentFilteredException,
        ),
        ("ValidationException", 400, "Malformed input request: extraneous key", ImageGenerationException),
    ],
)
def test_service_errors_map_to_our_exceptions(
    client: Any,
    stubber: Stubber,
    *,
    code: str,
    status: int,
    message: str,
    expected: type[VideoGeneratorException],
) -> None:
    stubber.add_client_error(
        "invoke_model", service_error_code=code, service_message=message, http_status_code=status
    )

    with pytest.raises(expected) as info:
        BedrockImageProvider(NOVA, client=client).generate(image_request())

    assert type(info.value) is expected
    assert info.value.details["error_code"] == code
    assert message not in json.dumps(info.value.to_dict())


def test_throttling_carries_a_retry_after(client: Any, stubber: Stubber) -> None:
    stubber.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)

    with pytest.raises(RateLimitException) as info:
        BedrockImageProvider(CORE, client=client).generate(image_request())

    assert info.value.retry_after == DEFAULT_RETRY_AFTER
    assert info.value.retryable
