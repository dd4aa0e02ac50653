"""The contract every image provider meets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ImageRequest:
    """Everything that decides an image. Two equal requests must give the same image (cache key)."""

    prompt: str
    width: int
    height: int
    seed: int
    style: str = ""
    negative_prompt: str = ""


@dataclass(frozen=True, slots=True)
class GeneratedImage:
    """The bytes of one image and what they are."""

    data: bytes
    content_type: str  # "image/png" or "image/jpeg"
    width: int
    height: int
    provider: str
    model: str
    #: What the picture shows, when its provider says (the local illustrator's motifs line); else None.
    motifs: str | None = None


class ImageProvider(Protocol):
    """Draws one image per request. Raises ImageGenerationException (not retryable: content filter,
    bad request), RateLimitException (throttled, with retry_after) or a retryable ImageGenerationException
    subclass for transient provider failures."""

    name: str
    model: str

    def generate(self, request: ImageRequest) -> GeneratedImage: ...
