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
from videogen.dal import storage
from videogen.domain import layout
from videogen.domain.manifest import RenderManifest
from videogen.media import assemble
from videogen.media.ffmpeg import Deadline
from videogen.media.probe import decoded_digest
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


def _decoded_digests(cloud: LocalCloud, project_id: str, render_id: str, tmp_path: Path) -> tuple[str, str]:
    """The manifest's decoded digest of the video (made from the segments' stored frame hashes), and the
    digest of the stored video decoded whole."""
    bucket = cloud.buckets["MediaBucket"]
    manifest = RenderManifest.model_validate_json(
        storage.read_object(bucket, layout.manifest_key(project_id, render_id))[0]
    )
    video = tmp_path / f"{render_id}.mp4"
    storage.download_file(bucket, layout.output_keys(project_id, render_id)["video"], video)
    recorded = manifest.outputs["video"].decoded_sha256
    assert recorded is not None
    return recorded, decoded_digest(video)


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
    # And the manifest's decoded digest, made from one reused and one new segment's hashes, is the video's
    recorded, decoded = _decoded_digests(cloud, created["id"], "000002", tmp_path)
    assert recorded == decoded
    # Both renders' segments are stored, each with its frames' hashes, all tagged for the lifecycle rule
    stored = bucket_keys(cloud, prefix=f"projects/{created['id']}/segments/")
    fragments = [key for key in stored if key.endswith(".mp4")]
    assert len(fragments) == 3
    assert sorted(stored) == sorted([*fragments, *(layout.segment_frames_key(key) for key in fragments)])
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
def test_segments_whose_frame_hashes_expired_are_decoded_by_the_join(
    api: ApiCaller, cloud: LocalCloud, tmp_path: Path
) -> None:
    # Given a project rendered once, whose segments' frame hashes then expired (the fragments did not)
    created = api.post("/projects", {"title": "Boats", "script": SCRIPT, "settings": SETTINGS}).body
    assert _render(api, created["id"])[0]["status"] == "COMPLETED"
    bucket = cloud.buckets["MediaBucket"]
    s3 = boto3.client("s3", region_name="us-east-1")
    for key in bucket_keys(cloud, prefix=f"projects/{created['id']}/segments/"):
        if key.endswith(".frames"):
            s3.delete_object(Bucket=bucket, Key=key)

    # When it renders again (every segment reused)
    project, events = _render(api, created["id"])

    # Then the join decodes the fragments for their hashes, and the digest is still the video's
    assert project["status"] == "COMPLETED", project.get("error")
    assert _entered(events, "RenderSegment") == 0
    recorded, decoded = _decoded_digests(cloud, created["id"], "000002", tmp_path)
    assert recorded == decoded


@pytest.mark.slow
def test_a_fragment_that_decodes_to_other_than_its_planned_frames_fails_the_render_naming_it(
    api: ApiCaller, cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a decoder that loses the last frame of the second segment's fragment
    real = assemble.video_frame_hashes

    def short(path: Path, **kwargs: Any) -> list[str]:
        frames = real(path, **kwargs)
        return frames[:-1] if "segment-1" in str(path) else frames

    monkeypatch.setattr(assemble, "video_frame_hashes", short)
    created = api.post("/projects", {"title": "Boats", "script": SCRIPT, "settings": SETTINGS}).body

    project, events = _render(api, created["id"])

    # Then the render fails naming the segment and the frames it lacks, and nothing of it is stored (the
    # first segment may still be storing its own: the Map does not wait for it once one has failed)
    assert project["status"] == "FAILED"
    assert project["error"]["code"] == "VIDEO_ASSEMBLY_FAILED"
    assert "Segment 2 decoded to" in project["error"]["message"]
    second = next(segment["key"] for segment in _planned(events) if segment["index"] == 1)
    stored = bucket_keys(cloud, prefix=f"projects/{created['id']}/segments/")
    assert second not in stored
    assert layout.segment_frames_key(second) not in stored
