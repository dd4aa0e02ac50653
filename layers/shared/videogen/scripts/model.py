"""What a parsed script is, whatever format it came in."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from videogen.domain.enums import ScriptFormat
from videogen.domain.limits import MAX_STYLE_CHARS
from videogen.domain.models import SceneSpec
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


class ParsedScript(BaseModel):
    """A script, read: its title, settings and scenes."""

    model_config = ConfigDict(frozen=True)

    format: ScriptFormat
    title: str | None = None
    settings: ScriptSettings = ScriptSettings()
    scenes: list[SceneSpec]
