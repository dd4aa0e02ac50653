"""A project's progress and last failure: typed in the domain, the same two shapes in the API."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from videogen.api.models import ProjectResponse
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import Project, RenderFailure, RenderProgress
from videogen.domain.provenance import SceneFallback, SkippedProvider
from videogen.domain.settings import ProjectSettings

NOW = datetime(2026, 12, 6, tzinfo=UTC)
PROJECT = Project(
    id="0123456789abcdef0123456789abcdef",
    owner_id="alice",
    title="Harbour",
    settings=ProjectSettings(),
    status=ProjectStatus.RENDERING,
    version=2,
    created_at=NOW,
    updated_at=NOW,
    script="## Dawn\nThe harbour wakes.\n",
)


def test_the_api_shows_progress_and_failure_field_by_field_without_the_render_id() -> None:
    project = replace(
        PROJECT,
        progress=RenderProgress(stage="images", scenes_done=1, scenes_total=3),
        error=RenderFailure(code="CONTENT_FILTERED", message="Refused.", render_id="000002"),
    )

    body = ProjectResponse.from_domain(project).model_dump(mode="json")

    assert body["progress"] == {"stage": "images", "scenes_done": 1, "scenes_total": 3, "fallbacks": []}
    assert body["error"] == {"code": "CONTENT_FILTERED", "message": "Refused."}


def test_the_api_shows_each_scene_a_fallback_provider_drew() -> None:
    skipped = SkippedProvider(
        provider="stability",
        model="core",
        code="PROVIDER_UNAVAILABLE",
        reason="Stability AI is unavailable",
        attempts=2,
    )
    fallback = SceneFallback.of(2, "bedrock", [skipped])
    project = replace(
        PROJECT, progress=RenderProgress(stage="images", scenes_done=2, scenes_total=3, fallbacks=(fallback,))
    )

    body = ProjectResponse.from_domain(project).model_dump(mode="json")

    assert body["progress"]["fallbacks"] == [
        {
            "scene": 2,
            "from_provider": "stability",
            "to_provider": "bedrock",
            "reason": "stability: Stability AI is unavailable (PROVIDER_UNAVAILABLE, 2 attempts)",
        }
    ]


def test_a_project_without_a_render_shows_neither() -> None:
    body = ProjectResponse.from_domain(PROJECT).model_dump(mode="json")

    assert (body["progress"], body["error"]) == (None, None)


def test_a_failure_recorded_without_a_render_id_reads_as_stored() -> None:
    # A render whose start failed records its failure without a render id (logic.renders.start_render)
    failure = RenderFailure.model_validate({"code": "INTERNAL_ERROR", "message": "lost"})

    assert failure.render_id is None
    assert failure.model_dump(exclude_none=True) == {"code": "INTERNAL_ERROR", "message": "lost"}


def test_progress_is_refused_without_its_counts() -> None:
    with pytest.raises(ValidationError):
        RenderProgress.model_validate({"stage": "images"})
