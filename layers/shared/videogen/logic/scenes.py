"""Reading and editing a project's scenes."""

from __future__ import annotations

import base64
import binascii
import json

from pynamodb.expressions.update import Action

from videogen.dal import projects, scenes
from videogen.dal.tables import SceneItem
from videogen.domain.models import Project, Scene, SceneChanges, ScenePage
from videogen.exceptions import (
    InvalidCursorException,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from videogen.logic.projects import BUSY
from videogen.logic.renders import touch_project
from videogen.observability import logger
from videogen.scripts.prompts import derive_image_prompt


def _encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    invalid = InvalidCursorException(
        "The cursor is not valid for this listing: start again without it.", {"cursor": cursor[:64]}
    )
    try:
        data = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise invalid from exc
    after = data.get("after") if isinstance(data, dict) else None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 < after < 10_000:
        raise invalid
    return after


def scene_number(value: str) -> int:
    """Scene numbers in paths are 1..9999; anything else is simply not found."""
    if not value.isdigit() or not 0 < int(value) < 10_000:
        raise ResourceNotFoundException(f"Scene {value[:20]!r} does not exist in this project.")
    return int(value)


def scenes_in(project: Project) -> str:
    """The project's current scene set.

    Raises:
        ResourceNotFoundException: the project has no scenes (404).
    """
    if not project.scene_set:
        raise ResourceNotFoundException("This project has no scenes.", {"project_id": project.id})
    return project.scene_set


def _project_with_scenes(owner_id: str, project_id: str) -> tuple[Project, str]:
    project = projects.get_project(owner_id, project_id)
    return project, scenes_in(project)


def list_scenes(owner_id: str, project_id: str, limit: int, cursor: str | None) -> ScenePage:
    _, scene_set = _project_with_scenes(owner_id, project_id)
    after = _decode_cursor(cursor) if cursor else 0
    items, more = scenes.list_scenes(project_id, scene_set, after=after, limit=limit)
    return ScenePage(items=items, next_cursor=_encode_cursor(items[-1].number) if more and items else None)


def get_scene(owner_id: str, project_id: str, number: str) -> Scene:
    _, scene_set = _project_with_scenes(owner_id, project_id)
    return scenes.get_scene(project_id, scene_set, scene_number(number))


def update_scene(
    owner_id: str, project_id: str, number: str, changes: SceneChanges, expected_version: int | None
) -> Scene:
    """Edit a scene; its image becomes stale, so the next render regenerates this scene only (a scene showing
    the user's own picture keeps it)."""
    project, scene_set = _project_with_scenes(owner_id, project_id)
    touch_project(project)
    logger.append_keys(project_id=project_id)
    if not changes.fields_set:
        raise ValidationException("Nothing to change: send narration, image_prompt, duration or transition.")
    if project.status in BUSY:
        raise ResourceConflictException(
            "The project is being rendered; change its scenes when the render has finished.",
            {"status": project.status.value},
        )
    wanted = scene_number(number)
    current = scenes.get_scene(project_id, scene_set, wanted)
    # A scene showing the user's picture keeps it: no edit makes its image stale.
    actions: list[Action] = [] if current.picture_key else [SceneItem.image_stale.set(True)]
    if "narration" in changes.fields_set:
        narration = changes.narration or ""
        actions.append(SceneItem.narration.set(narration))
        if "image_prompt" not in changes.fields_set and not current.image_prompt_explicit:
            # A derived prompt follows its narration.
            derived = derive_image_prompt(current.title or "", narration)
            actions.append(SceneItem.image_prompt.set(derived or current.image_prompt))
    if "image_prompt" in changes.fields_set and changes.image_prompt:
        actions.append(SceneItem.image_prompt.set(changes.image_prompt))
        actions.append(SceneItem.image_prompt_explicit.set(True))
    if "duration" in changes.fields_set:
        actions.append(
            SceneItem.duration.set(changes.duration)
            if changes.duration is not None
            else SceneItem.duration.remove()
        )
    if "transition" in changes.fields_set and changes.transition is not None:
        actions.append(SceneItem.transition.set(changes.transition.value))
    # Written only while the project is still idle at the version read here (one transaction).
    updated = scenes.update_scene(
        project_id,
        scene_set,
        wanted,
        expected_version=expected_version,
        actions=actions,
        project_version=project.version,
    )
    logger.info("Scene updated", extra={"scene": wanted, "fields": sorted(changes.fields_set)})
    return updated
