"""Provider calls are X-Ray subsegments annotated with the provider's name and the scene number, for images
and for narration alike (the tracer's provider is replaced by one that records what it is told)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.models import make_scene
from videogen.config import Config
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import Project, Scene
from videogen.domain.settings import ProjectSettings
from videogen.observability import tracer
from videogen.pipeline import images, narration
from videogen.providers.base import GeneratedImage, ImageRequest
from videogen.voice.base import Narration

PROJECT_ID = "0123456789abcdef0123456789abcdef"
SETTINGS = Config(table_name="table", media_bucket="bucket")


@dataclass
class _Subsegment:
    name: str
    annotations: dict[str, Any] = field(default_factory=dict)

    def put_annotation(self, key: str, value: Any) -> None:
        self.annotations[key] = value

    def put_metadata(self, key: str, value: Any, namespace: str = "") -> None:
        pass

    def add_exception(self, *args: Any, **kwargs: Any) -> None:
        pass


class _RecordingProvider:
    """Stands in for X-Ray: every subsegment opened, with its annotations."""

    def __init__(self) -> None:
        self.subsegments: list[_Subsegment] = []

    @contextmanager
    def in_subsegment(self, name: str, **kwargs: Any) -> Iterator[_Subsegment]:
        subsegment = _Subsegment(name)
        self.subsegments.append(subsegment)
        yield subsegment

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, *args: Any, **kwargs: Any) -> None:
        pass

    def named(self, name: str) -> _Subsegment:
        return next(subsegment for subsegment in self.subsegments if subsegment.name == name)


@pytest.fixture
def xray(monkeypatch: pytest.MonkeyPatch) -> _RecordingProvider:
    recording = _RecordingProvider()
    monkeypatch.setattr(tracer, "provider", recording)
    return recording


def _project(voice: str) -> Project:
    now = datetime.now(UTC)
    return Project(
        id=PROJECT_ID,
        owner_id="alice",
        title="Harbour",
        settings=ProjectSettings(voice=voice),
        status=ProjectStatus.RENDERING,
        version=1,
        created_at=now,
        updated_at=now,
        scene_set="set1",
    )


def _scene(number: int) -> Scene:
    return make_scene(PROJECT_ID, number, title=None, narration="The sea wakes up.", image_prompt="The sea")


def _no_storage(monkeypatch: pytest.MonkeyPatch, module: Any) -> None:
    monkeypatch.setattr(module.storage, "object_exists", lambda bucket, key: False)
    monkeypatch.setattr(module.storage, "put_bytes", lambda *args: None)
    monkeypatch.setattr(module.storage, "upload_file", lambda *args: 0)
    monkeypatch.setattr(module.storage, "copy_object", lambda *args: None)


def test_image_generation_is_a_subsegment_annotated_with_provider_and_scene(
    xray: _RecordingProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Provider:
        name = "stability"
        model = "sd3"

        def generate(self, request: ImageRequest) -> GeneratedImage:
            return GeneratedImage(b"png", "image/png", 8, 8, self.name, self.model)

    monkeypatch.setattr(images.projects, "get_project_any_owner", lambda project_id: _project("none"))
    monkeypatch.setattr(images.projects, "add_scene_done", lambda *args: None)
    monkeypatch.setattr(images.scenes, "get_scene", lambda project_id, scene_set, number: _scene(number))
    monkeypatch.setattr(images.scenes, "mark_image", lambda *args, **kwargs: None)
    monkeypatch.setattr(images, "provider_for", lambda project, settings: Provider())
    _no_storage(monkeypatch, images)

    images.generate_scene_image(PROJECT_ID, "000001", 3, SETTINGS)

    assert xray.named("## stability.generate").annotations == {"provider": "stability", "scene": "3"}


def test_narration_synthesis_is_a_subsegment_annotated_with_provider_and_scene(
    xray: _RecordingProvider, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Voice:
        name = "polly"
        cache_options = "neural"

        def synthesize(self, text: str, voice: str, workdir: Path) -> Narration:
            return Narration(audio_path=None, duration=0.0, sentences=[], voice=voice, sample_rate=0)

    monkeypatch.setattr(narration.projects, "get_project_any_owner", lambda project_id: _project("polly"))
    monkeypatch.setattr(narration.scenes, "get_scene", lambda project_id, scene_set, number: _scene(number))
    monkeypatch.setattr(narration, "get_voice_provider", lambda name: Voice())
    _no_storage(monkeypatch, narration)

    narration.synthesize_scene_narration(PROJECT_ID, 2, SETTINGS, tmp_path)

    assert xray.named("## polly.synthesize").annotations == {"provider": "polly", "scene": "2"}
