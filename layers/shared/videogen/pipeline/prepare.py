"""PrepareRender: mark the project RENDERING and decide which scenes need a new image."""

from __future__ import annotations

from typing import Any

from videogen.config import Config
from videogen.dal import projects, scenes
from videogen.domain.enums import ProjectStatus
from videogen.domain.events import RenderEventType
from videogen.domain.models import RenderProgress
from videogen.exceptions import RenderSupersededException, ResourceConflictException
from videogen.logic.images import plan_images
from videogen.observability import logger
from videogen.pipeline.announce import announce


def prepare_render(project_id: str, render_id: str, settings: Config) -> dict[str, Any]:
    """Returns the scene numbers whose image is missing or stale (the Map's items) and the scene count."""
    project = projects.get_project_any_owner(project_id)
    if project.render_id != render_id:
        raise RenderSupersededException(
            "This render was superseded by a newer one.",
            {"render_id": render_id, "current": project.render_id},
        )
    if not project.scene_set:
        raise ResourceConflictException("The project has no scenes to render.")
    all_scenes = scenes.all_scenes(project_id, project.scene_set)
    # Only the provider's name and model: the provider itself (its SDK, Pillow, its credentials) is built
    # where images are made, in GenerateImage, which fails there on missing credentials.
    plan = plan_images(project, all_scenes, settings)
    needed, ready = plan.needed, plan.ready
    progress = RenderProgress(stage="images", scenes_done=len(ready), scenes_total=len(all_scenes))
    if not projects.set_render_status(project_id, render_id, ProjectStatus.RENDERING, progress=progress):
        raise RenderSupersededException("This render has ended or was superseded.", {"render_id": render_id})
    for number in ready:
        projects.add_scene_done(project_id, render_id, number)
    announce(RenderEventType.STARTED, project, render_id, settings)
    logger.info("Render prepared", extra={"scenes": len(all_scenes), "to_generate": len(needed)})
    return {
        "scenes": needed,
        "all_scenes": [scene.number for scene in all_scenes],
        "scene_count": len(all_scenes),
    }
