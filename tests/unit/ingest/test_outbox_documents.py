"""error.json and result.json: what they say, field by field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from videogen.domain.enums import ProjectStatus, Transition
from videogen.domain.layout import OUTPUTS
from videogen.domain.models import Project, Scene
from videogen.domain.settings import ProjectSettings
from videogen.exceptions import ScriptParsingException
from videogen.logic.outbox import ProducedFile, error_document, result_document
from videogen.scripts.parser import parse_script

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_error_document_of_a_script_error_carries_the_apis_error_and_its_place() -> None:
    with pytest.raises(ScriptParsingException) as caught:
        parse_script("## Dawn\nTransition: sideways\n")
    error = caught.value.to_dict()

    document = error_document(
        error, project_id=None, render_id=None, request_id="r-1", source_key="inbox/a/x.md"
    )

    assert document == {
        "status": "FAILED",
        "project_id": None,
        "render_id": None,
        "source": "inbox/a/x.md",
        "error": {
            "code": "SCRIPT_PARSE_ERROR",
            "message": error["message"],
            "details": error["details"],
            "line": 2,
            "column": error["details"]["column"],
            "request_id": "r-1",
        },
    }
    assert error["details"]["reason"] == "unknown_transition"


def test_error_document_of_a_render_failure_has_no_place() -> None:
    document = error_document(
        {"code": "CONTENT_FILTERED", "message": "Refused."},
        project_id="p" * 32,
        render_id="000002",
        request_id="r",
    )

    assert document == {
        "status": "FAILED",
        "project_id": "p" * 32,
        "render_id": "000002",
        "error": {"code": "CONTENT_FILTERED", "message": "Refused.", "details": {}, "request_id": "r"},
    }


def _scene(number: int, title: str) -> Scene:
    return Scene(
        "p" * 32, number, title, "text", "prompt", False, 1.0, Transition.CUT, 1, False, None, 1, NOW
    )


def test_result_document_lists_durations_and_where_every_file_is() -> None:
    project = Project(
        id="p" * 32,
        owner_id="alice",
        title="Harbour",
        settings=ProjectSettings.model_validate({"resolution": "480p", "fps": 24, "aspect_ratio": "9:16"}),
        status=ProjectStatus.RENDERING,
        version=1,
        created_at=NOW,
        updated_at=NOW,
        outbox_prefix="outbox/alice/harbour/",
    )
    outputs = [
        ProducedFile(OUTPUTS["video"], "projects/p/renders/000001/video.mp4", 1000),
        ProducedFile(OUTPUTS["thumbnail"], "projects/p/renders/000001/thumbnail.jpg", 20),
    ]

    document = result_document(
        project,
        "outbox/alice/harbour/",
        "000001",
        duration=1.5,
        scene_durations=[(_scene(1, "Dawn"), 1.0), (_scene(2, "Gulls"), 1.0)],
        outputs=outputs,
    )

    assert document == {
        "status": "COMPLETED",
        "project_id": "p" * 32,
        "render_id": "000001",
        "title": "Harbour",
        "video": {"width": 480, "height": 854, "fps": 24, "duration_seconds": 1.5},
        "scenes": [
            {"number": 1, "title": "Dawn", "duration_seconds": 1.0},
            {"number": 2, "title": "Gulls", "duration_seconds": 1.0},
        ],
        "assets": {
            "video": {
                "key": "outbox/alice/harbour/video.mp4",
                "content_type": "video/mp4",
                "size": 1000,
                "render_key": "projects/p/renders/000001/video.mp4",
            },
            "thumbnail": {
                "key": "outbox/alice/harbour/thumbnail.jpg",
                "content_type": "image/jpeg",
                "size": 20,
                "render_key": "projects/p/renders/000001/thumbnail.jpg",
            },
        },
    }
