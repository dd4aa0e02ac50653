"""The provider registry: names to providers, configuration errors, and cheap imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from videogen.domain.enums import ImageProviderName
from videogen.exceptions import ConfigurationException
from videogen.providers.catalog import ProviderIdentity
from videogen.providers.registry import (
    ProviderConfig,
    get_image_provider,
    provider_identity,
)
from videogen.providers.stability import MISSING_KEY

KEY = "sk-test-not-a-real-key"


def test_local_provider_needs_no_configuration() -> None:
    local = pytest.importorskip("videogen.providers.local")

    provider = get_image_provider("local", config=ProviderConfig())

    assert isinstance(provider, local.LocalImageProvider)


def test_stability_defaults_to_the_rest_api() -> None:
    from videogen.providers.stability_rest import StabilityRestProvider

    provider = get_image_provider(
        ImageProviderName.STABILITY,
        config=ProviderConfig(stability_api_key=KEY, stability_base_url="http://127.0.0.1:9"),
    )

    assert isinstance(provider, StabilityRestProvider)
    assert provider.name == "stability"
    assert provider.model == "core"


def test_stability_grpc_when_configured() -> None:
    from videogen.providers.stability_grpc import StabilityGrpcProvider

    provider = get_image_provider(
        "stability",
        config=ProviderConfig(stability_api_key=KEY, stability_api="grpc", stability_host="127.0.0.1:9"),
    )

    assert isinstance(provider, StabilityGrpcProvider)
    assert provider.model == "stable-diffusion-xl-1024-v1-0"


@pytest.mark.parametrize("key", [None, ""])
def test_stability_without_a_key_says_where_to_set_it(key: str | None) -> None:
    with pytest.raises(ConfigurationException) as info:
        get_image_provider("stability", config=ProviderConfig(stability_api_key=key))

    assert info.value.message == MISSING_KEY
    assert "STABILITY_API_KEY" in info.value.message
    assert "STABILITY_API_KEY_PARAMETER" in info.value.message


def test_unknown_stability_api_flavour_is_a_configuration_error() -> None:
    config = ProviderConfig(stability_api_key=KEY, stability_api="soap")  # type: ignore[arg-type]

    with pytest.raises(ConfigurationException):
        get_image_provider("stability", config=config)


def test_bedrock_provider_uses_the_configured_model() -> None:
    from videogen.providers.bedrock import BedrockImageProvider

    provider = get_image_provider(
        " Bedrock ",
        config=ProviderConfig(bedrock_model_id="amazon.nova-canvas-v1:0", bedrock_region="us-east-1"),
    )

    assert isinstance(provider, BedrockImageProvider)
    assert provider.name == "bedrock"
    assert provider.model == "amazon.nova-canvas-v1:0"


@pytest.mark.parametrize("name", ["dalle", "", "stability-ai"])
def test_unknown_provider_is_a_configuration_error(name: str) -> None:
    with pytest.raises(ConfigurationException) as info:
        get_image_provider(name, config=ProviderConfig())

    assert info.value.details["supported"] == ["local", "stability", "bedrock"]


@pytest.mark.parametrize(
    ("name", "config", "expected"),
    [
        ("local", ProviderConfig(), ("local", "procedural-v2")),
        (
            "stability",
            ProviderConfig(stability_api_key=KEY, stability_base_url="http://127.0.0.1:9"),
            ("stability", "core"),
        ),
        (
            "stability",
            ProviderConfig(stability_api_key=KEY, stability_api="grpc", stability_host="127.0.0.1:9"),
            ("stability", "stable-diffusion-xl-1024-v1-0"),
        ),
        ("bedrock", ProviderConfig(), ("bedrock", "stability.stable-image-core-v1:1")),
        (
            " Bedrock ",
            ProviderConfig(bedrock_model_id="amazon.nova-canvas-v1:0"),
            ("bedrock", "amazon.nova-canvas-v1:0"),
        ),
    ],
)
def test_provider_identity_is_the_name_and_model_of_the_provider_built(
    name: str, config: ProviderConfig, expected: tuple[str, str]
) -> None:
    if name == "local":
        pytest.importorskip("PIL")

    identity = provider_identity(name, config=config)
    provider = get_image_provider(name, config=config)

    # The models images were cached under so far: a change would make every cached image stale.
    assert identity == ProviderIdentity(*expected)
    assert (provider.name, provider.model) == expected


def test_provider_identity_needs_no_credentials() -> None:
    assert provider_identity("stability", config=ProviderConfig()) == ProviderIdentity("stability", "core")


@pytest.mark.parametrize("name", ["dalle", ""])
def test_provider_identity_of_an_unknown_provider_is_a_configuration_error(name: str) -> None:
    with pytest.raises(ConfigurationException):
        provider_identity(name, config=ProviderConfig())


def test_provider_config_is_frozen_and_hides_the_key_from_repr() -> None:
    config = ProviderConfig(stability_api_key=KEY)

    assert KEY not in repr(config)
    with pytest.raises(AttributeError):
        config.stability_api_key = "other"  # type: ignore[misc]


def _heavy_modules_after_import(modules: str) -> list[str]:
    """The SDK modules a fresh interpreter holds after importing ``modules`` (this process has them all)."""
    sdks = "{'stability_sdk', 'grpc', 'boto3', 'botocore', 'PIL'}"
    code = f"import json, sys\nimport {modules}\nprint(json.dumps(sorted({sdks} & set(sys.modules))))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    heavy: list[str] = json.loads(result.stdout)
    return heavy


def test_importing_the_registry_loads_no_sdk() -> None:
    modules = "videogen.providers.registry, videogen.providers.catalog, videogen.providers.imaging"

    assert _heavy_modules_after_import(modules) == []


def test_importing_the_providers_loads_neither_sdks_nor_pillow() -> None:
    modules = (
        "videogen.providers.stability_grpc, videogen.providers.stability_rest, videogen.providers.bedrock"
    )

    # botocore arrives with the shared observability module (powertools), not with the providers.
    assert set(_heavy_modules_after_import(modules)) <= {"botocore"}
