"""The model each image provider draws with, as plain values: what an image's cache key records.

A scene image's cache key names the provider and the model that drew it
(``videogen.logic.images.cache_key``). A step that only decides which images already exist
(PrepareRender) needs these values and nothing more: no provider is built, no SDK or Pillow is imported,
no credential is read. The providers take their defaults from here, so the key a render expects and the
image a provider draws cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: The local provider's illustrator (bump it when its pictures change: cached images go stale).
LOCAL_MODEL: Final = "procedural-v2"
#: Stability's v2beta REST model (Stable Image Core).
STABILITY_REST_MODEL: Final = "core"
#: Stability's gRPC engine.
STABILITY_GRPC_ENGINE: Final = "stable-diffusion-xl-1024-v1-0"
#: The Bedrock model used unless BEDROCK_MODEL_ID names another.
BEDROCK_MODEL_ID: Final = "stability.stable-image-core-v1:1"


@dataclass(frozen=True, slots=True)
class ProviderIdentity:
    """Who draws a project's images: the provider's name and its model, as an image's cache key has them."""

    name: str
    model: str
