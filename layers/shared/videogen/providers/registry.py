"""Choose and build the image provider a project asks for; provider modules and SDKs load only when chosen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from videogen.domain.enums import ImageProviderName
from videogen.exceptions import ConfigurationException
from videogen.providers.base import ImageProvider

MISSING_STABILITY_KEY = (
    "The stability image provider needs an API key: set STABILITY_API_KEY (locally) or the "
    "STABILITY_API_KEY_PARAMETER secret (deployed)"
)


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """What the cloud providers need to be built; read once from settings by the caller."""

    # repr=False: the key must never reach a log line through a repr of the config.
    stability_api_key: str | None = field(default=None, repr=False)
    stability_host: str = "grpc.stability.ai:443"
    stability_api: Literal["rest", "grpc"] = "rest"
    stability_base_url: str = "https://api.stability.ai"
    bedrock_model_id: str = "stability.stable-image-core-v1:1"
    bedrock_region: str | None = None


def get_image_provider(name: ImageProviderName | str, *, config: ProviderConfig) -> ImageProvider:
    """Build the image provider called ``name``.

    Raises:
        ConfigurationException: the name is unknown, or the provider lacks what it needs (an API key).
    """
    try:
        provider_name = ImageProviderName(str(name).strip().lower())
    except ValueError:
        raise ConfigurationException(
            "Unknown image provider",
            {"provider": str(name)[:64], "supported": [member.value for member in ImageProviderName]},
        ) from None

    if provider_name is ImageProviderName.LOCAL:
        from videogen.providers.local import LocalImageProvider

        return LocalImageProvider()

    if provider_name is ImageProviderName.STABILITY:
        if not config.stability_api_key:
            raise ConfigurationException(MISSING_STABILITY_KEY)
        if config.stability_api == "grpc":
            from videogen.providers.stability_grpc import StabilityGrpcProvider

            return StabilityGrpcProvider(config.stability_api_key, host=config.stability_host)
        if config.stability_api == "rest":
            from videogen.providers.stability_rest import StabilityRestProvider

            return StabilityRestProvider(config.stability_api_key, base_url=config.stability_base_url)
        raise ConfigurationException(
            "Unknown Stability API flavour",
            {"stability_api": str(config.stability_api), "supported": ["rest", "grpc"]},
        )

    from videogen.providers.bedrock import BedrockImageProvider

    return BedrockImageProvider(model_id=config.bedrock_model_id, region=config.bedrock_region)
