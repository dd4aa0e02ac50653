"""Stability v2beta REST: request shaping and the status-to-exception table, without a network."""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import json

import pytest

from tests.support.providers import image_request, parse_form
from videogen import exceptions
from videogen.providers.base import ImageRequest
from videogen.providers.stability import DEFAULT_RETRY_AFTER
from videogen.providers.stability_rest import (
    StabilityRestProvider,
    build_form_fields,
    encode_multipart,
    endpoint_path,
    error_for_status,
    parse_retry_after,
)

REQUEST = image_request(seed=42, negative_prompt="text")


def _error_body(name: str, errors: list[str] | None = None) -> bytes:
    return json.dumps({"id": "abc123", "name": name, "errors": errors or ["something"]}).encode()


@pytest.mark.parametrize(
    ("model", "path"),
    [
        ("core", "/v2beta/stable-image/generate/core"),
        ("ultra", "/v2beta/stable-image/generate/ultra"),
        ("sd3.5-large", "/v2beta/stable-image/generate/sd3"),
    ],
)
def test_endpoint_path_per_model(model: str, path: str) -> None:
    assert endpoint_path(model) == path


def test_unknown_model_is_a_configuration_error() -> None:
    with pytest.raises(exceptions.ConfigurationException):
        endpoint_path("dall-e")


def test_form_fields_carry_prompt_with_style_ratio_seed_and_png() -> None:
    assert build_form_fields(REQUEST, "core") == {
        "prompt": "a lighthouse at dusk, watercolor",
        "negative_prompt": "text",
        "aspect_ratio": "16:9",
        "seed": "42",
        "output_format": "png",
    }


def test_form_fields_omit_an_empty_negative_prompt_and_name_sd3_models() -> None:
    request = ImageRequest(prompt="p", width=720, height=1280, seed=4_294_967_295)

    fields = build_form_fields(request, "sd3.5-large")

    assert "negative_prompt" not in fields
    assert fields["model"] == "sd3.5-large"
    assert fields["aspect_ratio"] == "9:16"
    # Stability's seeds stop at 4294967294: the largest videogen seed wraps instead of being rejected.
    assert fields["seed"] == "0"


def test_form_fields_truncate_an_overlong_prompt() -> None:
    request = ImageRequest(prompt="x" * 20_000, width=64, height=64, seed=1)

    assert len(build_form_fields(request, "core")["prompt"]) == 10_000


def test_multipart_body_parses_back_into_the_same_fields() -> None:
    fields = {"prompt": "a café\r\nwith two lines", "seed": "7"}

    body, content_type = encode_multipart(fields, boundary="b0undary")

    assert content_type == "multipart/form-data; boundary=b0undary"
    assert parse_form(content_type, body) == fields
    assert body.endswith(b"--b0undary--\r\n")


def test_multipart_boundary_is_random_per_body() -> None:
    _, first = encode_multipart({"a": "1"})
    _, second = encode_multipart({"a": "1"})

    assert first != second


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, DEFAULT_RETRY_AFTER), ("", DEFAULT_RETRY_AFTER), ("12", 12), (" 3 ", 3), ("0", 1), ("soon", 60)],
)
def test_parse_retry_after_seconds(value: str | None, expected: int) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)

    assert parse_retry_after(header, now=now) == 30


def test_parse_retry_after_http_date_in_the_past_waits_one_second() -> None:
    assert parse_retry_after("Mon, 01 Jan 2001 00:00:00 GMT") == 1


@pytest.mark.parametrize(
    ("status", "name", "expected"),
    [
        (400, "bad_request", exceptions.ImageGenerationException),
        (413, "payload_too_large", exceptions.ImageGenerationException),
        (422, "invalid_language", exceptions.ImageGenerationException),
        (401, "unauthorized", exceptions.ProviderAccessException),
        (403, "forbidden", exceptions.ProviderAccessException),
        (402, "payment_required", exceptions.ProviderAccessException),
        (404, "not_found", exceptions.ConfigurationException),
        (403, "content_moderation", exceptions.ContentFilteredException),
        (429, "rate_limit_exceeded", exceptions.RateLimitException),
        (500, "internal_error", exceptions.ProviderUnavailableException),
        (502, "bad_gateway", exceptions.ProviderUnavailableException),
        (503, "unavailable", exceptions.ProviderUnavailableException),
        (302, "unknown", exceptions.ImageGenerationException),
    ],
)
def test_error_for_status_maps_to_the_right_exception(
    status: int, name: str, expected: type[exceptions.VideoGeneratorException]
) -> None:
    error = error_for_status(status, {}, _error_body(name))

    assert type(error) is expected
    assert error.details["status"] == status


def test_client_errors_name_the_provider_error_but_not_the_body() -> None:
    body = _error_body("bad_request", ["prompt: secret-ish internal detail"])

    error = error_for_status(400, {}, body)

    assert "bad_request" in error.message
    assert error.details["provider_error"] == "bad_request"
    assert "internal detail" not in error.message
    assert "internal detail" not in json.dumps(error.to_dict())


@pytest.mark.parametrize(
    "body",
    [b"", b"<html>502</html>", b"[1, 2]", json.dumps({"name": "x" * 100}).encode(), b'{"name": "a b"}'],
    ids=["empty", "html", "list", "long-name", "spaces"],
)
def test_unreadable_error_bodies_are_named_unknown(body: bytes) -> None:
    assert error_for_status(400, {}, body).details["provider_error"] == "unknown"


def test_rate_limit_takes_retry_after_from_the_header() -> None:
    error = error_for_status(429, {"retry-after": "17"}, b"")

    assert isinstance(error, exceptions.RateLimitException)
    assert error.retry_after == 17
    assert error.retryable


def test_rate_limit_without_header_uses_stabilitys_timeout() -> None:
    error = error_for_status(429, {}, b"")

    assert isinstance(error, exceptions.RateLimitException)
    assert error.retry_after == DEFAULT_RETRY_AFTER


def test_configuration_errors_never_contain_the_key() -> None:
    error = error_for_status(401, {"authorization": "Bearer sk-secret"}, b'{"name": "unauthorized"}')

    assert "sk-secret" not in json.dumps(error.to_dict())
    assert "API key" in error.message


def test_provider_needs_an_api_key() -> None:
    with pytest.raises(exceptions.ConfigurationException):
        StabilityRestProvider("")


@pytest.mark.parametrize(
    "base_url",
    ["http://api.stability.ai", "ftp://127.0.0.1", "file:///etc/passwd", "https://", "api.stability.ai"],
)
def test_provider_refuses_base_urls_that_would_leak_the_key(base_url: str) -> None:
    with pytest.raises(exceptions.ConfigurationException):
        StabilityRestProvider("sk-secret", base_url=base_url)


@pytest.mark.parametrize(
    "base_url", ["https://api.stability.ai/", "http://127.0.0.1:8080", "http://localhost:1"]
)
def test_provider_accepts_https_and_local_plain_http(base_url: str) -> None:
    provider = StabilityRestProvider("sk-secret", base_url=base_url)

    assert provider.model == "core"
    assert "sk-secret" not in repr(provider)
