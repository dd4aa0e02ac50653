"""Choose and build the image provider a project asks for; provider modules and SDKs load only when chosen.

Two questions, answered apart: *who* draws a project's images (``provider_identity``: a name and a model,
from the configuration alone, which is all an image's cache key needs) and *build it* (``get_image_provider``:
the provider object, its SDK and its credentials, needed only where images are made). The builder passes
the identity's model to the provider, so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from videogen.domain.enums import ImageProviderName
from videogen.exceptions import ConfigurationException
from videogen.providers.base import ImageProvider
from videogen.providers.catalog import (
    BEDROCK_MODEL_ID,
    LOCAL_MODEL,
    STABILITY_GRPC_ENGINE,
    STABILITY_REST_MODEL,
    ProviderIdentity,
)


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """What the cloud providers need to be built; read once from settings by the caller."""

    # repr=False: the key must never reach a log line through a repr of the config.
    stability_api_key: str | None = field(default=None, repr=False)
    stability_host: str = "grpc.stability.ai:443"
    stability_api: Literal["rest", "grpc"] = "rest"
    stability_base_url: str = "https://api.stability.ai"
    bedrock_model_id: str = BEDROCK_MODEL_ID
    bedrock_region: str | None = None


def provider_identity(name: ImageProviderName | str, *, config: ProviderConfig) -> ProviderIdentity:
    """Which provider, with which model, draws images for a project asking for ``name``.

    Builds nothing, imports no SDK, checks no credential: a step that only computes cache keys calls this.

    Raises:
        ConfigurationException: the name is unknown, or so is the configured Stability API flavour.
    """
    provider_name = _provider_name(name)
    if provider_name is ImageProviderName.LOCAL:
        return ProviderIdentity(provider_name.value, LOCAL_MODEL)
    if provider_name is ImageProviderName.STABILITY:
        models = {"rest": STABILITY_REST_MODEL, "grpc": STABILITY_GRPC_ENGINE}
        if config.stability_api not in models:
            raise ConfigurationException(
                "Unknown Stability API flavour",
                {"stability_api": str(config.stability_api), "supported": list(models)},
            )
        return ProviderIdentity(provider_name.value, models[config.stability_api])
    return ProviderIdentity(provider_name.value, config.bedrock_model_id)


def get_image_provider(name: ImageProviderName | str, *, config: ProviderConfig) -> ImageProvider:
    """Build the image provider called ``name`` (drawing with ``provider_identity``'s model).

    Raises:
        ConfigurationException: the name is unknown, or the provider lacks what it needs (an API key).
    """
    identity = provider_identity(name, config=config)
    provider_name = ImageProviderName(identity.name)

    if provider_name is ImageProviderName.LOCAL:
        # Each provider loads with what it needs (Pillow, an SDK: 12-80 ms) only once chosen: PrepareRender
        # imports this registry and ships neither.
        from videogen.providers.local import LocalImageProvider  # noqa: PLC0415

        return LocalImageProvider()

    if provider_name is ImageProviderName.STABILITY:
        # Without a key the provider refuses to be built (stability.MISSING_KEY), before any SDK is imported.
        api_key = config.stability_api_key
        if config.stability_api == "grpc":
            from videogen.providers.stability_grpc import StabilityGrpcProvider  # noqa: PLC0415

            return StabilityGrpcProvider(api_key, host=config.stability_host, engine=identity.model)
        from videogen.providers.stability_rest import StabilityRestProvider  # noqa: PLC0415

        return StabilityRestProvider(api_key, base_url=config.stability_base_url, model=identity.model)

    from videogen.providers.bedrock import BedrockImageProvider  # noqa: PLC0415

    return BedrockImageProvider(model_id=identity.model, region=config.bedrock_region)


def _provider_name(name: ImageProviderName | str) -> ImageProviderName:
    try:
        return ImageProviderName(str(name).strip().lower())
    except ValueError:
        raise ConfigurationException(
            "Unknown image provider",
            {"provider": str(name)[:64], "supported": [member.value for member in ImageProviderName]},
        ) from None
