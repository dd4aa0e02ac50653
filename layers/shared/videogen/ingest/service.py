"""Ingesting a dropped script: one object becomes one project and one render, however often its event comes.

Exactly once, without a lock:

1. The project id is derived from the object's identity (``DroppedObject.project_id``), so every delivery
   of an event names the same project.
2. The project is created with a conditional put (it must not exist). One delivery wins; the others get
   ResourceConflictException, which means "already ingested".
3. Every delivery then makes sure the render was started (``ensure_render_started``): the first render is
   claimed with a conditional update that only one delivery can win, and its execution has a
   deterministic name (``{project id}-000001``), which Step Functions starts once.

A retried delivery also repairs what a failed one left behind: a render claimed but never started (the
invocation died in between) is started under its name; a render whose start failed is started again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote_plus

from aws_lambda_powertools.metrics import MetricUnit

from videogen.config import Config
from videogen.dal import assets, executions, scenes, storage
from videogen.domain import layout
from videogen.domain.enums import ProjectStatus
from videogen.domain.limits import MAX_SCRIPT_BYTES
from videogen.domain.models import NewProject, PictureRef, Project
from videogen.domain.music import find_music
from videogen.exceptions import (
    MusicNotFoundException,
    PayloadTooLargeException,
    ResourceConflictException,
    UnsafeInboxKeyException,
    VideoGeneratorException,
)
from videogen.ingest.inbox import DroppedObject, InboxFile, parse_inbox_key
from videogen.logic import outbox
from videogen.logic.music import attach_music
from videogen.logic.pictures import attach_script_picture, missing_picture
from videogen.logic.projects import create_project, get_project
from videogen.logic.renders import repair_stalled_claim, start_render
from videogen.observability import logger, metrics
from videogen.scripts.model import ParsedScript
from videogen.scripts.parser import parse_script
from videogen.scripts.source import UTF8_BOM, decode_source

_FIRST_RENDER = "000001"


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What became of one dropped object (the handler's answer, and the log's)."""

    key: str
    outcome: Literal["created", "duplicate", "rejected", "refused", "ignored", "superseded"]
    project_id: str | None = None
    error_code: str | None = None


def ingest_object(dropped: DroppedObject, settings: Config, request_id: str) -> IngestOutcome:
    """Turn one dropped object into its project and render, or into an error.json, exactly once.

    Raises:
        VideoGeneratorException: only retryable ones (storage): the invocation should fail and be retried.
    """
    key = dropped.key
    try:
        if dropped.bucket != settings.media_bucket:
            raise UnsafeInboxKeyException(
                "Only the media bucket's inbox is read.", {"reason": "other_bucket"}
            )
        inbox = parse_inbox_key(dropped.raw_key)
    except UnsafeInboxKeyException as exc:
        # No outbox folder derived from this key can be trusted: the log is the only answer.
        logger.warning("Inbox object refused", extra={"key": key[:300], "reason": exc.details.get("reason")})
        return IngestOutcome(key, "refused", error_code=exc.error_code)
    if inbox is None:
        logger.warning("Inbox object ignored: a folder marker or a hidden file", extra={"key": key[:300]})
        return IngestOutcome(key, "ignored")
    if inbox.is_music:
        logger.info(
            "Inbox music kept for the script that names it or shares its name", extra={"key": key[:300]}
        )
        return IngestOutcome(key, "ignored")
    if inbox.is_picture:
        logger.info("Inbox picture kept for the script that names it", extra={"key": key[:300]})
        return IngestOutcome(key, "ignored")

    project_id = dropped.project_id()
    logger.append_keys(project_id=project_id, owner_id=inbox.owner)
    try:
        project, created, files = _create(dropped, inbox, project_id)
        if project is not None and files.music is not None:
            _ensure_music(project, files.music, settings)
        if project is not None and files.pictures:
            _ensure_pictures(project, files.pictures, settings)
    except VideoGeneratorException as exc:
        if exc.retryable:
            raise
        logger.info("Inbox script rejected", extra={"key": key[:300], "error_code": exc.error_code})
        _publish_error(
            settings, inbox.outbox_prefix, exc, project_id=None, request_id=request_id, source_key=key
        )
        metrics.add_metric(name="InboxScriptsRejected", unit=MetricUnit.Count, value=1)
        return IngestOutcome(key, "rejected", error_code=exc.error_code)
    if project is None:
        logger.info("Inbox object superseded: a newer upload replaced it", extra={"key": key[:300]})
        return IngestOutcome(key, "superseded")

    try:
        ensure_render_started(project, settings, request_id, key)
    except VideoGeneratorException as exc:
        if exc.retryable:
            raise
        return IngestOutcome(key, "rejected", project.id, exc.error_code)
    logger.info("Inbox script ingested", extra={"key": key[:300], "created": created})
    if created:
        metrics.add_metric(name="InboxScriptsIngested", unit=MetricUnit.Count, value=1)
    return IngestOutcome(key, "created" if created else "duplicate", project.id)


@dataclass(frozen=True, slots=True)
class ScriptFiles:
    """The files a dropped script brings from its inbox folder: its music, and each scene's picture (by
    scene number: the inbox key and where the script names it)."""

    music: str | None = None
    pictures: dict[int, tuple[str, PictureRef]] = field(default_factory=dict)


def _create(
    dropped: DroppedObject, inbox: InboxFile, project_id: str
) -> tuple[Project | None, bool, ScriptFiles]:
    """The object's project, created now (True) or by an earlier delivery (False), None if superseded;
    and the files it brings from its inbox folder, every one found there before the project is created."""
    script_format = inbox.check()
    text = read_script(dropped)
    if text is None:
        return None, False, ScriptFiles()
    parsed = parse_script(text, script_format)
    files = ScriptFiles(
        music=_music_key(dropped.bucket, inbox, parsed.settings.music),
        pictures=_picture_keys(dropped.bucket, inbox, parsed),
    )
    try:
        project = create_project(
            inbox.owner,
            NewProject(title=None, script=text, script_format=script_format),
            project_id=project_id,
            default_title=inbox.title,
            outbox_prefix=inbox.outbox_prefix,
        )
    except ResourceConflictException:
        return get_project(inbox.owner, project_id), False, files
    return project, True, files


def _music_key(bucket: str, inbox: InboxFile, named: str | None) -> str | None:
    """The script's music in its inbox folder: the file its ``music:`` setting (``named``) names, else an
    audio file with the script's name (story.md → story.mp3). Music must be uploaded before its script.

    Raises:
        MusicNotFoundException: the script names a file that is not in its folder (422).
    """
    if named and not _plain_file_name(inbox, named):
        raise MusicNotFoundException(
            f"music: {named[:80]!r} must be the name of a file in inbox/{inbox.owner}/, without folders.",
            {"music": named[:200]},
        )
    found = find_music(
        inbox.title,
        named,
        lambda name: storage.object_exists(bucket, inbox.beside(name)),
        f"inbox/{inbox.owner}/",
    )
    return inbox.beside(found) if found is not None else None


def _picture_keys(bucket: str, inbox: InboxFile, parsed: ParsedScript) -> dict[int, tuple[str, PictureRef]]:
    """Each scene's picture in the script's inbox folder (the script names it relative to its folder; the
    parser has refused absolute paths and '..'). Pictures must be uploaded before their script.

    Raises:
        PictureNotFoundException: a named picture is not there (422, at its line and column).
    """
    found: dict[int, tuple[str, PictureRef]] = {}
    folder = f"inbox/{inbox.owner}/"
    for scene in parsed.scenes:
        ref = scene.picture
        if ref is None:
            continue
        key = inbox.beside(ref.path)
        try:
            safe = parse_inbox_key(quote_plus(key, safe="/")) is not None
        except UnsafeInboxKeyException:
            safe = False
        if not safe or not storage.object_exists(bucket, key):
            raise missing_picture(ref, folder)
        found[scene.number] = (key, ref)
    return found


def _plain_file_name(inbox: InboxFile, name: str) -> bool:
    """Whether a name the script gives is a safe file name directly in its inbox folder."""
    try:
        found = parse_inbox_key(quote_plus(inbox.beside(name), safe="/"))
    except UnsafeInboxKeyException:
        return False
    return found is not None and not found.folders and found.file_name == name


def _stage(project: Project, inbox_key: str, purpose: str, settings: Config) -> str:
    """Copy a file of the inbox where a presigned upload would land, under an upload id derived from the
    project and what the file is for: a repeated delivery copies to the same place. Returns the id."""
    upload_id = hashlib.sha256(f"{project.id}\0{purpose}".encode()).hexdigest()[:32]
    storage.copy_object(settings.media_bucket, inbox_key, layout.upload_key(project.id, upload_id))
    return upload_id


def _ensure_music(project: Project, music_key: str, settings: Config) -> None:
    """Give the project its music before its first render is claimed. Every delivery checks, so one that
    died after creating the project is repaired by the next; the upload id is derived from the project,
    so a repeat copies to the same place."""
    if project.render_count or assets.find_asset(project.id, layout.MUSIC_ASSET_ID) is not None:
        return
    upload_id = _stage(project, music_key, "music", settings)
    attach_music(
        project.owner_id,
        project.id,
        upload_id,
        bucket=settings.media_bucket,
        inspect_function=settings.inspect_music_function,
    )


def _ensure_pictures(project: Project, pictures: dict[int, tuple[str, PictureRef]], settings: Config) -> None:
    """Give each scene the picture its script names before the first render is claimed. Every delivery
    checks, so one that died halfway is completed by the next; upload ids are derived from the project
    and scene, so a repeat copies to the same place.

    Raises:
        InvalidPictureException: a picture cannot be used (422, at its line and column in the script).
    """
    if project.render_count or not project.scene_set:
        return
    attached = {
        scene.number for scene in scenes.all_scenes(project.id, project.scene_set) if scene.picture_key
    }
    for number, (key, ref) in sorted(pictures.items()):
        if number in attached:
            continue
        upload_id = _stage(project, key, f"picture\0{number}", settings)
        attach_script_picture(
            project.owner_id,
            project.id,
            number,
            ref,
            upload_id,
            bucket=settings.media_bucket,
            inspect_function=settings.inspect_picture_function,
        )


def read_script(dropped: DroppedObject) -> str | None:
    """The dropped script as text, or None when the object was overwritten since its event.

    Raises:
        PayloadTooLargeException: more than 100 KB (a leading BOM not counted), as the API refuses it.
        ScriptParsingException: not UTF-8 text (``invalid_utf8``, ``control_character``), with its place.
    """
    limit = MAX_SCRIPT_BYTES + len(UTF8_BOM)
    # Read (at most one byte past the limit) before judging the size: only the upload that is still the
    # object may answer for its key, or a late event of an old version would overwrite a newer outcome.
    data = storage.read_object_prefix(
        dropped.bucket, dropped.key, limit + 1, version_id=dropped.version_id, etag=dropped.etag
    )
    if data is None:
        return None
    body = data.removeprefix(UTF8_BOM)
    if len(body) > MAX_SCRIPT_BYTES:
        raise _too_large(dropped.size or len(data))
    return decode_source(body)


def _too_large(size: int) -> PayloadTooLargeException:
    # The API's words for the same refusal.
    return PayloadTooLargeException(
        f"The script is larger than {MAX_SCRIPT_BYTES // 1024} KB; split it into several projects.",
        {"limit_bytes": MAX_SCRIPT_BYTES, "size_bytes": size},
    )


def ensure_render_started(project: Project, settings: Config, request_id: str, source_key: str) -> None:
    """Make sure the project's render has an execution, starting it only where nobody else did or will.

    Raises:
        VideoGeneratorException: the render could not be started (error.json says why).
    """
    state_machine_arn = settings.state_machine_arn
    if project.render_count == 0:
        _start_next_render(project, settings, request_id, source_key)
        return
    render_id = project.render_id or _FIRST_RENDER
    name = executions.execution_name(project.id, render_id)
    if state_machine_arn and executions.state(executions.execution_arn(state_machine_arn, name)) is not None:
        return
    if project.status is ProjectStatus.FAILED:
        # Failed without an execution: its start failed, so starting it again makes no second render.
        _start_next_render(project, settings, request_id, source_key)
    else:
        # Claimed, and the claimer died before starting it: the API's repair, shared.
        repair_stalled_claim(project, state_machine_arn, request_id)


def _start_next_render(project: Project, settings: Config, request_id: str, source_key: str) -> None:
    try:
        start_render(project.owner_id, project.id, settings.state_machine_arn, request_id)
    except ResourceConflictException:
        # Another delivery of the same event claimed the render first: it starts it.
        logger.info("Render already claimed by another delivery")
    except VideoGeneratorException as exc:
        # No render runs (too large, over the owner's limits or monthly budget, or Step Functions refused
        # the start): the user hears of it now; a retryable error is raised on, so a retried delivery may
        # still start it.
        if project.outbox_prefix:
            _publish_error(
                settings,
                project.outbox_prefix,
                exc,
                project_id=project.id,
                request_id=request_id,
                source_key=source_key,
            )
        raise


def _publish_error(
    settings: Config,
    prefix: str,
    exc: VideoGeneratorException,
    *,
    project_id: str | None,
    request_id: str,
    source_key: str,
) -> None:
    """error.json for a script that became no render, with the error the API gives for it."""
    document = outbox.error_document(
        exc.to_dict(), project_id=project_id, render_id=None, request_id=request_id, source_key=source_key
    )
    outbox.publish_error(settings.media_bucket, prefix, document)
