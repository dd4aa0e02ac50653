"""Reading a script without storing it: what a project made from it would hold, or why it cannot be made.

The console's editor asks on every pause in typing, so this does what creating a project does up to the
first write (parse, merge the settings) and nothing after it: no table, no bucket, no provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from videogen.domain.enums import ScriptFormat
from videogen.domain.models import SceneSpec
from videogen.domain.settings import ProjectSettings
from videogen.domain.voices import NONE as NO_VOICE
from videogen.exceptions import ScriptParsingException
from videogen.logic.projects import settings_from
from videogen.scripts.parser import parse_script


@dataclass(frozen=True, slots=True)
class ScriptCheck:
    """A script, read: its scenes with their estimated lengths and the settings a project would get; or,
    when it cannot be read, the problem (line, column, hint and reason in its details)."""

    script_format: ScriptFormat
    title: str | None = None
    scenes: list[SceneSpec] = field(default_factory=list)
    scene_seconds: list[float] = field(default_factory=list)
    settings: ProjectSettings | None = None
    problem: ScriptParsingException | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


def check_script(script: str, script_format: ScriptFormat, settings: Mapping[str, Any]) -> ScriptCheck:
    """Parse ``script`` as creating a project would, with ``settings`` over the script's own, and store
    nothing. A script that cannot be read is an answer here, not an error."""
    # The timeline's 10 ms of cold start only when a script is checked (see logic.estimate).
    from videogen.media.timeline import estimated_scene_seconds  # noqa: PLC0415

    try:
        parsed = parse_script(script, script_format)
        merged = settings_from(parsed, {}, dict(settings))
    except ScriptParsingException as exc:
        return ScriptCheck(script_format=script_format, problem=exc)
    voiced = merged.voice != NO_VOICE
    return ScriptCheck(
        script_format=parsed.format,
        title=parsed.title,
        scenes=list(parsed.scenes),
        scene_seconds=[
            estimated_scene_seconds(scene.narration, scene.duration, voiced=voiced) for scene in parsed.scenes
        ],
        settings=merged,
    )
