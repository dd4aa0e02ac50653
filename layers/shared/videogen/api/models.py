"""API input and output shapes. Input models have no server-owned fields: mass assignment is impossible."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from videogen.domain.enums import (
    AspectRatio,
    AssetKind,
    ImageProviderName,
    ProjectStatus,
    Resolution,
    ScriptFormat,
    Transition,
)
from videogen.domain.limits import (
    MAX_IMAGE_PROMPT_CHARS,
    MAX_NARRATION_CHARS,
    MAX_SCENE_SECONDS,
    MAX_SCRIPT_BYTES,
    MAX_SEED,
    MAX_STYLE_CHARS,
    MAX_TITLE_CHARS,
    MIN_SCENE_SECONDS,
)
from videogen.domain.models import Project, Scene
from videogen.domain.settings import ProjectSettings, check_voice
from videogen.exceptions import PayloadTooLargeException

TITLE_FIELD = Field(
    min_length=1,
    max_length=MAX_TITLE_CHARS,
    description=f"The project's title, 1 to {MAX_TITLE_CHARS} characters.",
    examples=["The lighthouse keeper"],
)
SCRIPT_DESCRIPTION = (
    f"The script, at most {MAX_SCRIPT_BYTES // 1024} KB of UTF-8 (larger is refused with 413). "
    "Markdown by default: '## Heading' starts a scene."
)


def _check_script(value: str) -> str:
    if len(value.encode("utf-8")) > MAX_SCRIPT_BYTES:
        # Not a ValueError: pydantic lets other exceptions through, and this one maps to 413.
        raise PayloadTooLargeException(
            f"The script is larger than {MAX_SCRIPT_BYTES // 1024} KB; split it into several projects.",
            {"field": "script", "limit_bytes": MAX_SCRIPT_BYTES, "size_bytes": len(value.encode("utf-8"))},
        )
    if not value.strip():
        raise ValueError("the script is empty: write at least one scene")
    return value


class ProjectSettingsPatch(BaseModel):
    """Settings to change; omitted fields keep their value."""

    model_config = ConfigDict(extra="forbid")

    aspect_ratio: AspectRatio | None = Field(None, description="Frame shape: 16:9, 9:16 or 1:1.")
    resolution: Resolution | None = Field(None, description="Frame height class: 480p, 720p or 1080p.")
    fps: Literal[24, 25, 30] | None = Field(None, description="Frames per second: 24, 25 or 30.")
    image_provider: ImageProviderName | None = Field(
        None, description="Who draws the scene images: local, stability or bedrock."
    )
    style: str | None = Field(None, max_length=MAX_STYLE_CHARS, description="Visual style for every image.")
    seed: int | None = Field(None, ge=0, le=MAX_SEED, description="Seed for the image model.")
    voice: str | None = Field(
        None, max_length=64, description="Who narrates: local, local:<voice>, polly, polly:<Voice> or none."
    )

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, value: str | None) -> str | None:
        return None if value is None else check_voice(value)


class ProjectCreateRequest(BaseModel):
    """A new project: a title, a script and optional settings."""

    model_config = ConfigDict(extra="forbid")

    title: str = TITLE_FIELD
    script: str = Field(description=SCRIPT_DESCRIPTION, examples=["## Dawn\nThe sea wakes up."])
    script_format: ScriptFormat = Field(
        ScriptFormat.MARKDOWN, description="How the script is written: md, txt, fountain or json."
    )
    settings: ProjectSettings = Field(
        default_factory=ProjectSettings, description="How the video is rendered; every field has a default."
    )

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the title is blank")
        return value.strip()

    _script = field_validator("script")(_check_script)


class ProjectUpdateRequest(BaseModel):
    """A partial update: send only what changes."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=MAX_TITLE_CHARS, description="A new title.")
    script: str | None = Field(None, description=SCRIPT_DESCRIPTION)
    script_format: ScriptFormat | None = Field(None, description="How the new script is written.")
    settings: ProjectSettingsPatch | None = Field(None, description="Settings to change.")

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the title is blank")
        return value.strip() if value is not None else None

    @field_validator("script")
    @classmethod
    def _script_ok(cls, value: str | None) -> str | None:
        return None if value is None else _check_script(value)


class ProjectError(BaseModel):
    code: str = Field(description="Stable error code of the last failure.")
    message: str = Field(description="What went wrong, for a person.")


class ProjectProgress(BaseModel):
    stage: str = Field(description="The render stage in progress.")
    scenes_done: int = Field(description="Scenes whose image is ready.")
    scenes_total: int = Field(description="Scenes in the render.")


class ProjectSummary(BaseModel):
    """A project as list pages show it (without its script)."""

    id: str = Field(description="The project id (32 hex characters).")
    title: str = Field(description="The project's title.")
    status: ProjectStatus = Field(description="DRAFT, QUEUED, RENDERING, COMPLETED or FAILED.")
    settings: ProjectSettings = Field(description="How the video is rendered.")
    script_format: ScriptFormat = Field(description="How the script is written.")
    scene_count: int = Field(description="Scenes in the current script.")
    version: int = Field(description="Increases with every change; send it back as If-Match.")
    created_at: datetime = Field(description="When the project was created (UTC).")
    updated_at: datetime = Field(description="When the project last changed (UTC).")

    @classmethod
    def from_domain(cls, project: Project) -> ProjectSummary:
        return cls(
            id=project.id,
            title=project.title,
            status=project.status,
            settings=project.settings,
            script_format=project.script_format,
            scene_count=project.scene_count,
            version=project.version,
            created_at=project.created_at,
            updated_at=project.updated_at,
        )


class ProjectResponse(ProjectSummary):
    """A whole project."""

    script: str = Field(description="The script.")
    error: ProjectError | None = Field(None, description="Why the last render failed, if it did.")
    progress: ProjectProgress | None = Field(None, description="How far the running render is.")

    @classmethod
    def from_domain(cls, project: Project) -> ProjectResponse:
        summary = ProjectSummary.from_domain(project).model_dump()
        return cls(
            **summary,
            script=project.script or "",
            error=ProjectError.model_validate(project.error) if project.error else None,
            progress=ProjectProgress.model_validate(project.progress) if project.progress else None,
        )


class ProjectListResponse(BaseModel):
    """One page of projects, newest first."""

    items: list[ProjectSummary] = Field(description="The projects on this page.")
    next_cursor: str | None = Field(
        None, description="Pass as ?cursor= to get the next page; absent on the last page."
    )


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable error code.", examples=["RESOURCE_NOT_FOUND"])
    message: str = Field(description="What went wrong and what to do, for a person.")
    details: dict[str, Any] = Field(description="Structured context: the field, the limit, the line.")
    request_id: str = Field(description="Quote it when asking for help; the logs are keyed by it.")


class ErrorResponse(BaseModel):
    """The envelope of every error response."""

    error: ErrorBody = Field(description="The error.")


class DependencyState(BaseModel):
    status: Literal["ok", "error"] = Field(description="Whether the dependency answered.")
    detail: str | None = Field(None, description="Why not, when it did not.")


class HealthResponse(BaseModel):
    """The state of the service and of each dependency."""

    status: Literal["ok", "degraded"] = Field(description="ok when every dependency answered.")
    version: str = Field(description="The videogen version serving this request.")
    dependencies: dict[str, DependencyState] = Field(description="Each dependency by name.")


class SceneResponse(BaseModel):
    """One scene of a project's current script."""

    number: int = Field(description="1-based position in the video.")
    title: str | None = Field(None, description="The scene heading, when the script gives one.")
    narration: str = Field(description="What is said and captioned during the scene.")
    image_prompt: str = Field(description="The prompt the scene's image is generated from.")
    image_prompt_explicit: bool = Field(description="True when the prompt was written, not derived.")
    duration: float | None = Field(
        None, description="Seconds the scene lasts; null lets the narration decide."
    )
    transition: Transition = Field(description="How this scene hands over to the next.")
    line: int = Field(description="Line of the script where the scene starts.")
    image_stale: bool = Field(description="True when the next render must (re)generate this scene's image.")
    version: int = Field(description="Increases with every change; send it back as If-Match.")
    updated_at: datetime = Field(description="When the scene last changed (UTC).")

    @classmethod
    def from_domain(cls, scene: Scene) -> SceneResponse:
        return cls(
            number=scene.number,
            title=scene.title,
            narration=scene.narration,
            image_prompt=scene.image_prompt,
            image_prompt_explicit=scene.image_prompt_explicit,
            duration=scene.duration,
            transition=scene.transition,
            line=scene.line,
            image_stale=scene.image_stale,
            version=scene.version,
            updated_at=scene.updated_at,
        )


class SceneListResponse(BaseModel):
    """One page of scenes, in order."""

    items: list[SceneResponse] = Field(description="The scenes on this page.")
    next_cursor: str | None = Field(
        None, description="Pass as ?cursor= for the next page; absent on the last."
    )


class SceneUpdateRequest(BaseModel):
    """Changes to one scene; send only what changes. The scene's image is regenerated at the next render."""

    model_config = ConfigDict(extra="forbid")

    narration: str | None = Field(
        None,
        max_length=MAX_NARRATION_CHARS,
        description=f"New narration, at most {MAX_NARRATION_CHARS} chars.",
    )
    image_prompt: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_IMAGE_PROMPT_CHARS,
        description="A new image prompt; it becomes explicit (no longer derived from the narration).",
    )
    duration: float | None = Field(
        None,
        ge=MIN_SCENE_SECONDS,
        le=MAX_SCENE_SECONDS,
        description=f"Seconds, {MIN_SCENE_SECONDS:g} to {MAX_SCENE_SECONDS:g}; null: the narration decides.",
    )
    transition: Transition | None = Field(None, description="How this scene hands over to the next.")

    @field_validator("image_prompt")
    @classmethod
    def _prompt_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the image prompt is blank")
        return value.strip() if value is not None else None

    @field_validator("transition")
    @classmethod
    def _transition_not_null(cls, value: Transition | None) -> Transition | None:
        if value is None:
            raise ValueError(
                "a transition cannot be null: choose one of " + ", ".join(t.value for t in Transition)
            )
        return value


class AssetResponse(BaseModel):
    """A file the project produced."""

    id: str = Field(description="The asset id, stable across renders (e.g. video, scene-0003-image).")
    kind: AssetKind = Field(description="What the file is.")
    content_type: str = Field(description="Its MIME type.")
    size: int = Field(description="Its size in bytes.")
    scene_number: int | None = Field(None, description="The scene it belongs to, for per-scene files.")
    created_at: datetime = Field(description="When it was produced (UTC).")
    download_url: str = Field(description="A presigned URL, valid for at most 15 minutes.")
    expires_in: int = Field(description="Seconds the download URL stays valid.")


class AssetListResponse(BaseModel):
    """Everything the project has produced."""

    items: list[AssetResponse] = Field(description="The assets, by id.")


class RenderResponse(BaseModel):
    """A render that was queued."""

    id: str = Field(description="The render number of this project, e.g. 000003.")
    project_id: str = Field(description="The project being rendered.")
    status: ProjectStatus = Field(
        description="QUEUED when accepted; follow the project's status and progress."
    )
    execution_arn: str = Field(description="The Step Functions execution running it.")
