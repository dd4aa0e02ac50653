"""API input and output shapes. Input models have no server-owned fields: mass assignment is impossible."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
)
from pydantic.fields import FieldInfo

from videogen.domain import layout
from videogen.domain.enums import (
    AssetKind,
    ProjectStatus,
    ScriptFormat,
    StopAfter,
    Transition,
)
from videogen.domain.events import RenderEventType
from videogen.domain.limits import (
    AUDIO_TYPE_PATTERN,
    MAX_IMAGE_PROMPT_CHARS,
    MAX_MUSIC_BYTES,
    MAX_NARRATION_CHARS,
    MAX_PICTURE_BYTES,
    MAX_SCENE_SECONDS,
    MAX_SCRIPT_BYTES,
    MAX_TITLE_CHARS,
    MIN_SCENE_SECONDS,
    PICTURE_CONTENT_TYPES,
)
from videogen.domain.models import Project, RenderFailure, RenderProgress, Scene
from videogen.domain.provenance import SceneFallback, SkippedProvider
from videogen.domain.settings import (
    ProjectSettings,
    agreeing_providers,
    checked_type,
    is_nullable,
    json_number,
    optional_settings,
)
from videogen.domain.webhooks import MAX_WEBHOOK_URL_LENGTH, DeliveryStatus
from videogen.exceptions import PayloadTooLargeException

# "Not blank": at least one character that is not white space, where white space is what Python's
# str.isspace() and JSON Schema's (ECMA-262) \s call so (they differ: U+001C-U+001F, U+0085, U+FEFF). The
# validators and the document use this one pattern, so blank means the same to both; the validators refuse
# a blank value with a clearer message than a pattern mismatch would give.
NOT_BLANK = r"[^\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_VISIBLE = re.compile(NOT_BLANK)


def is_blank(value: str) -> bool:
    return _VISIBLE.search(value) is None


def patch_field(**schema: Any) -> Callable[[dict[str, Any]], None]:
    """json_schema_extra of a PATCH field that may be omitted (to keep the value) but not sent as null.

    In Python the field is ``T | None`` (None: not sent) and ``_refuse_null`` refuses an explicit null;
    this makes the document say the same: no null branch, no null default.
    """

    def shape(field_schema: dict[str, Any]) -> None:
        field_schema.pop("default", None)
        branches = [branch for branch in field_schema.pop("anyOf", []) if branch != {"type": "null"}]
        if len(branches) == 1:
            field_schema.update(branches[0])
        elif branches:
            field_schema["anyOf"] = branches
        field_schema.update(schema)

    return shape


def _not_blank(what: str) -> Callable[[Any], Any]:
    """A validator that refuses a blank text (naming ``what``) and strips the others; None passes."""

    def check(value: Any) -> Any:
        if value is None:
            return None
        if is_blank(value):
            raise ValueError(f"the {what} is blank")
        return value.strip()

    return check


def _refuse_null(value: Any) -> Any:
    # Runs only for a value that was sent (defaults are not validated): an explicit null.
    if value is None:
        raise ValueError("null is not a value here: leave the field out to keep what is stored")
    return value


TITLE_FIELD = Field(
    min_length=1,
    max_length=MAX_TITLE_CHARS,
    description=f"The project's title, 1 to {MAX_TITLE_CHARS} characters.",
    examples=["The lighthouse keeper"],
    json_schema_extra={"pattern": NOT_BLANK},
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
    if is_blank(value):
        raise ValueError("the script is empty: write at least one scene")
    return value


def _patch_setting(field: FieldInfo) -> tuple[Any, Any]:
    # A setting ProjectSettings can hold as None (the seed) may be sent as null, to set it back.
    if is_nullable(field):
        return checked_type(field), Field(None, description=field.description)
    not_null = AfterValidator(_refuse_null)
    # The setting's own schema keywords (image_providers' uniqueItems) hold for a patch of it too.
    own = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return Annotated[checked_type(field), not_null], Field(
        None, description=field.description, json_schema_extra=patch_field(**own)
    )


class _SettingsPatch(BaseModel):
    """What every settings patch checks beyond its fields: the two spellings of the providers agree."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    _providers_agree = field_validator("image_providers", check_fields=False)(agreeing_providers)


ProjectSettingsPatch = create_model(
    "ProjectSettingsPatch",
    __doc__=(
        "Settings to change; omitted fields keep their value. Only the seed can be set back to null. "
        "image_provider or image_providers replaces both (image_provider is the list's first)."
    ),
    __base__=_SettingsPatch,
    **optional_settings(_patch_setting),
)


class ProjectCreateRequest(BaseModel):
    """A new project: a title, a script and optional settings."""

    model_config = ConfigDict(extra="forbid")

    title: str = TITLE_FIELD
    script: str = Field(
        description=SCRIPT_DESCRIPTION,
        examples=["## Dawn\nThe sea wakes up."],
        json_schema_extra={"pattern": NOT_BLANK},
    )
    script_format: ScriptFormat = Field(
        ScriptFormat.MARKDOWN, description="How the script is written: md, txt, fountain or json."
    )
    settings: ProjectSettings = Field(
        default_factory=ProjectSettings, description="How the video is rendered; every field has a default."
    )

    _title = field_validator("title")(_not_blank("title"))
    _script = field_validator("script")(_check_script)


class ProjectUpdateRequest(BaseModel):
    """A partial update: send only what changes (at least one field; none of them null)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    title: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_TITLE_CHARS,
        description="A new title.",
        json_schema_extra=patch_field(pattern=NOT_BLANK),
    )
    script: str | None = Field(
        None, description=SCRIPT_DESCRIPTION, json_schema_extra=patch_field(pattern=NOT_BLANK)
    )
    script_format: ScriptFormat | None = Field(
        None, description="How the new script is written.", json_schema_extra=patch_field()
    )
    settings: ProjectSettingsPatch | None = Field(
        None, description="Settings to change.", json_schema_extra=patch_field()
    )

    _not_null = field_validator("title", "script", "script_format", "settings")(_refuse_null)

    @field_validator("settings")
    @classmethod
    def _settings_not_empty(cls, value: ProjectSettingsPatch | None) -> ProjectSettingsPatch | None:
        if value is not None and not value.model_fields_set:
            raise ValueError("no setting to change: name at least one, or leave settings out")
        return value

    _title = field_validator("title")(_not_blank("title"))

    @field_validator("script")
    @classmethod
    def _script_ok(cls, value: str | None) -> str | None:
        return None if value is None else _check_script(value)


class ProjectError(BaseModel):
    code: str = Field(description="Stable error code of the last failure.")
    message: str = Field(description="What went wrong, for a person.")

    @classmethod
    def from_domain(cls, failure: RenderFailure) -> ProjectError:
        return cls(code=failure.code, message=failure.message)


class ProjectProgress(BaseModel):
    stage: str = Field(description="The render stage in progress.")
    scenes_done: int = Field(description="Scenes whose image is ready.")
    scenes_total: int = Field(description="Scenes in the render.")
    fallbacks: list[SceneFallback] = Field(
        default_factory=list,
        description="Scenes of this render whose image a later provider of image_providers drew, and why.",
    )

    @classmethod
    def from_domain(cls, progress: RenderProgress) -> ProjectProgress:
        return cls(
            stage=progress.stage,
            scenes_done=progress.scenes_done,
            scenes_total=progress.scenes_total,
            fallbacks=list(progress.fallbacks),
        )


class ProjectRender(BaseModel):
    """The project's latest render: its number, where it stops, and the render-level files it makes."""

    id: str = Field(description="The render number of this project, e.g. 000003.")
    stop_after: StopAfter | None = Field(
        None,
        description="images: the render makes the stills and the storyboard, and no video; null: a video.",
    )
    outputs: list[str] = Field(
        description=(
            "Asset ids of the render-level files this render makes (besides each scene's image and "
            "thumbnail): storyboard, manifest, and video, subtitles-srt, subtitles-vtt, thumbnail when it "
            "assembles."
        )
    )

    @classmethod
    def from_domain(cls, project: Project) -> ProjectRender | None:
        if not project.render_id:
            return None
        outputs = [output.asset_id for output in layout.outputs_of(project.render_stop_after)]
        return cls(id=project.render_id, stop_after=project.render_stop_after, outputs=outputs)


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
    render: ProjectRender | None = Field(
        None, description="The latest render (queued, running or ended); null before the first."
    )

    @classmethod
    def from_domain(cls, project: Project) -> ProjectResponse:
        summary = ProjectSummary.from_domain(project).model_dump()
        return cls(
            **summary,
            script=project.script or "",
            error=ProjectError.from_domain(project.error) if project.error else None,
            progress=ProjectProgress.from_domain(project.progress) if project.progress else None,
            render=ProjectRender.from_domain(project),
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


class VersionsInfo(BaseModel):
    """What is serving this request."""

    videogen: str = Field(description="The videogen version.", examples=["0.1.0"])
    python: str = Field(description="The Python version of the runtime.", examples=["3.13.0"])
    powertools: str = Field(description="The Powertools for AWS Lambda version.", examples=["3.37.0"])


class HealthStatus(BaseModel):
    """Whether the service can work right now (what an unauthenticated caller is told)."""

    status: Literal["ok", "degraded"] = Field(description="ok when every dependency answered.")


class HealthResponse(BaseModel):
    """The state of the service and of each dependency, and the versions serving it."""

    status: Literal["ok", "degraded"] = Field(description="ok when every dependency answered.")
    version: str = Field(description="The videogen version serving this request.")
    versions: VersionsInfo = Field(description="Versions of videogen, Python and Powertools.")
    dependencies: dict[str, DependencyState] = Field(
        description="Each dependency by name: dynamodb (the table), s3 (the media bucket), stepfunctions "
        "(the render state machine)."
    )


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
    image_provider: str | None = Field(
        None, description="Who drew the scene's last image: local, stability or bedrock (null: none yet)."
    )
    image_model: str | None = Field(None, description="The model that drew it.")
    fallback: list[SkippedProvider] = Field(
        default_factory=list,
        description="The providers of image_providers tried before image_provider and passed over, in "
        "order, with why (empty: the first provider drew it).",
    )
    picture_name: str | None = Field(
        None,
        description=(
            "The user's own picture the scene shows instead of a generated image: the file the script "
            "named or the upload's name (null: the image is generated from image_prompt)."
        ),
    )
    picture_sha256: str | None = Field(
        None,
        description=(
            "SHA-256 of that picture as given, once it is checked and attached (null with a picture_name: "
            "the script names a picture not uploaded yet, and renders wait for it)."
        ),
    )
    version: int = Field(description="Increases with every change; send it back as If-Match.")
    updated_at: datetime = Field(description="When the scene last changed (UTC).")

    @classmethod
    def from_domain(cls, scene: Scene) -> SceneResponse:
        # Every field has the Scene attribute's name; the scene's storage details (image_key, picture_key)
        # stay out.
        return cls.model_validate(scene, from_attributes=True)


class SceneListResponse(BaseModel):
    """One page of scenes, in order."""

    items: list[SceneResponse] = Field(description="The scenes on this page.")
    next_cursor: str | None = Field(
        None, description="Pass as ?cursor= for the next page; absent on the last."
    )


class SceneUpdateRequest(BaseModel):
    """Changes to one scene; send only what changes. The scene's image is regenerated at the next render."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

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
        json_schema_extra=patch_field(pattern=NOT_BLANK),
    )
    duration: float | None = Field(
        None,
        ge=MIN_SCENE_SECONDS,
        le=MAX_SCENE_SECONDS,
        description=f"Seconds, {MIN_SCENE_SECONDS:g} to {MAX_SCENE_SECONDS:g}; null: the narration decides.",
    )
    transition: Transition | None = Field(
        None, description="How this scene hands over to the next.", json_schema_extra=patch_field()
    )

    _not_null = field_validator("image_prompt")(_refuse_null)
    _duration_is_a_number = field_validator("duration", mode="before")(json_number)

    _prompt = field_validator("image_prompt")(_not_blank("image prompt"))

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
    filename: str | None = Field(
        None, description="For an upload (the music): the name it was uploaded with."
    )
    duration: float | None = Field(None, description="For audio and video uploads: the length in seconds.")
    render_id: str | None = Field(
        None,
        description=(
            "The render that produced it (an upload: null). A render that stopped after its images leaves "
            "an earlier render's video listed, under that render's number."
        ),
    )
    created_at: datetime = Field(description="When it was produced (UTC).")
    download_url: str = Field(description="A presigned URL, valid for at most 15 minutes.")
    expires_in: int = Field(description="Seconds the download URL stays valid.")


class _FileUploadRequest(BaseModel):
    """A file the caller is about to upload: its name (kept for display), type and size."""

    model_config = ConfigDict(extra="forbid")

    #: What to call a file whose name has nothing printable left.
    _unnamed: ClassVar[str] = "file"

    filename: str = Field(
        min_length=1,
        max_length=255,
        description="The file's name on your machine, kept for display (e.g. theme.mp3).",
        json_schema_extra={"pattern": NOT_BLANK},
    )

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if is_blank(value):
            raise ValueError("the file name is blank")
        # Only shown back to the caller: folders, control characters and lone surrogates are dropped
        # rather than refused.
        name = value.replace("\\", "/").rsplit("/", 1)[-1]
        name = "".join(c for c in name if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF).strip()
        return name or cls._unnamed


class MusicUploadRequest(_FileUploadRequest):
    """A music file the caller is about to upload: its name, type and size, checked before any byte moves."""

    _unnamed: ClassVar[str] = "music"

    # The pattern and the maximum are checked by logic, which answers 422 INVALID_MUSIC with a message
    # about music (not a generic pattern mismatch); the document states the same rules.
    content_type: str = Field(
        min_length=1,
        max_length=100,
        description="Its audio media type: audio/mpeg, audio/mp4, audio/wav, audio/flac, audio/ogg, ...",
        json_schema_extra={"pattern": AUDIO_TYPE_PATTERN},
    )
    size: int = Field(
        ge=1,
        description=f"Its size in bytes; over {MAX_MUSIC_BYTES // 2**20} MB is refused (422 INVALID_MUSIC).",
        json_schema_extra={"maximum": MAX_MUSIC_BYTES},
    )

    _size_is_a_number = field_validator("size", mode="before")(json_number)


class PictureUploadRequest(_FileUploadRequest):
    """A scene picture the caller is about to upload: its name, type and size, checked before any byte
    moves."""

    _unnamed: ClassVar[str] = "picture"

    # Checked by logic, which answers 422 INVALID_PICTURE with a message about pictures; the document
    # states the same rules.
    content_type: str = Field(
        min_length=1,
        max_length=100,
        description="Its media type: image/jpeg, image/png or image/webp.",
        json_schema_extra={"enum": list(PICTURE_CONTENT_TYPES)},
    )
    size: int = Field(
        ge=1,
        description=(
            f"Its size in bytes; over {MAX_PICTURE_BYTES // 2**20} MB is refused (422 INVALID_PICTURE)."
        ),
        json_schema_extra={"maximum": MAX_PICTURE_BYTES},
    )

    _size_is_a_number = field_validator("size", mode="before")(json_number)


class MusicUploadResponse(BaseModel):
    """Where to upload the file: an HTML-form POST of ``fields`` and then the file, to ``url``."""

    upload_id: str = Field(description="Send it to PUT /projects/{id}/music once the upload has finished.")
    url: str = Field(description="POST the form here (multipart/form-data).")
    fields: dict[str, str] = Field(
        description="Form fields to send as they are, before the file field (named 'file')."
    )
    expires_in: int = Field(description="Seconds the upload form stays valid (at most 15 minutes).")
    max_bytes: int = Field(description="The largest file the upload accepts.")


class PictureUploadResponse(MusicUploadResponse):
    """Where to upload the picture: an HTML-form POST of ``fields`` and then the file, to ``url``."""

    upload_id: str = Field(
        description="Send it to PUT /projects/{id}/scenes/{n}/picture once the upload has finished."
    )


class PictureAttachRequest(BaseModel):
    """Use an uploaded file as a scene's picture."""

    model_config = ConfigDict(extra="forbid")

    upload_id: str = Field(
        pattern=r"^[0-9a-f]{32}$",
        description="The upload_id from POST /projects/{id}/scenes/{n}/picture/uploads.",
    )


class MusicAttachRequest(BaseModel):
    """Use an uploaded file as the project's background music."""

    model_config = ConfigDict(extra="forbid")

    upload_id: str = Field(
        pattern=r"^[0-9a-f]{32}$", description="The upload_id from POST /projects/{id}/music/uploads."
    )


class MusicResponse(BaseModel):
    """The project's background music: looped or trimmed to the video, ducked under the narration."""

    id: str = Field(description="Always 'music': a project has at most one track.")
    filename: str | None = Field(None, description="The name the file was uploaded with.")
    content_type: str = Field(description="Its media type.")
    size: int = Field(description="Its size in bytes.")
    duration: float = Field(description="Its length in seconds, as ffmpeg decoded it.")
    created_at: datetime = Field(description="When it was attached (UTC).")
    download_url: str = Field(description="A presigned URL, valid for at most 15 minutes.")
    expires_in: int = Field(description="Seconds the download URL stays valid.")


class AssetListResponse(BaseModel):
    """Everything the project has produced."""

    items: list[AssetResponse] = Field(description="The assets, by id.")


class RenderRequest(BaseModel):
    """How far to render; send no body (or {}) for a whole video."""

    model_config = ConfigDict(extra="forbid")

    stop_after: StopAfter | None = Field(
        None,
        description=(
            "images: make the scene stills, their thumbnails and the storyboard (storyboard.jpg), then stop "
            "(COMPLETED, no video), to approve the pictures before paying for assembly; a later whole "
            "render reuses the stills. Omitted or null: the whole video."
        ),
    )


class RenderResponse(BaseModel):
    """A render that was queued."""

    id: str = Field(description="The render number of this project, e.g. 000003.")
    project_id: str = Field(description="The project being rendered.")
    status: ProjectStatus = Field(
        description="QUEUED when accepted; follow the project's status and progress."
    )
    execution_arn: str = Field(description="The Step Functions execution running it.")


class FunctionUseResponse(BaseModel):
    """One Lambda function's share of a render, as modelled."""

    function: str = Field(description="The render step's function, e.g. RenderSegment.")
    invocations: int = Field(description="Times the render invokes it.")
    seconds: float = Field(description="Modelled Lambda seconds of all its invocations together.")
    memory_mb: int = Field(description="Its memory size in MB.")
    gb_seconds: float = Field(description="Billed GB-seconds: seconds times memory in GB.")


class CostItemResponse(BaseModel):
    """One line of the estimated bill."""

    item: str = Field(description="What is paid for, e.g. 'images (stability)' or 'Step Functions'.")
    quantity: float = Field(description="How many units the render uses.")
    unit: str = Field(description="The unit priced: image, character, GB-second, request, state transition.")
    unit_usd: float = Field(description="The list price of one unit in US dollars.")
    usd: float = Field(description="quantity times unit_usd, in US dollars.")


class RenderPlanResponse(BaseModel):
    """What a render of the project would do now."""

    stop_after: StopAfter | None = Field(
        None, description="images: the render stops after its stills and storyboard (nothing assembled)."
    )
    scenes: int = Field(description="Scenes rendered.")
    images_to_generate: int = Field(description="Scene images the provider must draw (and is paid for).")
    images_cached: int = Field(description="Scene images already stored from an earlier render: reused.")
    image_provider: str = Field(description="Who draws the images: local, stability or bedrock.")
    voice_provider: str = Field(description="Who narrates: none, local or polly.")
    narration_seconds: float = Field(description="Estimated seconds of narration (reading speed).")
    narration_characters: int = Field(description="Characters sent to the voice.")
    video_seconds: float = Field(description="Estimated length of the video in seconds.")
    width: int = Field(description="Frame width in pixels.")
    height: int = Field(description="Frame height in pixels.")
    segments: int = Field(description="Segments the video is cut into, each rendered by its own invocation.")
    segments_reused: int = Field(
        description=(
            "Segments reused from an earlier render (0: every segment is priced as rendered, an upper bound)."
        )
    )
    state_transitions: int = Field(description="Step Functions state transitions of a successful render.")
    states: dict[str, int] = Field(description="Times each state of the state machine is entered.")
    functions: list[FunctionUseResponse] = Field(description="Lambda use per function.")
    gb_seconds: float = Field(description="Lambda GB-seconds of all functions together.")
    s3_put_requests: int = Field(description="S3 PUT-class requests.")
    s3_get_requests: int = Field(description="S3 GET-class requests (HEAD included).")


class RenderEstimateResponse(BaseModel):
    """The plan and price of a render, answered by a dry run: nothing was started."""

    project_id: str = Field(description="The project that would be rendered.")
    plan: RenderPlanResponse = Field(description="What the render would do.")
    items: list[CostItemResponse] = Field(description="The estimated bill, item by item.")
    total_usd: float = Field(description="The estimated price in US dollars: the sum of the items.")
    currency: Literal["USD"] = Field("USD", description="The currency of every price here.")


# ---------------------------------------------------------------- webhooks


class WebhookCreateRequest(BaseModel):
    """A URL to receive render events, and which ones."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        max_length=MAX_WEBHOOK_URL_LENGTH,
        description=(
            "Where events are POSTed: https, at most 2048 characters, no credentials in it, a public "
            "address (checked again at every delivery). Locally, http and loopback work too."
        ),
    )
    events: list[RenderEventType] = Field(
        min_length=1, max_length=len(RenderEventType), description="The event types to receive."
    )


class WebhookResponse(BaseModel):
    """A registered webhook (its secret is shown only when it is created)."""

    id: str = Field(description="The webhook's id, e.g. wh_4f1c...")
    url: str = Field(description="Where its events are POSTed.")
    events: list[RenderEventType] = Field(description="The event types it receives.")
    created_at: datetime = Field(description="When it was registered (UTC).")


class WebhookCreatedResponse(WebhookResponse):
    """A new webhook with its signing secret: store it now, it is never shown again."""

    secret: str = Field(
        description=(
            "Verifies the Videogen-Signature header of every delivery (HMAC-SHA256; see the README). "
            "Shown only in this answer."
        )
    )


class WebhookListResponse(BaseModel):
    """The caller's webhooks, oldest first (at most 10)."""

    items: list[WebhookResponse] = Field(description="The webhooks.")


class DeliveryAttemptResponse(BaseModel):
    """One POST to the receiver."""

    at: datetime = Field(description="When it was sent (UTC).")
    status_code: int | None = Field(description="What the receiver answered; null when it did not.")
    latency_ms: float = Field(description="From connecting to the answer, in milliseconds.")
    error: str | None = Field(description="Why it failed (timeout, refused address, HTTP 500, ...).")


class DeliveryResponse(BaseModel):
    """One event sent to one webhook, with its attempts."""

    id: str = Field(description="The delivery's id; POST .../deliveries/{id}/retry sends it again.")
    event_id: str = Field(description="The event's id, also in the Videogen-Event-Id header.")
    type: RenderEventType = Field(description="The event type.")
    status: DeliveryStatus = Field(
        description="pending (an attempt is due), delivered (2xx received) or failed (gave up after 24 h)."
    )
    created_at: datetime = Field(description="When the event was queued for this webhook.")
    delivered_at: datetime | None = Field(description="When the receiver answered 2xx.")
    attempts: list[DeliveryAttemptResponse] = Field(description="Its attempts, oldest first.")


class DeliveryListResponse(BaseModel):
    """A webhook's recent deliveries, newest first (at most 50)."""

    items: list[DeliveryResponse] = Field(description="The deliveries.")


class ScriptCheckRequest(BaseModel):
    """A script to read without storing it, as creating a project would read it."""

    model_config = ConfigDict(extra="forbid")

    script: str = Field(
        description=f"The script, at most {MAX_SCRIPT_BYTES // 1024} KB of UTF-8 (larger is refused with "
        "413). An empty script is an answer (valid false, reason empty_script), not an error.",
        examples=["## Dawn\nThe sea wakes up."],
    )
    script_format: ScriptFormat = Field(
        ScriptFormat.MARKDOWN, description="How the script is written: md, txt, fountain or json."
    )
    settings: ProjectSettings = Field(
        default_factory=ProjectSettings, description="Settings over the script's own, as for a new project."
    )

    @field_validator("script")
    @classmethod
    def _limit(cls, value: str) -> str:
        if len(value.encode("utf-8")) > MAX_SCRIPT_BYTES:
            _check_script(value)  # raises the same 413 a project's script gets
        return value


class ScriptProblem(BaseModel):
    """Why a script cannot be read, and where."""

    code: str = Field(description="SCRIPT_PARSE_ERROR.")
    message: str = Field(description="What is wrong and how to fix it, for a person.")
    reason: str | None = Field(None, description="The stable, machine-readable reason (see the docs).")
    line: int | None = Field(None, description="1-based line of the problem.")
    column: int | None = Field(None, description="1-based column, in characters, on that line.")
    text: str | None = Field(None, description="The offending text, cut to about 80 characters.")
    hint: str | None = Field(None, description="A short suggestion for fixing it.")


class ScriptCheckScene(BaseModel):
    """A scene the script would make."""

    number: int = Field(description="1-based position in the video.")
    title: str | None = Field(None, description="The scene heading, when the script gives one.")
    line: int = Field(description="Line of the script where the scene starts.")
    narration_chars: int = Field(description="Characters of narration.")
    image_prompt: str = Field(description="The prompt its image would be generated from.")
    picture: str | None = Field(
        None,
        description=(
            "The user's own picture the script names for the scene (a path relative to the script), shown "
            "instead of a generated image: through the API, upload it to the scene once the project exists."
        ),
    )
    estimated_seconds: float = Field(description="Its length before narration exists (speech estimated).")


class ScriptCheckResponse(BaseModel):
    """What a project made from the script would hold, or why none can be made."""

    valid: bool = Field(description="Whether a project can be made from the script.")
    script_format: ScriptFormat = Field(description="The format it was read as.")
    title: str | None = Field(None, description="The script's own title, when it gives one.")
    scene_count: int = Field(description="How many scenes it makes (0 when invalid).")
    estimated_seconds: float = Field(description="The video's estimated length (0 when invalid).")
    scenes: list[ScriptCheckScene] = Field(description="The scenes, in order (empty when invalid).")
    settings: ProjectSettings | None = Field(
        None, description="The settings a project would get: defaults, the script's, then those sent."
    )
    problem: ScriptProblem | None = Field(None, description="Why it cannot be read (null when valid).")


class SettingFieldResponse(BaseModel):
    """One project setting as a form shows it."""

    name: str = Field(description="The setting's name in ProjectSettings.")
    kind: Literal["choice", "choices", "integer", "boolean", "text"] = Field(
        description="choice: one of choices; choices: a list of distinct choices; integer: minimum to "
        "maximum; boolean; text: up to max_length characters."
    )
    description: str = Field(description="What it does, for a person.")
    default: Any = Field(description="Its value when not set.")
    choices: list[Any] = Field(default_factory=list, description="The values it may take (choice, choices).")
    minimum: int | None = Field(None, description="The smallest value (integer).")
    maximum: int | None = Field(None, description="The largest value (integer).")
    max_length: int | None = Field(None, description="The most characters (text).")
    max_items: int | None = Field(None, description="The most choices in the list (choices).")
    nullable: bool = Field(False, description="Whether it may be left unset (null).")


class SettingsResponse(BaseModel):
    """Every project setting, in order, with its choices: what a client builds its settings form from."""

    fields: list[SettingFieldResponse] = Field(description="The settings, in ProjectSettings' order.")
    script_formats: list[ScriptFormat] = Field(description="The formats a script may be written in.")
    project_statuses: list[ProjectStatus] = Field(description="The statuses a project may be in.")
