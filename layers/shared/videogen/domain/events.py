"""What videogen tells the world about a render: one event when it starts, completes or fails.

The one definition of a render event. It goes on the stack's EventBridge bus (``source`` "videogen", a
detail-type per kind, this ``detail``), where AWS users route it as they like, and from there to the
owner's webhooks (``type`` and ``data`` of a delivery are the same kind and detail).

An event's id is a function of the render and what happened to it, never of when it was sent: a step that
runs twice publishes the same event twice, and everything downstream (webhook deliveries, a receiver
checking ``Videogen-Event-Id``) sees one event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

#: The ``source`` of every event videogen puts on its bus.
EVENT_SOURCE: Final = "videogen"


class RenderEventType(StrEnum):
    """What happened to a render (a webhook subscribes to some of these)."""

    STARTED = "render.started"
    COMPLETED = "render.completed"
    FAILED = "render.failed"

    @property
    def detail_type(self) -> str:
        """The EventBridge detail-type: "Render Started", "Render Completed", "Render Failed"."""
        return DETAIL_TYPES[self]


DETAIL_TYPES: Final[dict[RenderEventType, str]] = {
    RenderEventType.STARTED: "Render Started",
    RenderEventType.COMPLETED: "Render Completed",
    RenderEventType.FAILED: "Render Failed",
}
#: Every event type, in a stable order (for validation messages and documentation).
EVENT_TYPES: Final = tuple(kind.value for kind in RenderEventType)


def event_id(project_id: str, render_id: str, kind: RenderEventType) -> str:
    """The event's stable id: one per render and kind, whoever publishes it and however often."""
    digest = hashlib.sha256(f"{project_id}/{render_id}/{kind.value}".encode()).hexdigest()
    return f"evt_{digest[:32]}"


@dataclass(frozen=True, slots=True)
class RenderEvent:
    """One render's start, completion or failure, with what a receiver needs to act on it."""

    kind: RenderEventType
    project_id: str
    owner_id: str
    render_id: str
    status: str  # the project's status the event reports: RENDERING, COMPLETED or FAILED
    occurred_at: datetime
    scene_count: int = 0
    error_code: str | None = None
    error_message: str | None = None
    #: S3 keys of the render's files by output name (completion only).
    outputs: dict[str, str] = field(default_factory=dict)
    #: The video's length (completion only).
    video_seconds: float | None = None
    #: From the render's claim to this event.
    render_seconds: float | None = None

    @property
    def id(self) -> str:
        return event_id(self.project_id, self.render_id, self.kind)

    def detail(self) -> dict[str, Any]:
        """The event's ``detail`` on the bus and ``data`` of a webhook delivery (JSON-ready)."""
        detail: dict[str, Any] = {
            "event_id": self.id,
            "project_id": self.project_id,
            "owner_id": self.owner_id,
            "render_id": self.render_id,
            "render_number": int(self.render_id),
            "status": self.status,
            "scene_count": self.scene_count,
            "occurred_at": self.occurred_at.isoformat().replace("+00:00", "Z"),
        }
        if self.error_code is not None:
            detail["error"] = {"code": self.error_code, "message": self.error_message or ""}
        if self.outputs:
            detail["outputs"] = dict(self.outputs)
        if self.video_seconds is not None:
            detail["video_seconds"] = round(self.video_seconds, 3)
        if self.render_seconds is not None:
            detail["render_seconds"] = round(self.render_seconds, 3)
        return detail
