"""The render steps' pure parts: failure descriptions, image cache keys, scene lengths, step events."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tests.support.models import make_scene
from videogen.domain.enums import ProjectStatus
from videogen.domain.layout import manifest_key, output_keys
from videogen.domain.models import Project, Scene
from videogen.domain.settings import ProjectSettings
from videogen.logic.images import cache_key, image_request, scene_seed
from videogen.pipeline.events import FailureStep, SceneStep
from videogen.pipeline.finish import describe_failure

NOW = datetime(2026, 11, 24, tzinfo=UTC)
PROJECT_ID = "0123456789abcdef0123456789abcdef"


def _project(**settings: object) -> Project:
    return Project(
        id=PROJECT_ID,
        owner_id="alice",
        title="t",
        settings=ProjectSettings.model_validate(settings),
        status=ProjectStatus.DRAFT,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )


def _scene(number: int = 1, narration: str = "The sea.", duration: float | None = None) -> Scene:
    return make_scene(PROJECT_ID, number, narration=narration, duration=duration, updated_at=NOW)


@pytest.mark.parametrize(
    ("error", "message", "code"),
    [
        ("ContentFilteredException", "The provider refused the prompt of scene 2.", "CONTENT_FILTERED"),
        ("RateLimitException", "Slow down.", "RATE_LIMITED"),
        ("VideoAssemblyException", "Scene 3's image is not a picture.", "VIDEO_ASSEMBLY_FAILED"),
        ("ConfigurationException", "The stability image provider needs an API key.", "CONFIGURATION_ERROR"),
    ],
)
def test_known_failures_keep_their_code_and_message(error: str, message: str, code: str) -> None:
    cause = json.dumps({"errorType": error, "errorMessage": message})

    assert describe_failure({"Error": error, "Cause": cause}) == {"code": code, "message": message}


def test_unexpected_failure_hides_its_text() -> None:
    cause = json.dumps({"errorType": "KeyError", "errorMessage": "'secret' at /var/task/app.py"})

    described = describe_failure({"Error": "KeyError", "Cause": cause})

    assert described["code"] == "INTERNAL_ERROR"
    assert "secret" not in described["message"]


def test_timeout_and_unparsable_causes_are_described() -> None:
    assert describe_failure({"Error": "States.Timeout", "Cause": ""})["code"] == "RENDER_TIMED_OUT"
    # A function past its own Timeout, as Lambda reports it.
    lambda_timeout = json.dumps(
        {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 900.00 s"}
    )
    assert describe_failure({"Error": "Sandbox.Timedout", "Cause": lambda_timeout}) == {
        "code": "RENDER_TIMED_OUT",
        "message": "The render took too long and was stopped; retry, or make the video shorter.",
    }
    assert describe_failure({"Error": "StorageException", "Cause": "{not json"}) == {
        "code": "STORAGE_ERROR",
        "message": "The render failed.",
    }
    assert describe_failure({})["code"] == "INTERNAL_ERROR"


def test_cache_key_changes_with_everything_that_changes_the_image() -> None:
    project = _project()
    request = image_request(project, _scene())
    base = cache_key(PROJECT_ID, "local", "procedural-v2", request)

    variants = {
        cache_key(PROJECT_ID, "stability", "procedural-v2", request),
        cache_key(PROJECT_ID, "local", "other-model", request),
        cache_key(PROJECT_ID, "local", "procedural-v2", image_request(_project(seed=5), _scene())),
        cache_key(PROJECT_ID, "local", "procedural-v2", image_request(_project(style="ink"), _scene())),
        cache_key(
            PROJECT_ID, "local", "procedural-v2", image_request(_project(aspect_ratio="9:16"), _scene())
        ),
        cache_key(PROJECT_ID, "local", "procedural-v2", image_request(project, _scene(number=2))),
    }

    assert base == cache_key(PROJECT_ID, "local", "procedural-v2", image_request(_project(), _scene()))
    assert base.startswith(f"projects/{PROJECT_ID}/images/")
    assert base not in variants
    assert len(variants) == 6


def test_scene_seed_is_the_project_seed_varied_per_scene() -> None:
    seeded = _project(seed=42)

    assert scene_seed(seeded, 1) != scene_seed(seeded, 2)
    assert scene_seed(seeded, 1) == scene_seed(_project(seed=42), 1)
    assert 0 <= scene_seed(_project(), 200) < 2**32


def test_output_keys_are_deterministic_and_inside_the_project() -> None:
    keys = output_keys(PROJECT_ID, "000002")

    assert keys == output_keys(PROJECT_ID, "000002")
    assert all(key.startswith(f"projects/{PROJECT_ID}/renders/000002/") for key in keys.values())
    assert set(keys) == {"video", "subtitles_srt", "subtitles_vtt", "thumbnail"}
    assert manifest_key(PROJECT_ID, "000002") == f"projects/{PROJECT_ID}/renders/000002/manifest.json"


@pytest.mark.parametrize(
    "event",
    [
        {"project_id": "x", "render_id": "000001", "scene": 1},
        {"project_id": PROJECT_ID, "render_id": "1", "scene": 1},
        {"project_id": PROJECT_ID, "render_id": "000001", "scene": 0},
    ],
)
def test_step_events_are_validated(event: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SceneStep.model_validate(event)


def test_failure_step_carries_the_catch_output() -> None:
    step = FailureStep.model_validate(
        {"project_id": PROJECT_ID, "render_id": "000001", "failure": {"Error": "X", "Cause": "y"}}
    )

    assert step.failure == {"Error": "X", "Cause": "y"}
    assert step.request_id == "unknown"
