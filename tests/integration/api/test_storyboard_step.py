"""MakeStoryboard on the local cloud (moto): a render stopped after its images stores the storyboard and a
thumbnail per scene as JPEGs of the stated sizes, records them as assets of that render (downloadable), and
assembles nothing. The step's durations are the timeline's, and running it again changes nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import pytest
from PIL import Image

from tests.support.api import ApiCaller, wait_for_render
from tests.support.cloud import bucket_keys, module_cloud_fixture
from videogen.config import get_config
from videogen.dal import assets as asset_dal
from videogen.dal import projects, scenes, storage
from videogen.domain import layout
from videogen.exceptions import RenderSupersededException
from videogen.media import storyboard
from videogen.pipeline.assemble import time_scenes
from videogen_local.cloud import LocalCloud

# Portrait at 480p: a 6-column sheet; three scenes of fixed lengths, one with a title too long for its card.
SETTINGS = {
    "resolution": "480p",
    "fps": 24,
    "aspect_ratio": "9:16",
    "voice": "none",
    "image_provider": "local",
}
LONG_TITLE = "The night the harbour lights came back on after the storm"
SCRIPT = (
    "## Dawn\nThe harbour wakes.\nDuration: 2s\n\n"
    f"## {LONG_TITLE}\nBoats leave one by one.\nDuration: 3s\n\n"
    "## Dusk\nThe lamp is lit.\nDuration: 2.5s\n"
)


def _jpeg(bucket: str, key: str) -> Image.Image:
    data, _ = storage.read_object(bucket, key)
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "JPEG"
    return image


#: One cloud and one render for the module: the tests read what it left, and one more step invoke.
cloud = module_cloud_fixture()


@pytest.fixture(scope="module")
def stopped_render(cloud: LocalCloud) -> dict[str, Any]:
    """A project rendered with stop_after images, once it has ended."""
    api = ApiCaller(cloud, "owner-alice")
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}).body
    started = api.post(f"/projects/{created['id']}/renders", {"stop_after": "images"})
    assert started.status == 202, started.body
    project = wait_for_render(api, created["id"])
    assert project["status"] == "COMPLETED", project.get("error")
    return project


def test_stop_after_images_stores_a_storyboard_and_thumbnails_as_assets(
    api: ApiCaller, cloud: LocalCloud, stopped_render: dict[str, Any]
) -> None:
    project_id = stopped_render["id"]
    bucket = get_config().media_bucket

    # The storyboard: 1600 px wide, one row of three portrait cards under a heading.
    sheet = _jpeg(bucket, layout.STORYBOARD.key(project_id, "000001"))
    expected = storyboard.sheet_layout(3, (480, 854), header=True)
    assert sheet.size == (1600, expected.height)
    assert (expected.columns, expected.rows) == (6, 1)
    # Each scene's thumbnail: 480 px on its long side.
    for number in (1, 2, 3):
        thumbnail = _jpeg(bucket, layout.scene_thumbnail_key(project_id, "000001", number))
        assert thumbnail.size == storyboard.thumbnail_size((480, 854)) == (270, 480)
    # Nothing was assembled: no plan, no segment, no video under the project.
    keys = bucket_keys(cloud, prefix=layout.project_prefix(project_id))
    assert not [key for key in keys if key.endswith((".mp4", "plan.json", ".m4a", ".srt"))]

    listed = api.get(f"/projects/{project_id}/assets").body["items"]
    by_id = {asset["id"]: asset for asset in listed}
    assert set(by_id) == {
        "storyboard",
        "manifest",
        *(f"scene-000{n}-thumbnail" for n in (1, 2, 3)),
        *(f"scene-000{n}-image" for n in (1, 2, 3)),
    }
    assert all(asset["render_id"] == "000001" for asset in listed)
    assert (by_id["storyboard"]["kind"], by_id["storyboard"]["content_type"]) == ("storyboard", "image/jpeg")
    assert by_id["scene-0002-thumbnail"]["kind"] == "scene_thumbnail"
    assert by_id["scene-0002-thumbnail"]["scene_number"] == 2
    assert by_id["storyboard"]["size"] == storage.object_size(
        bucket, layout.STORYBOARD.key(project_id, "000001")
    )
    one = api.get(f"/projects/{project_id}/assets/storyboard")
    assert one.status == 200 and one.body["download_url"]
    assert stopped_render["render"] == {
        "id": "000001",
        "stop_after": "images",
        "outputs": ["storyboard", "manifest"],
    }


def test_the_storyboard_shows_the_timelines_scene_lengths(
    cloud: LocalCloud, stopped_render: dict[str, Any]
) -> None:
    # The lengths on the cards are the timeline's (whole frames at 24 fps): what assembly would give.
    project = projects.get_project_any_owner(stopped_render["id"])
    all_scenes = scenes.all_scenes(project.id, project.scene_set or "")
    _, timing = time_scenes(project, all_scenes, get_config())

    assert [storyboard.duration_label(t.duration) for t in timing.timings] == ["2.0 s", "3.0 s", "2.5 s"]
    history = _history(cloud, project.execution_arn or "")
    entered = [
        event["stateEnteredEventDetails"]["name"] for event in history if "stateEnteredEventDetails" in event
    ]
    # (the storyboard and the choice are the two branches of one parallel state: in either order)
    assert entered[-6] == "StoryboardAndVideo"
    assert sorted(entered[-5:-2]) == ["ImagesOnly", "MakeStoryboard", "StopAfterImages"]
    assert entered[-2:] == ["FinishRender", "RenderSucceeded"]
    assert "PlanSegments" not in entered
    storyboard_output = next(
        json.loads(event["stateExitedEventDetails"]["output"])
        for event in history
        if event.get("stateExitedEventDetails", {}).get("name") == "MakeStoryboard"
    )
    assert storyboard_output["storyboard"] == {
        "storyboard_key": layout.STORYBOARD.key(project.id, "000001"),
        "thumbnails": 3,
    }


def test_the_step_of_an_ended_render_changes_nothing(
    cloud: LocalCloud, stopped_render: dict[str, Any]
) -> None:
    project_id = stopped_render["id"]
    before = asset_dal.get_asset(project_id, "storyboard")

    # (In process, the handler's own exception comes out of the invoke.)
    with pytest.raises(RenderSupersededException):
        cloud.invoke("MakeStoryboardFunction", {"project_id": project_id, "render_id": "000001"})

    assert asset_dal.get_asset(project_id, "storyboard") == before


def _history(cloud: LocalCloud, execution_arn: str) -> list[dict[str, Any]]:
    client = boto3.client("stepfunctions", region_name="us-east-1")
    return list(client.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop_after", "stages"),
    [({"stop_after": "images"}, ["images", "storyboard"]), (None, ["images", "assembling", "assembling"])],
)
def test_the_progress_says_storyboard_only_when_the_render_stops_there_and_never_goes_back(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch, stop_after: dict[str, str] | None, stages: list[str]
) -> None:
    # Given every progress stage the steps write
    written: list[str] = []
    real = projects.set_render_status

    def spy(project_id: str, render_id: str, status: Any, **kwargs: Any) -> bool:
        if kwargs.get("progress") is not None:
            written.append(kwargs["progress"].stage)
        return real(project_id, render_id, status, **kwargs)

    monkeypatch.setattr(projects, "set_render_status", spy)
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}).body

    # When the project renders (a whole video: the storyboard is drawn beside PlanSegments, in any order)
    assert api.post(f"/projects/{created['id']}/renders", stop_after).status == 202
    project = wait_for_render(api, created["id"])

    # Then an images-only render waits on its storyboard, and a whole one says assembling from its images on
    assert project["status"] == "COMPLETED", project.get("error")
    assert written == stages
