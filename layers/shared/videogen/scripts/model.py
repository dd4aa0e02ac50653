"""What a parsed script is, whatever format it came in."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from videogen.domain.enums import ScriptFormat, Transition
from videogen.domain.limits import MAX_STYLE_CHARS
from videogen.domain.settings import checked_type, optional_settings


class ScriptOnlySettings(BaseModel):
    """What a script may set that a project does not hold: the music track it names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: A track key: a name, as short as a style.
    music: str | None = Field(None, max_length=MAX_STYLE_CHARS)


def _script_setting(field: FieldInfo) -> tuple[Any, Any]:
    return checked_type(field), Field(None, description=field.description)


ScriptSettings = create_model(
    "ScriptSettings",
    __doc__="Project settings a script may carry (front matter, JSON ``settings``); unset fields stay None.",
    __base__=ScriptOnlySettings,
    **optional_settings(_script_setting),
)


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
