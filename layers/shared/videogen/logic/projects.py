"""What can be done with projects, whoever asks (API, drop folder, CLI)."""

from __future__ import annotations

import uuid
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from videogen.dal import projects, scenes, storage
from videogen.domain import layout
from videogen.domain.enums import ProjectStatus, ScriptFormat
from videogen.domain.models import NewProject, Project, ProjectChanges, ProjectPage
from videogen.domain.settings import ProjectSettings, merge_settings, provider_conflict
from videogen.exceptions import ResourceConflictException, ScriptParsingException, ValidationException
from videogen.logic import entitlements, renders
from videogen.logic.renders import release_render_slot, stop_running_render
from videogen.observability import logger, metrics
from videogen.scripts.model import ParsedScript
from videogen.scripts.parser import parse_script

BUSY = {ProjectStatus.QUEUED, ProjectStatus.RENDERING}


def new_project_id() -> str:
    return uuid.uuid4().hex


def settings_from(parsed: ParsedScript, base: dict[str, Any], overrides: dict[str, Any]) -> ProjectSettings:
    """Defaults, then the script's own settings, then what the caller set explicitly."""
    from_script = {
        name: value
        for name, value in parsed.settings.model_dump(exclude_none=True).items()
        if name in ProjectSettings.model_fields
    }
    conflict = provider_conflict(from_script.get("image_provider"), from_script.get("image_providers"))
    if conflict:
        raise ScriptParsingException(
            f"The script's settings disagree: {conflict}.", {"setting": "image_providers"}
        )
    return ProjectSettings.model_validate(merge_settings(base, from_script, overrides))


def create_project(
    owner_id: str,
    request: NewProject,
    *,
    project_id: str | None = None,
    default_title: str | None = None,
    outbox_prefix: str | None = None,
    caller_groups: frozenset[str] = frozenset(),
) -> Project:
    """Parse the script and create a DRAFT project with its scenes. An invalid script stores nothing.

    Args:
        owner_id: who owns the project.
        request: title, script, format and explicit settings.
        project_id: the id to create it under (a caller that derives ids deterministically, such as the
            drop folder); a new random id when None.
        default_title: the title when neither the request nor the script gives one (e.g. a file name).
        outbox_prefix: where the drop folder publishes the project's results and errors.
        caller_groups: the caller's Cognito groups, for the paid providers (see logic.entitlements).

    Raises:
        ScriptParsingException: the script cannot be read (line, column, hint in details).
        ResourceConflictException: a project with ``project_id`` exists already.
        AuthorizationException: the settings pick a paid image provider the caller may not use (403).
    """
    parsed = parse_script(request.script, request.script_format)
    settings = settings_from(parsed, {}, request.settings)
    entitlements.check_image_providers(settings.image_providers, caller_groups)
    title = request.title or parsed.title or default_title or "Untitled"
    project_id = project_id or new_project_id()
    scene_set = scenes.new_scene_set_id()
    created = projects.now()
    # Scenes first: until the project exists and points at them, nobody can see them.
    scenes.write_scene_set(project_id, scene_set, parsed.scenes)
    project = Project(
        id=project_id,
        owner_id=owner_id,
        title=title,
        script=request.script,
        script_format=request.script_format,
        settings=settings,
        status=ProjectStatus.DRAFT,
        version=0,
        created_at=created,
        updated_at=created,
        scene_count=len(parsed.scenes),
        scene_set=scene_set,
        outbox_prefix=outbox_prefix,
    )
    try:
        stored = projects.put_new_project(project)
    except Exception:
        scenes.delete_scene_set(project_id, scene_set)
        raise
    logger.append_keys(project_id=stored.id)
    metrics.add_metric(name="ProjectsCreated", unit=MetricUnit.Count, value=1)
    logger.info("Project created", extra={"scenes": stored.scene_count})
    return stored


def get_project(owner_id: str, project_id: str) -> Project:
    project = projects.get_project(owner_id, project_id)
    renders.touch_project(project)
    return project


def idle_project(owner_id: str, project_id: str, change: str) -> Project:
    """The project, for a change (``change`` names it: "its music") that must wait while it renders.

    Raises:
        ResourceNotFoundException: no such project of this owner (404).
        ResourceConflictException: the project is being rendered (409).
    """
    project = get_project(owner_id, project_id)
    if project.status in BUSY:
        raise ResourceConflictException(
            f"The project is being rendered; change {change} when the render has finished.",
            {"status": project.status.value},
        )
    return project


def list_projects(owner_id: str, status: ProjectStatus | None, limit: int, cursor: str | None) -> ProjectPage:
    return projects.list_projects(owner_id, status=status, limit=limit, cursor=cursor)


def _stored_pictures(project_id: str, project: Project) -> dict[str, tuple[str, str]]:
    """The pictures the project's scenes show, by name: a new script naming one again keeps it (rather than
    waiting for the same file to be uploaded again)."""
    if not project.scene_set:
        return {}
    return {
        scene.picture_name: (scene.picture_key, scene.picture_sha256)
        for scene in scenes.all_scenes(project_id, project.scene_set)
        if scene.picture_name and scene.picture_key and scene.picture_sha256
    }


def update_project(
    owner_id: str,
    project_id: str,
    changes: ProjectChanges,
    expected_version: int | None,
    caller_groups: frozenset[str] = frozenset(),
) -> Project:
    """Apply a partial update. A new script replaces the scenes as a whole; a rendering project is busy."""
    current = projects.get_project(owner_id, project_id)
    renders.touch_project(current)
    logger.append_keys(project_id=project_id)
    if changes.is_empty():
        raise ValidationException("Nothing to change: send at least one of title, script, settings.")
    if current.status in BUSY:
        raise ResourceConflictException(
            "The project is being rendered; change it when the render has finished.",
            {"status": current.status.value},
        )
    settings = None
    if changes.settings:
        settings = ProjectSettings.model_validate(
            merge_settings(current.settings.model_dump(), changes.settings)
        )
        entitlements.check_image_providers(
            settings.image_providers, caller_groups, kept=current.settings.image_providers
        )
    new_set = None
    scene_count = None
    if changes.script is not None or changes.script_format is not None:
        script_format = changes.script_format or current.script_format
        parsed = parse_script(changes.script or current.script or "", ScriptFormat(script_format))
        new_set = scenes.new_scene_set_id()
        scene_count = len(parsed.scenes)
        scenes.write_scene_set(project_id, new_set, parsed.scenes, _stored_pictures(project_id, current))
    try:
        updated = projects.update_project(
            owner_id,
            project_id,
            expected_version=expected_version,
            read_version=current.version,
            title=changes.title,
            script=changes.script,
            script_format=changes.script_format,
            settings=settings,
            scene_count=scene_count,
            scene_set=new_set,
        )
    except Exception:
        scenes.delete_scene_set(project_id, new_set)
        raise
    if new_set is not None:
        # Readers now see the new set; the old one goes.
        scenes.delete_scene_set(project_id, current.scene_set)
    logger.info("Project updated", extra={"script_changed": new_set is not None})
    return updated


def delete_project(owner_id: str, project_id: str, bucket: str) -> None:
    """Delete a project and everything under it: files first, so nothing is left unreachable."""
    project = projects.get_project(owner_id, project_id)
    logger.append_keys(project_id=project_id)
    # A render still running would write files into what is being deleted: stop it first.
    stop_running_render(project_id, project.execution_arn, project.status)
    if project.status in BUSY and project.render_id:
        # A stopped execution runs no Catch, so nothing else would free the owner's slot.
        release_render_slot(owner_id, project_id, project.render_id)
    removed = storage.delete_prefix(bucket, layout.project_prefix(project_id))
    # Music uploads not attached yet would otherwise wait for the lifecycle rule.
    removed += storage.delete_prefix(bucket, layout.upload_prefix(project_id))
    projects.delete_project_items(owner_id, project_id)
    logger.info("Project deleted", extra={"objects_removed": removed})
