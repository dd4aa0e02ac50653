"""Tell the world a render started, completed or failed: its event on the stack's bus (when it has one)."""

from __future__ import annotations

from videogen.config import Config
from videogen.dal import events, projects
from videogen.domain import layout
from videogen.domain.enums import ProjectStatus
from videogen.domain.events import RenderEvent, RenderEventType
from videogen.domain.models import Project, RenderFailure

#: The project's status each event reports.
_STATUSES = {
    RenderEventType.STARTED: ProjectStatus.RENDERING,
    RenderEventType.COMPLETED: ProjectStatus.COMPLETED,
    RenderEventType.FAILED: ProjectStatus.FAILED,
}


def announce(
    kind: RenderEventType,
    project: Project,
    render_id: str,
    settings: Config,
    *,
    error: RenderFailure | None = None,
    video_seconds: float | None = None,
) -> RenderEvent | None:
    """Publish the render's event; returns it, or None where no bus is configured.

    Called after the status it reports was written, by every step that writes it (a retried step too:
    the event keeps its id, so receivers see it once).

    Raises:
        StorageException: the bus refused it (the step is retried).
    """
    if not settings.event_bus_name:
        return None
    moment = projects.now()
    started = project.render_started_at
    event = RenderEvent(
        kind=kind,
        project_id=project.id,
        owner_id=project.owner_id,
        render_id=render_id,
        status=_STATUSES[kind].value,
        occurred_at=moment,
        scene_count=project.scene_count,
        error_code=error.code if error else None,
        error_message=error.message if error else None,
        outputs=layout.output_keys(project.id, render_id) if kind is RenderEventType.COMPLETED else {},
        video_seconds=video_seconds,
        render_seconds=max(0.0, (moment - started).total_seconds()) if started else None,
    )
    events.publish(settings.event_bus_name, event)
    return event
