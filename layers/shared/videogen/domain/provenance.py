"""How a scene image was made: the record written next to every image, and the fallbacks it took.

``ImageProvenance`` is the one definition of the JSON sidecar GenerateImage writes beside each image
(``layout.image_provenance_key``): a render's manifest reads it per scene. ``SkippedProvider`` is a
provider that was tried before the one that drew the image, and why it was passed over; the scene item,
the API's scene and the sidecar all carry the same list. ``SceneFallback`` is what the project's progress
shows for a scene whose image came from a fallback.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SkippedProvider(BaseModel):
    """An image provider that was tried for a scene and passed over, and why."""

    model_config = ConfigDict(frozen=True)

    provider: str = Field(description="The provider passed over: local, stability or bedrock.")
    model: str = Field(description="The model it would have drawn with.")
    code: str = Field(
        description="Why, as an error code: PROVIDER_UNAVAILABLE, RATE_LIMITED or PROVIDER_ACCESS_DENIED."
    )
    reason: str = Field(description="The provider's failure, for a person.")
    attempts: int = Field(ge=0, description="Calls made to it for this scene before it was passed over.")

    def summary(self) -> str:
        """One line naming the provider and its failure (an error message lists one per provider)."""
        tries = f", {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{self.provider}: {self.reason} ({self.code}{tries})"


class SceneFallback(BaseModel):
    """A scene of the running render whose image another provider than the first one drew."""

    model_config = ConfigDict(frozen=True)

    scene: int = Field(ge=1, description="The scene number.")
    from_provider: str = Field(description="The first provider of the project's list, which did not draw it.")
    to_provider: str = Field(description="The provider that drew it.")
    reason: str = Field(description="Why each provider before it was passed over, one per provider.")

    @classmethod
    def of(cls, scene: int, provider: str, skipped: list[SkippedProvider]) -> SceneFallback:
        return cls(
            scene=scene,
            from_provider=skipped[0].provider,
            to_provider=provider,
            reason="; ".join(entry.summary() for entry in skipped),
        )


#: How a scene image made from the user's own picture names its provider and model (the scene, the API and
#: the provenance record say "user"/"picture" where a generated image names e.g. "local"/"procedural-v2").
USER_PICTURE_PROVIDER = "user"
USER_PICTURE_MODEL = "picture"


class UserPicture(BaseModel):
    """The user's own file a scene image was made from (checked, turned upright, stored as PNG)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = Field(None, description="The file's name as the user gave it (script path or upload).")
    sha256: str = Field(description="SHA-256 of the file as the user gave it, hex.")
    format: str = Field(description="Its format: JPEG, PNG or WEBP.")
    width: int = Field(description="Its width in pixels, upright.")
    height: int = Field(description="Its height in pixels, upright.")
    size: int = Field(description="Its size in bytes.")


class ImageProvenance(BaseModel):
    """How one stored image was made: enough to check it, or to ask for it again with the same request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["videogen.image-provenance/1"] = "videogen.image-provenance/1"
    source: Literal["generated", "user picture"] = Field(
        "generated", description="Whether a provider drew the image or it is the user's own picture."
    )
    picture: UserPicture | None = Field(
        None, description="The user's file, for a user picture (null for a generated image)."
    )
    provider: str = Field(description="Who drew the image: local, stability or bedrock.")
    model: str = Field(description="The provider's model or engine.")
    seed: int = Field(description="The seed asked for (a provider may reduce it to its own range).")
    prompt: str = Field(description="The prompt as sent: the scene's prompt with the project's style.")
    negative_prompt: str = Field(description="What the image should not show (empty: nothing asked).")
    style: str = Field(description="The project's style, which the prompt ends with.")
    width: int = Field(description="Width in pixels.")
    height: int = Field(description="Height in pixels.")
    cache_key: str = Field(description="The image's S3 key: named by the hash of everything that drew it.")
    image_sha256: str = Field(description="SHA-256 of the stored image's bytes, hex.")
    content_type: str = Field(description="The stored image's media type.")
    fallback: list[SkippedProvider] = Field(
        default_factory=list,
        description="The providers tried before this one and passed over, in order (empty: the first drew).",
    )
    motifs: str | None = Field(
        None,
        description=(
            "What the picture shows, as its provider said (the local illustrator's videogen:motifs line: "
            "subjects, setting, time of day and style); null when the provider does not say."
        ),
    )
    generated_at: datetime = Field(
        description=(
            "When the image was drawn (for a cached image found without a record: when that record was "
            "written)."
        )
    )
    cached: bool = Field(
        description=(
            "True when this record was written for an image already in the cache, made before its record "
            "was: its fallback is then unknown (empty)."
        )
    )
