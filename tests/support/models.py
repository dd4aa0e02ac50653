"""Domain objects for tests that need one, with the fields they do not care about filled in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from videogen.domain.enums import Transition
from videogen.domain.models import Scene


def make_scene(project_id: str, number: int = 1, **fields: Any) -> Scene:
    """Scene ``number`` of a project as a fresh parse stores it ("Dawn", one line of narration, image
    still to draw); ``fields`` override any of it."""
    defaults: dict[str, Any] = {
        "title": "Dawn",
        "narration": "The sea.",
        "image_prompt": "Dawn. The sea.",
        "image_prompt_explicit": False,
        "duration": None,
        "transition": Transition.FADE,
        "line": 1,
        "image_stale": True,
        "image_key": None,
        "version": 1,
        "updated_at": datetime.now(UTC),
    }
    return Scene(project_id=project_id, number=number, **{**defaults, **fields})
