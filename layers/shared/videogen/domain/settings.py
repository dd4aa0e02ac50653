"""Project settings: what a video looks like. Shared by the API, the script front matter and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from videogen.domain.enums import (
    FRAME_SIZES,
    AspectRatio,
    CaptionOutline,
    CaptionPosition,
    CaptionSize,
    ImageProviderName,
    Resolution,
)
from videogen.domain.limits import MAX_SEED, MAX_STYLE_CHARS
from videogen.domain.voices import DEFAULT_VOICE_SETTING, validate_voice
from videogen.exceptions import UnknownVoiceException


def json_number(value: Any) -> Any:
    """A before-validator for numbers read from JSON: pydantic's lax mode would take true or "7" too."""
    if isinstance(value, bool | str):
        raise ValueError("a number is expected here (not a string, not true/false)")
    return value


def check_voice(value: str) -> str:
    """A voice setting in its canonical form; a ValueError listing the valid ids otherwise (a 422)."""
    try:
        return str(validate_voice(value))
    except UnknownVoiceException as exc:
        raise ValueError(exc.message) from exc


@dataclass(frozen=True, slots=True)
class CaptionOptions:
    """The caption look a user chose; ``videogen.media.captions.caption_style`` turns it into pixels."""

    position: CaptionPosition = CaptionPosition.BOTTOM
    size: CaptionSize = CaptionSize.MEDIUM
    outline: CaptionOutline = CaptionOutline.MEDIUM


class ProjectSettings(BaseModel):
    """How a project's video is rendered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    aspect_ratio: AspectRatio = Field(AspectRatio.LANDSCAPE, description="Frame shape: 16:9, 9:16 or 1:1.")
    resolution: Resolution = Field(Resolution.HD, description="Frame height class: 480p, 720p or 1080p.")
    fps: Literal[24, 25, 30] = Field(30, description="Frames per second: 24, 25 or 30.")
    image_provider: ImageProviderName = Field(
        ImageProviderName.LOCAL,
        description="Who draws the scene images: local (offline), stability or bedrock.",
    )
    style: str = Field(
        "",
        max_length=MAX_STYLE_CHARS,
        description="A visual style appended to every image prompt, e.g. 'watercolor, soft light'.",
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description="Seed for the image model; the same seed repeats the same images.",
    )
    voice: str = Field(
        DEFAULT_VOICE_SETTING,
        max_length=64,
        description=(
            "Who narrates: local (offline Piper voice), local:<voice>, polly, polly:<Voice>, or none for a "
            "video without narration."
        ),
    )
    captions: bool = Field(
        True,
        strict=True,
        description="Burn captions into the picture; false for a clean picture (the .srt/.vtt files are "
        "written either way).",
    )
    caption_position: CaptionPosition = Field(
        CaptionPosition.BOTTOM, description="Where burned-in captions sit: bottom, middle or top."
    )
    caption_size: CaptionSize = Field(
        CaptionSize.MEDIUM,
        description="Caption text size for the frame: small, medium or large; lines wrap to fit the frame.",
    )
    caption_outline: CaptionOutline = Field(
        CaptionOutline.MEDIUM,
        description=(
            "What keeps captions readable: an outline (none, thin, medium or thick), or box for a "
            "semi-transparent dark box behind the text, for busy pictures."
        ),
    )

    _seed_is_a_number = field_validator("seed", mode="before")(json_number)

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, value: str) -> str:
        return check_voice(value)

    def frame_size(self) -> tuple[int, int]:
        """The output frame (width, height) in pixels."""
        return FRAME_SIZES[(self.resolution, self.aspect_ratio)]

    def caption_options(self) -> CaptionOptions:
        """The caption look, as the assembler takes it."""
        return CaptionOptions(self.caption_position, self.caption_size, self.caption_outline)
