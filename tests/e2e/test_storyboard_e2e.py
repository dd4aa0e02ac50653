"""Approve the pictures, then pay for the video: a render with stop_after images ends COMPLETED with the
stills, their thumbnails and the storyboard, and no video; the next whole render draws no image again (the
cache) and assembles; a later images-only render leaves that video listed as the earlier render's."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.build import both_ways
from tests.support.cloud import bucket_keys
from videogen.config import get_config
from videogen.dal import storage
from videogen.domain import layout
from videogen_local.cloud import LocalCloud

SCRIPT = """## Dawn
The harbour wakes.
Duration: 1.5s

## Boats
Boats leave one by one.
Duration: 1.5s

## Gulls
Gulls follow them out to sea.
Duration: 2s
"""
SETTINGS = {
    "resolution": "480p",
    "fps": 24,
    "aspect_ratio": "16:9",
    "voice": "none",
    "image_provider": "local",
}
STILLS = {f"scene-000{n}-image" for n in (1, 2, 3)}
THUMBNAILS = {f"scene-000{n}-thumbnail" for n in (1, 2, 3)}
VIDEO_OUTPUTS = {"video", "subtitles-srt", "subtitles-vtt", "thumbnail"}


def _states_entered(execution_arn: str) -> list[str]:
    client = boto3.client("stepfunctions", region_name="us-east-1")
    events = client.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [
        event["stateEnteredEventDetails"]["name"] for event in events if "stateEnteredEventDetails" in event
    ]


def _render(
    api: ApiCaller, project_id: str, body: dict[str, Any] | None = None
) -> tuple[dict[str, Any], str]:
    """Start a render, wait for its end: the project then, and the execution's ARN."""
    started = api.post(f"/projects/{project_id}/renders", body)
    assert started.status == 202, started.body
    project = wait_for_render(api, project_id, timeout=180)
    assert project["status"] == "COMPLETED", project.get("error")
    return project, str(started.body["execution_arn"])


def _assets(api: ApiCaller, project_id: str) -> dict[str, dict[str, Any]]:
    return {asset["id"]: asset for asset in api.get(f"/projects/{project_id}/assets").body["items"]}


@pytest.mark.slow
@both_ways
def test_images_first_then_the_video_reuses_them(api: ApiCaller, cloud: LocalCloud) -> None:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}).body
    project_id = created["id"]

    # When the pictures are rendered first
    project, first_arn = _render(api, project_id, {"stop_after": "images"})

    # Then it is COMPLETED with the stills, their thumbnails and the storyboard, and nothing assembled
    assert project["render"] == {
        "id": "000001",
        "stop_after": "images",
        "outputs": ["storyboard", "manifest"],
    }
    assert project["progress"] is None and project["error"] is None
    assets = _assets(api, project_id)
    assert set(assets) == {"storyboard", "manifest", *STILLS, *THUMBNAILS}
    assert {asset["render_id"] for asset in assets.values()} == {"000001"}
    assert assets["storyboard"]["download_url"]
    sheet, content_type = storage.read_object(
        get_config().media_bucket, layout.STORYBOARD.key(project_id, "000001")
    )
    assert (sheet[:3], content_type) == (b"\xff\xd8\xff", "image/jpeg")
    entered = _states_entered(first_arn)
    assert entered.count("GenerateImage") == 3
    # (the storyboard and the choice are the two branches of one parallel state: in either order)
    assert entered[-6] == "StoryboardAndVideo"
    assert sorted(entered[-5:-2]) == ["ImagesOnly", "MakeStoryboard", "StopAfterImages"]
    assert entered[-2:] == ["FinishRender", "RenderSucceeded"]
    assert "PlanSegments" not in entered and "ConcatVideo" not in entered
    # Three stills, each with its provenance record beside it.
    images = sorted(
        key for key in bucket_keys(cloud, prefix=layout.project_prefix(project_id)) if "/images/" in key
    )
    assert len([key for key in images if key.endswith(".png")]) == 3
    assert len(images) == 6

    # When the whole video is rendered after
    project, second_arn = _render(api, project_id)

    # Then no image is drawn again (the cache), the storyboard is made again, and the video is this render's
    entered = _states_entered(second_arn)
    assert "GenerateImage" not in entered
    assert (
        entered.index("StoryboardAndVideo") < entered.index("MakeStoryboard") < entered.index("FinishRender")
    )
    assert (
        entered.index("StoryboardAndVideo") < entered.index("StopAfterImages") < entered.index("PlanSegments")
    )
    assert "ImagesOnly" not in entered
    assert (
        sorted(k for k in bucket_keys(cloud, prefix=layout.project_prefix(project_id)) if "/images/" in k)
        == images
    )
    assets = _assets(api, project_id)
    assert set(assets) == {"storyboard", "manifest", *STILLS, *THUMBNAILS, *VIDEO_OUTPUTS}
    assert {asset["render_id"] for asset in assets.values()} == {"000002"}
    assert project["render"]["outputs"] == [
        "storyboard",
        "manifest",
        "video",
        "subtitles-srt",
        "subtitles-vtt",
        "thumbnail",
    ]

    # When the pictures are rendered once more, images only
    project, third_arn = _render(api, project_id, {"stop_after": "images"})

    # Then the earlier video stays listed, as render 000002's, not as this render's
    assert project["render"] == {
        "id": "000003",
        "stop_after": "images",
        "outputs": ["storyboard", "manifest"],
    }
    assets = _assets(api, project_id)
    assert {name: assets[name]["render_id"] for name in VIDEO_OUTPUTS} == dict.fromkeys(
        VIDEO_OUTPUTS, "000002"
    )
    assert {assets[name]["render_id"] for name in {"storyboard", "manifest", *STILLS, *THUMBNAILS}} == {
        "000003"
    }
    assert "GenerateImage" not in _states_entered(third_arn)
