"""Domain objects: what logic works with. Neither API shapes nor table items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from videogen.domain.enums import AssetKind, ProjectStatus, ScriptFormat, StopAfter, Transition
from videogen.domain.provenance import SceneFallback, SkippedProvider
from videogen.domain.settings import ProjectSettings


class RenderProgress(BaseModel):
    """How far the project's current render is, as the pipeline records it on the project."""

    model_config = ConfigDict(frozen=True)

    # queued (claimed), images (PrepareRender), storyboard (MakeStoryboard of a render that stops after its
    # images), assembling (PlanSegments on, and MakeStoryboard beside it)
    stage: str
    scenes_done: int  # scenes whose image is ready
    scenes_total: int
    fallbacks: tuple[SceneFallback, ...] = ()  # scenes whose image a fallback provider drew, by number


class RenderFailure(BaseModel):
    """Why the project's last render failed, as recorded on the project."""

    model_config = ConfigDict(frozen=True)

    code: str  # the error's stable code (the error catalogue's, or INTERNAL_ERROR)
    message: str
    render_id: str | None = None  # the render that failed


class PictureRef(BaseModel):
    """A scene's own picture as a script names it: the path, relative to the script's folder, and where the
    script wrote it (so a missing or unusable file is reported at its line and column)."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="The file, relative to the script's folder, with '/' between folders.")
    line: int = Field(ge=1, description="Line of the script where the picture is named.")
    column: int = Field(ge=1, description="Column of that line where the path starts.")
    text: str = Field("", description="The text of that line, for error messages.")


class SceneSpec(BaseModel):
    """One scene as a script describes it: what a new scene set is written from (the parsers make it,
    the data access stores it)."""

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
    picture: PictureRef | None = Field(
        None, description="The user's own picture for the scene, used instead of a generated image."
    )


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
    scene_set: str | None = None
    error: RenderFailure | None = None
    progress: RenderProgress | None = None
    render_count: int = 0
    render_id: str | None = None
    execution_arn: str | None = None
    outbox_prefix: str | None = None  # drop-folder projects: where results and errors are published
    render_started_at: datetime | None = None  # when the current render was claimed
    render_stop_after: StopAfter | None = None  # the current render stops early (None: a whole video)


@dataclass(frozen=True, slots=True)
class NewProject:
    """What a caller asks for when creating a project (validated already).

    ``settings`` holds only the settings the caller gave: they win over the script's own (front matter),
    which win over the defaults.
    """

    title: str | None
    script: str
    settings: dict[str, Any] = field(default_factory=dict)
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


@dataclass(frozen=True, slots=True)
class Scene:
    project_id: str
    number: int
    title: str | None
    narration: str
    image_prompt: str
    image_prompt_explicit: bool
    duration: float | None
    transition: Transition
    line: int
    image_stale: bool
    image_key: str | None
    version: int
    updated_at: datetime
    image_provider: str | None = None  # who drew the image at image_key
    image_model: str | None = None
    fallback: tuple[SkippedProvider, ...] = ()  # the providers passed over before image_provider
    picture_name: str | None = None  # the user's own picture, as the script or the upload named it
    picture_key: str | None = None  # that picture, checked and stored: it is the scene's image
    picture_sha256: str | None = None  # SHA-256 of the file as the user gave it

    @property
    def awaits_picture(self) -> bool:
        """The script names a picture for this scene that has not been attached yet."""
        return self.picture_name is not None and self.picture_key is None


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a list, and the cursor of the next page (None on the last)."""

    items: list[T]
    next_cursor: str | None


ProjectPage = Page[Project]
ScenePage = Page[Scene]


@dataclass(frozen=True, slots=True)
class SceneChanges:
    """A partial scene update; only the fields named in ``fields_set`` change (None may clear duration)."""

    fields_set: frozenset[str]
    narration: str | None = None
    image_prompt: str | None = None
    duration: float | None = None
    transition: Transition | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    project_id: str
    asset_id: str
    kind: AssetKind
    s3_key: str
    content_type: str
    size: int
    created_at: datetime
    scene_number: int | None = None
    render_id: str | None = None
    name: str | None = None  # an upload's original file name
    duration: float | None = None  # seconds, for audio and video


@dataclass(frozen=True, slots=True)
class Render:
    """One run of the render state machine for a project."""

    project_id: str
    render_id: str
    status: ProjectStatus
    execution_arn: str
