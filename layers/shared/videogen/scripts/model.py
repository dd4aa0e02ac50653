"""What a parsed script is, whatever format it came in."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from videogen.domain.enums import (
    AspectRatio,
    CaptionOutline,
    CaptionPosition,
    CaptionSize,
    ImageProviderName,
    Resolution,
    ScriptFormat,
    Transition,
)


class ScriptSettings(BaseModel):
    """Project settings a script may carry (front matter, JSON ``settings``); unset fields stay None."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    aspect_ratio: AspectRatio | None = None
    resolution: Resolution | None = None
    fps: int | None = None
    image_provider: ImageProviderName | None = None
    style: str | None = None
    seed: int | None = None
    voice: str | None = None
    music: str | None = None
    captions: bool | None = None
    caption_position: CaptionPosition | None = None
    caption_size: CaptionSize | None = None
    caption_outline: CaptionOutline | None = None


class SceneSpec(BaseModel):
    """One scene as the script describes it."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1, description="1-based position in the script.")
    title: str | None = Field(None, description="The scene heading, when the script gives one.")
    narration: str = Field("", description="What is said (and captioned) during the scene.")
    image_prompt: str = Field(description="The prompt its image is generated from.")
    image_prompt_explicit: bool = Field(False, description="True when the script wrote the prompt itself.")
    duration: float | None = Field(
        None, description="Seconds the scene lasts; None lets the narration decide."
    )
    transition: Transition = Field(Transition.FADE, description="How this scene hands over to the next.")
    line: int = Field(ge=1, description="Line of the script where the scene starts.")


class ParsedScript(BaseModel):
    """A script, read: its title, settings and scenes."""

    model_config = ConfigDict(frozen=True)

    format: ScriptFormat
    title: str | None = None
    settings: ScriptSettings = ScriptSettings()
    scenes: list[SceneSpec]
