"""FinishRender of a render that stopped after its images: COMPLETED with its scene images recorded, no video
output recorded or measured, nothing published to a drop folder (whose result.json would claim a video)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from tests.support.models import make_scene
from videogen.config import Config
from videogen.domain import layout
from videogen.domain.enums import ProjectStatus, StopAfter
from videogen.domain.models import Asset, Project
from videogen.domain.settings import ProjectSettings
from videogen.pipeline import finish

PROJECT_ID = "0" * 32
SETTINGS = Config(media_bucket="media", table_name="table")


def _project(**changes: Any) -> Project:
    now = datetime.now(UTC)
    project = Project(
        id=PROJECT_ID,
        owner_id="alice",
        title="Harbour",
        settings=ProjectSettings(voice="none"),
        status=ProjectStatus.RENDERING,
        version=1,
        created_at=now,
        updated_at=now,
        scene_set="set1",
        render_id="000002",
        render_started_at=now,
        outbox_prefix="outbox/alice/harbour/",
    )
    return dataclasses.replace(project, **changes)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Asset]:
    """finish_render around a project whose two scenes have images; the assets it records."""
    records: list[Asset] = []
    scene_list = [
        dataclasses.replace(make_scene(PROJECT_ID, n), image_key=layout.image_key(PROJECT_ID, f"d{n}"))
        for n in (1, 2)
    ]
    monkeypatch.setattr(finish.projects, "set_render_status", lambda *args, **kwargs: True)
    monkeypatch.setattr(finish.storage, "object_size", lambda bucket, key: 10)
    monkeypatch.setattr(finish.assets, "put_asset", records.append)
    monkeypatch.setattr(finish.scenes, "all_scenes", lambda project_id, scene_set: scene_list)
    monkeypatch.setattr(finish, "release_render_slot", lambda *args: None)
    return records


def _nothing_assembled(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a render stopped after its images publishes nothing to a drop folder")


def test_an_images_only_render_records_its_stills_and_no_video(
    monkeypatch: pytest.MonkeyPatch, recorded: list[Asset]
) -> None:
    project = _project(render_stop_after=StopAfter.IMAGES)
    monkeypatch.setattr(finish.projects, "get_project_any_owner", lambda project_id: project)
    monkeypatch.setattr(
        finish, "write_manifest", lambda *args: (SimpleNamespace(duration=None, scenes=[]), 10)
    )
    monkeypatch.setattr(finish.outbox, "publish_result", _nothing_assembled)

    finish.finish_render(PROJECT_ID, "000002", SETTINGS, duration=None)

    # The manifest of the stills (who drew each, with which seed and prompt), and no video.
    assert [(a.asset_id, a.render_id) for a in recorded] == [
        ("scene-0001-image", "000002"),
        ("scene-0002-image", "000002"),
        ("manifest", "000002"),
    ]


def test_a_whole_render_records_the_video_outputs_and_publishes_them(
    monkeypatch: pytest.MonkeyPatch, recorded: list[Asset]
) -> None:
    project = _project()
    published: list[str] = []
    monkeypatch.setattr(finish.projects, "get_project_any_owner", lambda project_id: project)
    monkeypatch.setattr(
        finish, "write_manifest", lambda *args: (SimpleNamespace(duration=4.0, scenes=[]), 10)
    )
    monkeypatch.setattr(
        finish.outbox, "publish_result", lambda bucket, prefix, *rest: published.append(prefix)
    )

    finish.finish_render(PROJECT_ID, "000002", SETTINGS, duration=4.0)

    assert [a.asset_id for a in recorded][:4] == [o.asset_id for o in layout.RENDER_OUTPUTS]
    assert published == ["outbox/alice/harbour/"]
