"""Domain objects: what logic works with. Neither API shapes nor table items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from videogen.domain.enums import ProjectStatus, ScriptFormat
from videogen.domain.settings import ProjectSettings


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    owner_id: str
    title: str
    settings: ProjectSettings
    status: ProjectStatus
    version: int
    created_at: datetime
    updated_at: datetime
    script: str | None = None  # None where only a summary was read (list pages)
    script_format: ScriptFormat = ScriptFormat.MARKDOWN
    scene_count: int = 0
    error: dict[str, Any] | None = None
    progress: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ProjectPage:
    items: list[Project]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class NewProject:
    """What a caller asks for when creating a project (validated already)."""

    title: str
    script: str
    settings: ProjectSettings
    script_format: ScriptFormat = ScriptFormat.MARKDOWN


@dataclass(frozen=True, slots=True)
class ProjectChanges:
    """A partial update; None means unchanged. ``settings`` holds only the fields to change."""

    title: str | None = None
    script: str | None = None
    script_format: ScriptFormat | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return self.title is None and self.script is None and self.script_format is None and not self.settings
