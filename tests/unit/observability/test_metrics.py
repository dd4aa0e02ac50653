"""Business metrics, read back from the CloudWatch EMF records Powertools prints (its documented way to test
metrics: enable them, flush, parse the JSON on stdout)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from aws_lambda_powertools.metrics import MetricUnit

from tests.support.models import make_scene
from videogen.config import Config
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import Project, Scene
from videogen.domain.settings import ProjectSettings
from videogen.exceptions import (
    ProviderAccessException,
    ProviderUnavailableException,
    RateLimitException,
    ResourceNotFoundException,
)
from videogen.logic import fallback
from videogen.observability import captures_cold_start, emit_metric, metrics
from videogen.pipeline import finish, images
from videogen.providers.base import GeneratedImage, ImageRequest

NAMESPACE = "videogen/test-stack"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
SETTINGS = Config(table_name="table", media_bucket="bucket")

IMAGE = GeneratedImage(b"png", "image/png", 8, 8, "fake", "fake-1")
REQUEST = ImageRequest(prompt="p", width=8, height=8, seed=1)

Records = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def emf(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Records]:
    """Metrics on, in a known namespace and service; returns a function that flushes and parses them."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setattr(metrics, "namespace", NAMESPACE)
    monkeypatch.setattr(metrics, "service", "videogen-render")
    metrics.clear_metrics()
    capsys.readouterr()

    def records() -> list[dict[str, Any]]:
        metrics.flush_metrics()
        lines = capsys.readouterr().out.splitlines()
        return [json.loads(line) for line in lines if line.startswith("{") and '"_aws"' in line]

    yield records
    metrics.clear_metrics()


def _values(records: list[dict[str, Any]], name: str) -> list[float]:
    found: list[float] = []
    for record in records:
        if name in record:
            value = record[name]
            found.extend(value if isinstance(value, list) else [value])
    return found


def _definition(records: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for record in records:
        for directive in record["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                if metric["Name"] == name:
                    return {
                        "namespace": directive["Namespace"],
                        "unit": metric["Unit"],
                        **directive,
                        **record,
                    }
    raise AssertionError(f"no EMF record defines {name}")


def _project(**changes: Any) -> Project:
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "id": PROJECT_ID,
        "owner_id": "alice",
        "title": "Harbour",
        "settings": ProjectSettings(voice="none"),
        "status": ProjectStatus.RENDERING,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "scene_set": "set1",
        "render_id": "000001",
        "render_started_at": now - timedelta(seconds=42),
    }
    return Project(**{**fields, **changes})


def _scene(number: int = 1) -> Scene:
    return make_scene(
        PROJECT_ID, number, narration="The sea wakes up.", image_prompt="Dawn over the sea", duration=2.0
    )


class _Provider:
    """An image provider whose answer (an image or an exception) the test chooses."""

    name = "fake"
    model = "fake-1"

    def __init__(self, outcome: GeneratedImage | Exception) -> None:
        self.outcome = outcome
        self.calls = 0

    def generate(self, request: ImageRequest) -> GeneratedImage:
        self.calls += 1
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def _quiet_finish(monkeypatch: pytest.MonkeyPatch, project: Project, manifest_duration: float = 7.5) -> None:
    """finish_render's storage and table around it, reduced to what the metrics need."""
    monkeypatch.setattr(finish.projects, "get_project_any_owner", lambda project_id: project)
    monkeypatch.setattr(finish.projects, "set_render_status", lambda *args, **kwargs: True)
    monkeypatch.setattr(finish.storage, "object_size", lambda bucket, key: 10)
    monkeypatch.setattr(finish.assets, "put_asset", lambda asset: None)
    monkeypatch.setattr(finish.scenes, "all_scenes", lambda project_id, scene_set: [])
    monkeypatch.setattr(finish, "release_render_slot", lambda *args: None)
    monkeypatch.setattr(
        finish,
        "write_manifest",
        lambda project, render_id, scenes, settings: (
            SimpleNamespace(duration=manifest_duration, scenes=[]),
            10,
        ),
    )


def test_finished_render_counts_success_duration_from_claim_and_video_seconds_from_manifest(
    emf: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    _quiet_finish(monkeypatch, _project(), manifest_duration=7.5)

    finish.finish_render(PROJECT_ID, "000001", SETTINGS)
    records = emf()

    assert _values(records, "RendersSucceeded") == [1.0]
    assert _values(records, "VideoSecondsProduced") == [7.5]
    (duration,) = _values(records, "RenderDuration")
    # 42 s before, give or take the millisecond the stored time is truncated to
    assert 41.99 <= duration < 52.0
    definition = _definition(records, "RenderDuration")
    assert definition["namespace"] == NAMESPACE
    assert definition["unit"] == "Seconds"
    assert definition["service"] == "videogen-render"


def test_finished_render_takes_video_seconds_from_the_assembly_when_given(
    emf: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    _quiet_finish(monkeypatch, _project(render_started_at=None), manifest_duration=99.0)

    finish.finish_render(PROJECT_ID, "000001", SETTINGS, duration=3.25)
    records = emf()

    assert _values(records, "VideoSecondsProduced") == [3.25]
    # A project claimed before render_started_at existed has no duration to report.
    assert _values(records, "RenderDuration") == []


def test_failed_render_is_counted_in_total_and_per_error_code(
    emf: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(finish.projects, "get_project_any_owner", lambda project_id: _project())
    monkeypatch.setattr(finish.projects, "set_render_status", lambda *args, **kwargs: True)
    monkeypatch.setattr(finish, "release_render_slot", lambda *args: None)

    finish.record_failure(
        PROJECT_ID, "000001", {"Error": "ContentFilteredException", "Cause": "{}"}, SETTINGS, "req-1"
    )
    records = emf()

    assert _values(records, "RendersFailed") == [1.0]
    definition = _definition(records, "RendersFailed")
    # One record, two dimension sets: the total per service, and the breakdown by error code.
    assert definition["Dimensions"] == [["service"], ["service", "error_code"]]
    assert definition["error_code"] == "CONTENT_FILTERED"
    assert definition["namespace"] == NAMESPACE


def test_provider_call_publishes_its_latency_per_provider(emf: Records) -> None:
    provider = _Provider(IMAGE)

    images.timed_generate(provider, REQUEST)
    records = emf()

    (latency,) = _values(records, "ProviderLatency")
    assert latency >= 0
    definition = _definition(records, "ProviderLatency")
    assert definition["unit"] == "Milliseconds"
    assert definition["provider"] == "fake"
    assert ["service", "provider"] in definition["Dimensions"]
    assert _values(records, "ProviderThrottles") == []


def test_provider_throttle_is_counted_and_raised_again(emf: Records) -> None:
    provider = _Provider(RateLimitException("Slow down.", retry_after=2))

    with pytest.raises(RateLimitException):
        images.timed_generate(provider, REQUEST)
    records = emf()

    assert _values(records, "ProviderThrottles") == [1.0]
    assert _definition(records, "ProviderThrottles")["provider"] == "fake"
    assert len(_values(records, "ProviderLatency")) == 1


def test_other_provider_failures_are_not_throttles(emf: Records) -> None:
    provider = _Provider(ProviderUnavailableException("502 from the provider"))

    with pytest.raises(ProviderUnavailableException):
        images.timed_generate(provider, REQUEST)

    assert _values(emf(), "ProviderThrottles") == []


def _image_without_record(bucket: str, key: str) -> tuple[bytes, str]:
    """A cached image stored before its provenance record was written."""
    if key.endswith(".json"):
        raise ResourceNotFoundException(f"No file {key!r}.")
    return b"png", "image/png"


@pytest.mark.parametrize("cached", [False, True])
def test_scene_image_counts_generated_or_cached(
    emf: Records, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    provider = _Provider(IMAGE)
    monkeypatch.setattr(images.projects, "get_project_any_owner", lambda project_id: _project())
    monkeypatch.setattr(
        images.projects, "add_scene_done", lambda project_id, render_id, number, fallback: None
    )
    monkeypatch.setattr(images.scenes, "get_scene", lambda project_id, scene_set, number: _scene(number))
    monkeypatch.setattr(images.scenes, "mark_image", lambda *args, **kwargs: None)
    monkeypatch.setattr(images.storage, "object_exists", lambda bucket, key: cached)
    monkeypatch.setattr(images.storage, "put_bytes", lambda *args: None)
    monkeypatch.setattr(images.storage, "read_object", _image_without_record)
    monkeypatch.setattr(images, "provider_for", lambda project, settings: provider)

    images.generate_scene_image(PROJECT_ID, "000001", 1, SETTINGS)
    records = emf()

    assert _values(records, "ImagesCached") == ([1.0] if cached else [])
    assert _values(records, "ImagesGenerated") == ([] if cached else [1.0])
    assert len(_values(records, "ProviderLatency")) == (0 if cached else 1)
    assert provider.calls == (0 if cached else 1)


def test_a_fallback_is_counted_per_provider_passed_over(
    emf: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a project drawn by stability, then bedrock, then local; stability refuses the key, bedrock is down
    chain = ProjectSettings(voice="none", image_providers=("stability", "bedrock", "local"))
    outcomes: dict[str, _Provider] = {
        "stability": _Provider(ProviderAccessException("Stability AI refused the API key")),
        "bedrock": _Provider(ProviderUnavailableException("Bedrock is unavailable")),
        "local": _Provider(IMAGE),
    }
    recorded: list[Any] = []
    monkeypatch.setattr(images.projects, "get_project_any_owner", lambda project_id: _project(settings=chain))
    monkeypatch.setattr(images.projects, "add_scene_done", lambda *args: recorded.append(args[-1]))
    monkeypatch.setattr(images.scenes, "get_scene", lambda project_id, scene_set, number: _scene(number))
    monkeypatch.setattr(images.scenes, "mark_image", lambda *args, **kwargs: None)
    monkeypatch.setattr(images.storage, "object_exists", lambda bucket, key: False)
    monkeypatch.setattr(images.storage, "put_bytes", lambda *args: None)
    monkeypatch.setattr(images, "provider_for", lambda name, settings: outcomes[str(name)])
    monkeypatch.setattr(fallback.time, "sleep", lambda seconds: None)

    images.generate_scene_image(PROJECT_ID, "000001", 1, SETTINGS)
    records = emf()

    # Then each provider passed over counts once, under its own name
    fallbacks = [record for record in records if "ProviderFallbacks" in record]
    assert sorted((record["provider"], record["ProviderFallbacks"]) for record in fallbacks) == [
        ("bedrock", [1.0]),
        ("stability", [1.0]),
    ]
    assert [outcome.calls for outcome in outcomes.values()] == [1, 2, 1]
    assert recorded[0].to_provider == "local"


@pytest.mark.parametrize(("environment", "captured"), [("local", False), ("dev", True), ("prod", True)])
def test_cold_starts_are_captured_when_deployed(environment: str, captured: bool) -> None:
    assert captures_cold_start(environment) is captured


@pytest.mark.parametrize(
    ("disabled", "namespace"),
    [("true", NAMESPACE), ("false", None)],
    ids=["metrics disabled", "no namespace"],
)
def test_emit_metric_disabled_or_without_a_namespace_publishes_nothing_and_does_not_fail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], disabled: str, namespace: str | None
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", disabled)
    monkeypatch.setattr(metrics, "namespace", namespace)

    emit_metric("ProviderLatency", MetricUnit.Milliseconds, 12.5, provider="fake")

    assert capsys.readouterr().out == ""
