"""What can be done with projects, whoever asks (API, drop folder, CLI)."""

from __future__ import annotations

import uuid

from videogen.dal import keys, projects, storage
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import NewProject, Project, ProjectChanges, ProjectPage
from videogen.domain.settings import ProjectSettings
from videogen.exceptions import ResourceConflictException, ValidationException
from videogen.observability import logger


def new_project_id() -> str:
    return uuid.uuid4().hex


def create_project(owner_id: str, request: NewProject) -> Project:
    """Create a DRAFT project for this owner."""
    created = projects.now()
    project = Project(
        id=new_project_id(),
        owner_id=owner_id,
        title=request.title,
        script=request.script,
        script_format=request.script_format,
        settings=request.settings,
        status=ProjectStatus.DRAFT,
        version=0,
        created_at=created,
        updated_at=created,
    )
    stored = projects.put_new_project(project)
    logger.append_keys(project_id=stored.id)
    logger.info("Project created")
    return stored


def get_project(owner_id: str, project_id: str) -> Project:
    return projects.get_project(owner_id, project_id)


def list_projects(owner_id: str, status: ProjectStatus | None, limit: int, cursor: str | None) -> ProjectPage:
    return projects.list_projects(owner_id, status=status, limit=limit, cursor=cursor)


def update_project(
    owner_id: str, project_id: str, changes: ProjectChanges, expected_version: int | None
) -> Project:
    """Apply a partial update. A project being rendered cannot change underneath its render."""
    current = projects.get_project(owner_id, project_id)
    logger.append_keys(project_id=project_id)
    if changes.is_empty():
        raise ValidationException("Nothing to change: send at least one of title, script, settings.")
    if current.status in {ProjectStatus.QUEUED, ProjectStatus.RENDERING}:
        raise ResourceConflictException(
            "The project is being rendered; change it when the render has finished.",
            {"status": current.status.value},
        )
    settings = None
    if changes.settings:
        settings = ProjectSettings.model_validate({**current.settings.model_dump(), **changes.settings})
    updated = projects.update_project(
        owner_id,
        project_id,
        expected_version=expected_version,
        title=changes.title,
        script=changes.script,
        script_format=changes.script_format,
        settings=settings,
    )
    logger.info("Project updated")
    return updated


def delete_project(owner_id: str, project_id: str, bucket: str) -> None:
    """Delete a project and everything under it: files first, so nothing is left unreachable."""
    projects.get_project(owner_id, project_id)
    logger.append_keys(project_id=project_id)
    removed = storage.delete_prefix(bucket, keys.project_prefix(project_id))
    projects.delete_project_items(owner_id, project_id)
    logger.info("Project deleted", extra={"objects_removed": removed})
