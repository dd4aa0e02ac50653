"""Segments through the state machine: a Map renders them, an edited scene re-renders only its segment (the
execution shows which were reused), and a segment that keeps failing fails the render naming it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.cloud import bucket_keys
from videogen.config import get_config
from videogen.dal import storage
from videogen.domain import layout
from videogen.media import assemble
from videogen.media.ffmpeg import Deadline
from videogen.media.probe import decoded_frames
from videogen_local.cloud import LocalCloud

# Six one-second scenes joined by cuts: at 480p, four scenes per segment, so two segments (1-4, 5-6).
SCRIPT = "".join(
    f"## Part {n}\nThe boat sails on, part {n}.\nDuration: 1s\nTransition: cut\n\n" for n in range(1, 7)
)
SETTINGS = {"resolution": "480p", "fps": 24, "aspect_ratio": "16:9", "voice": "none"}


def _history(execution_arn: str) -> list[dict[str, Any]]:
    client = boto3.client("stepfunctions", region_name="us-east-1")
    events: list[dict[str, Any]] = []
    for page in client.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events.extend(page["events"])
    return events


def _entered(events: Sequence[dict[str, Any]], state: str) -> int:
    return sum(1 for event in events if event.get("stateEnteredEventDetails", {}).get("name") == state)


def _planned(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    for event in events:
        details = event.get("stateExitedEventDetails", {})
        if details.get("name") == "PlanSegments":
            return list(json.loads(details["output"])["planned"]["segments"])
    raise AssertionError("PlanSegments never finished")


def _pictures(project_id: str, render_id: str, tmp_path: Path) -> list[str]:
    """The hash of each picture the render's video decodes to, in order."""
    video = tmp_path / f"{render_id}.mp4"
    storage.download_file(
        get_config().media_bucket, layout.output_keys(project_id, render_id)["video"], video
    )
    return [line.rsplit(",", 1)[-1].strip() for line in decoded_frames(video) if line.startswith("0,")]


def _render(api: ApiCaller, project_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    started = api.post(f"/projects/{project_id}/renders")
    assert started.status == 202, started.body
    project = wait_for_render(api, project_id)
    return project, _history(started.body["execution_arn"])


@pytest.mark.slow
def test_editing_one_scene_re_renders_only_its_segment_and_the_execution_shows_the_reused(
    api: ApiCaller, cloud: LocalCloud, tmp_path: Path
) -> None:
    # Given a project rendered once: both segments rendered
    created = api.post("/projects", {"title": "Boats", "script": SCRIPT, "settings": SETTINGS}).body
    project, first = _render(api, created["id"])
    assert project["status"] == "COMPLETED", project.get("error")
    assert [segment["reused"] for segment in _planned(first)] == [False, False]
    assert (_entered(first, "RenderSegment"), _entered(first, "ReuseSegment")) == (2, 0)

    # When scene 5's picture changes and the project renders again
    assert (
        api.patch(f"/projects/{created['id']}/scenes/5", {"image_prompt": "a red lighthouse"}).status == 200
    )
    project, second = _render(api, created["id"])

    # Then only the second segment is rendered; the execution shows the first as reused
    assert project["status"] == "COMPLETED", project.get("error")
    planned = _planned(second)
    assert [(segment["scenes"], segment["reused"]) for segment in planned] == [
        ([1, 2, 3, 4], True),
        ([5, 6], False),
    ]
    assert (_entered(second, "RenderSegment"), _entered(second, "ReuseSegment")) == (1, 1)
    assert planned[0]["key"] == _planned(first)[0]["key"]
    assert planned[1]["key"] != _planned(first)[1]["key"]
    # And the video shows the reused segment's pictures exactly as the first render did, then new ones
    first_pictures, second_pictures = (
        _pictures(created["id"], render, tmp_path) for render in ("000001", "000002")
    )
    assert len(first_pictures) == len(second_pictures) == 6 * 24
    assert second_pictures[: 4 * 24] == first_pictures[: 4 * 24]
    assert second_pictures[4 * 24 :] != first_pictures[4 * 24 :]
    # Both renders' segments are stored (nothing beside them), all tagged for the lifecycle rule
    stored = bucket_keys(cloud, prefix=f"projects/{created['id']}/segments/")
    assert len(stored) == 3 and all(key.endswith(".mp4") for key in stored)
    s3 = boto3.client("s3", region_name="us-east-1")
    for key in stored:
        tags = s3.get_object_tagging(Bucket=cloud.buckets["MediaBucket"], Key=key)["TagSet"]
        assert tags == [{"Key": "videogen-intermediate", "Value": "true"}], key


@pytest.mark.slow
def test_a_segment_that_keeps_failing_fails_the_render_naming_the_segment_and_its_scenes(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given ffmpeg that fails on the second segment every time (a filtergraph it cannot parse)
    real = assemble.run_ffmpeg
    attempts: list[str] = []

    def failing(args: Sequence[str], *, deadline: Deadline | None = None, what: str = "ffmpeg") -> str:
        if what.startswith("segment 2"):
            attempts.append(what)
            args = ["-f", "lavfi", "-i", "nullsrc", "-vf", "no_such_filter", "-f", "null", "-"]
        return real(args, deadline=deadline, what=what)

    monkeypatch.setattr(assemble, "run_ffmpeg", failing)
    created = api.post("/projects", {"title": "Boats", "script": SCRIPT, "settings": SETTINGS}).body

    project, events = _render(api, created["id"])

    # Then the render fails with the segment and its scenes named, after the segment alone was retried
    assert project["status"] == "FAILED"
    assert project["error"]["code"] == "VIDEO_ASSEMBLY_FAILED"
    assert "segment 2 (scenes 5, 6)" in project["error"]["message"]
    assert _entered(events, "RenderSegment") == 2
    assert attempts == ["segment 2 (scenes 5, 6)"]


@pytest.mark.slow
def test_the_map_renders_the_longest_segments_first(api: ApiCaller) -> None:
    # Given scenes whose second segment (scenes 5-6, 5 s) is longer than the first (scenes 1-4, 4 s)
    script = "".join(
        f"## Part {n}\nPart {n}.\nDuration: {1 if n <= 4 else 2.5}s\nTransition: cut\n\n" for n in range(1, 7)
    )
    created = api.post("/projects", {"title": "Lengths", "script": script, "settings": SETTINGS}).body

    project, events = _render(api, created["id"])

    # Then the Map's items come longest first, each still named by its place in the video
    assert project["status"] == "COMPLETED", project.get("error")
    assert [(segment["index"], segment["scenes"]) for segment in _planned(events)] == [
        (1, [5, 6]),
        (0, [1, 2, 3, 4]),
    ]


@pytest.mark.slow
def test_a_fragment_that_holds_other_than_its_planned_frames_fails_the_render_naming_it(
    api: ApiCaller, cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an encoder that loses the last frame of the second segment's fragment (as its count shows)
    real = assemble.count_video_frames

    def short(path: Path) -> int:
        frames = real(path)
        return frames - 1 if "segment-1" in str(path) else frames

    monkeypatch.setattr(assemble, "count_video_frames", short)
    created = api.post("/projects", {"title": "Boats", "script": SCRIPT, "settings": SETTINGS}).body

    project, events = _render(api, created["id"])

    # Then the render fails naming the segment and the frames it holds, and nothing of it is stored (the
    # first segment may still be storing its own: the Map does not wait for it once one has failed)
    assert project["status"] == "FAILED"
    assert project["error"]["code"] == "VIDEO_ASSEMBLY_FAILED"
    assert "Segment 2 holds 47 frames, not the 48 planned" in project["error"]["message"]
    second = next(segment["key"] for segment in _planned(events) if segment["index"] == 1)
    assert second not in bucket_keys(cloud, prefix=f"projects/{created['id']}/segments/")
