"""Stability gRPC: engine sizes and the status-to-exception table, without a network."""

from __future__ import annotations

import json

import pytest

from videogen.domain.enums import FRAME_SIZES
from videogen.exceptions import (
    ConfigurationException,
    ImageGenerationException,
    ProviderAccessException,
    ProviderUnavailableException,
    RateLimitException,
    VideoGeneratorException,
)
from videogen.providers.stability import DEFAULT_RETRY_AFTER
from videogen.providers.stability_grpc import (
    SDXL_SIZES,
    StabilityGrpcProvider,
    engine_size,
    error_for_rpc,
)

SDXL = "stable-diffusion-xl-1024-v1-0"


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1280, 720, (1344, 768)),
        (1920, 1080, (1344, 768)),
        (720, 1280, (768, 1344)),
        (1080, 1080, (1024, 1024)),
        (2560, 1080, (1536, 640)),
        (1024, 1024, (1024, 1024)),
    ],
)
def test_sdxl_engines_get_the_closest_allowed_size(
    width: int, height: int, expected: tuple[int, int]
) -> None:
    assert engine_size(SDXL, width, height) == expected


def test_every_frame_size_maps_to_an_sdxl_size() -> None:
    for width, height in FRAME_SIZES.values():
        assert engine_size(SDXL, width, height) in SDXL_SIZES


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (512, 512, (512, 512)),
        (854, 480, (832, 512)),
        (1920, 1080, (1536, 896)),
        (100, 100, (320, 320)),
    ],
)
def test_legacy_engines_get_multiples_of_64_within_limits(
    width: int, height: int, expected: tuple[int, int]
) -> None:
    assert engine_size("stable-diffusion-v1-6", width, height) == expected


def test_engine_size_rejects_empty_sizes() -> None:
    with pytest.raises(ImageGenerationException):
        engine_size(SDXL, 0, 10)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("RESOURCE_EXHAUSTED", RateLimitException),
        ("UNAVAILABLE", ProviderUnavailableException),
        ("DEADLINE_EXCEEDED", ProviderUnavailableException),
        ("INTERNAL", ProviderUnavailableException),
        ("ABORTED", ProviderUnavailableException),
        ("UNAUTHENTICATED", ProviderAccessException),
        ("PERMISSION_DENIED", ProviderAccessException),
        ("NOT_FOUND", ConfigurationException),
        ("INVALID_ARGUMENT", ImageGenerationException),
        ("UNKNOWN", ImageGenerationException),
    ],
)
def test_error_for_rpc_maps_status_codes(code: str, expected: type[VideoGeneratorException]) -> None:
    error = error_for_rpc(code)

    assert type(error) is expected
    assert error.details["grpc_status"] == code


def test_rate_limit_reads_retry_after_from_trailing_metadata() -> None:
    error = error_for_rpc("RESOURCE_EXHAUSTED", trailing_metadata=[("x-other", "1"), ("Retry-After", "9")])

    assert isinstance(error, RateLimitException)
    assert error.retry_after == 9


def test_rate_limit_reads_retry_after_from_initial_metadata_bytes() -> None:
    error = error_for_rpc("RESOURCE_EXHAUSTED", initial_metadata=[("retry-after", b"4")])

    assert isinstance(error, RateLimitException)
    assert error.retry_after == 4


@pytest.mark.parametrize("metadata", [None, [], [("retry-after", "later")]])
def test_rate_limit_without_usable_retry_after_uses_the_default(
    metadata: list[tuple[str, str]] | None,
) -> None:
    error = error_for_rpc("RESOURCE_EXHAUSTED", trailing_metadata=metadata)

    assert isinstance(error, RateLimitException)
    assert error.retry_after == DEFAULT_RETRY_AFTER


def test_auth_errors_say_the_key_is_wrong() -> None:
    error = error_for_rpc("UNAUTHENTICATED")

    assert "API key" in error.message


def test_provider_needs_an_api_key() -> None:
    with pytest.raises(ConfigurationException):
        StabilityGrpcProvider("")


@pytest.mark.parametrize("host", ["grpc.example.com:50051", "10.0.0.5:80", "example.com"])
def test_provider_refuses_plain_text_to_a_remote_host(host: str) -> None:
    with pytest.raises(ConfigurationException) as info:
        StabilityGrpcProvider("sk-secret", host=host)

    assert "sk-secret" not in json.dumps(info.value.to_dict())


@pytest.mark.parametrize("host", ["127.0.0.1:50051", "localhost:1", "[::1]:50051", "grpc.stability.ai:443"])
def test_provider_accepts_tls_hosts_and_local_plain_text(host: str) -> None:
    # Building a channel does not connect, so this needs no server.
    provider = StabilityGrpcProvider("sk-secret", host=host)

    assert provider.model == SDXL
    assert "sk-secret" not in repr(provider)
