"""StabilityRestProvider over real HTTP against a local fake of the v2beta Stable Image endpoint."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from PIL import Image

from tests.support.providers import closed_port, image_request
from tests.support.stability_fake import (
    KEY,
    FakeStability,
    Received,
    Reply,
    error_reply,
    image_reply,
    png,
    serving_stability,
)
from videogen.exceptions import (
    ConfigurationException,
    ContentFilteredException,
    ImageGenerationException,
    ProviderUnavailableException,
    RateLimitException,
)
from videogen.providers.stability import DEFAULT_RETRY_AFTER
from videogen.providers.stability_rest import StabilityRestProvider


@pytest.fixture(scope="module")
def rest_server() -> Iterator[tuple[FakeStability, str]]:
    with serving_stability() as served:
        yield served


@pytest.fixture
def fake(rest_server: tuple[FakeStability, str]) -> FakeStability:
    stub, _ = rest_server
    stub.received.clear()
    stub.respond = lambda received: image_reply()
    stub.release.clear()
    return stub


@pytest.fixture
def provider(rest_server: tuple[FakeStability, str]) -> StabilityRestProvider:
    _, base_url = rest_server
    return StabilityRestProvider(KEY, base_url=base_url, timeout=5)


def test_generate_posts_the_form_and_crops_the_image_to_the_frame(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    image = provider.generate(image_request())

    (received,) = fake.received
    assert received.path == "/v2beta/stable-image/generate/core"
    assert received.headers["authorization"] == f"Bearer {KEY}"
    assert received.headers["accept"] == "image/*"
    assert received.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert received.fields == {
        "prompt": "a lighthouse at dusk, watercolor",
        "negative_prompt": "blurry, text",
        "aspect_ratio": "16:9",
        "seed": "1234",
        "output_format": "png",
    }
    with Image.open(io.BytesIO(image.data)) as decoded:
        assert (decoded.format, decoded.size) == ("PNG", (1280, 720))
    assert (image.width, image.height, image.content_type) == (1280, 720, "image/png")
    assert (image.provider, image.model) == ("stability", "core")


def test_an_image_of_the_exact_size_is_passed_through(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: image_reply(width=1280, height=720)

    image = provider.generate(image_request())

    assert image.data == png(1280, 720)


def test_sd3_models_post_to_the_sd3_endpoint_and_name_the_model(
    rest_server: tuple[FakeStability, str],
) -> None:
    fake, base_url = rest_server
    fake.received.clear()
    fake.respond = lambda received: image_reply(width=768, height=1344)
    provider = StabilityRestProvider(KEY, base_url=base_url + "/", model="sd3.5-large")

    image = provider.generate(image_request(width=720, height=1280, negative_prompt=""))

    (received,) = fake.received
    assert received.path == "/v2beta/stable-image/generate/sd3"
    assert received.fields["model"] == "sd3.5-large"
    assert received.fields["aspect_ratio"] == "9:16"
    assert "negative_prompt" not in received.fields
    assert (image.width, image.height, image.model) == (720, 1280, "sd3.5-large")


def test_content_filtered_finish_reason_is_content_filtered(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: image_reply("CONTENT_FILTERED")

    with pytest.raises(ContentFilteredException) as info:
        provider.generate(image_request())

    assert not info.value.retryable


def test_error_finish_reason_is_retryable(provider: StabilityRestProvider, fake: FakeStability) -> None:
    fake.respond = lambda received: image_reply("ERROR")

    with pytest.raises(ProviderUnavailableException):
        provider.generate(image_request())


def test_moderated_prompt_403_is_content_filtered(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: error_reply(403, "content_moderation")

    with pytest.raises(ContentFilteredException):
        provider.generate(image_request())


def test_429_is_rate_limited_with_retry_after_from_the_header(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: error_reply(429, "rate_limit_exceeded", {"Retry-After": "12"})

    with pytest.raises(RateLimitException) as info:
        provider.generate(image_request())

    assert info.value.retry_after == 12


def test_429_without_retry_after_waits_the_default(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: error_reply(429, "rate_limit_exceeded")

    with pytest.raises(RateLimitException) as info:
        provider.generate(image_request())

    assert info.value.retry_after == DEFAULT_RETRY_AFTER


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_provider_unavailable(
    provider: StabilityRestProvider, fake: FakeStability, status: int
) -> None:
    fake.respond = lambda received: (status, {"Content-Type": "text/html"}, b"<html>oops</html>")

    with pytest.raises(ProviderUnavailableException) as info:
        provider.generate(image_request())

    assert info.value.details["status"] == status


@pytest.mark.parametrize(
    ("status", "name"), [(401, "unauthorized"), (403, "forbidden"), (402, "payment_required")]
)
def test_auth_and_billing_errors_are_configuration_errors_without_the_key(
    provider: StabilityRestProvider, fake: FakeStability, status: int, name: str
) -> None:
    fake.respond = lambda received: error_reply(status, name)

    with pytest.raises(ConfigurationException) as info:
        provider.generate(image_request())

    assert KEY not in str(info.value)
    assert KEY not in json.dumps(info.value.to_dict())


@pytest.mark.parametrize(
    ("status", "name"), [(400, "bad_request"), (413, "payload_too_large"), (422, "invalid_language")]
)
def test_client_errors_name_the_provider_error_but_not_the_body(
    provider: StabilityRestProvider, fake: FakeStability, status: int, name: str
) -> None:
    fake.respond = lambda received: error_reply(status, name)

    with pytest.raises(ImageGenerationException) as info:
        provider.generate(image_request())

    assert type(info.value) is ImageGenerationException
    assert name in info.value.message
    assert info.value.details == {"provider": "stability", "status": status, "provider_error": name}
    assert "do not show me" not in json.dumps(info.value.to_dict())


def test_a_200_that_is_not_an_image_is_an_image_generation_error(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: (200, {"Content-Type": "application/json"}, b'{"image": "base64..."}')

    with pytest.raises(ImageGenerationException, match="without an image"):
        provider.generate(image_request())


def test_undecodable_image_bytes_are_an_image_generation_error(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: (200, {"Content-Type": "image/png", "finish-reason": "SUCCESS"}, b"nope")

    with pytest.raises(ImageGenerationException, match="not an image"):
        provider.generate(image_request())


def test_an_oversized_response_is_refused(
    provider: StabilityRestProvider, fake: FakeStability, monkeypatch: pytest.MonkeyPatch
) -> None:
    from videogen.providers import stability_rest

    monkeypatch.setattr(stability_rest, "MAX_RESPONSE_BYTES", 100)

    with pytest.raises(ImageGenerationException, match="too large"):
        provider.generate(image_request())


def test_redirects_are_not_followed_so_the_key_stays_put(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: (
        (307, {"Location": "/elsewhere"}, b"") if received.path.endswith("/core") else image_reply()
    )

    with pytest.raises(ImageGenerationException):
        provider.generate(image_request())

    assert [received.path for received in fake.received] == ["/v2beta/stable-image/generate/core"]


def test_a_slow_server_times_out_as_provider_unavailable(rest_server: tuple[FakeStability, str]) -> None:
    fake, base_url = rest_server

    def stall(received: Received) -> Reply:
        fake.release.wait(timeout=5)
        return image_reply()

    fake.respond = stall
    provider = StabilityRestProvider(KEY, base_url=base_url, timeout=0.3)
    try:
        with pytest.raises(ProviderUnavailableException) as info:
            provider.generate(image_request())
    finally:
        fake.release.set()

    assert info.value.retryable


def test_a_dropped_connection_is_provider_unavailable(
    provider: StabilityRestProvider, fake: FakeStability
) -> None:
    fake.respond = lambda received: None

    with pytest.raises(ProviderUnavailableException) as info:
        provider.generate(image_request())

    assert info.value.details["reason"] == "RemoteDisconnected"


def test_a_server_that_is_down_is_provider_unavailable() -> None:
    provider = StabilityRestProvider(KEY, base_url=f"http://127.0.0.1:{closed_port()}", timeout=5)

    with pytest.raises(ProviderUnavailableException) as info:
        provider.generate(image_request())

    assert info.value.details["reason"] == "URLError"
