"""The cost model's state transitions are a real render's: a completed local execution's history enters
exactly the states ``videogen.domain.costs`` counts for it (AWS bills one transition per state entered).

Written for the segmented state machine of issue 14 (PlanSegments → SegmentsAndSoundtrack → ConcatVideo): on a
branch without it, this test fails at the first render's history, which has no PlanSegments step.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.waiting import wait_until
from videogen.domain import costs
from videogen_local.cloud import LocalCloud

SCRIPT = """## Dawn
The harbour wakes.
Duration: 1.5s

## Boats
Boats leave one by one.
Duration: 1.5s
Transition: cut

## Gulls
Gulls follow them out to sea.
Duration: 2s
"""
SETTINGS = {"resolution": "480p", "fps": 24, "aspect_ratio": "16:9", "voice": "none"}


def _history(execution_arn: str) -> list[dict[str, Any]]:
    client = boto3.client("stepfunctions", region_name="us-east-1")
    pages = client.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    return [event for page in pages for event in page["events"]]


def _states_entered(events: list[dict[str, Any]]) -> Counter[str]:
    """How many times each state was entered (one billed transition each)."""
    return Counter(
        event["stateEnteredEventDetails"]["name"]
        for event in events
        if event["type"].endswith("StateEntered")
    )


def _planned_segments(events: list[dict[str, Any]]) -> tuple[int, int]:
    """(G, R): the segments PlanSegments planned and how many of them it found stored (``$.planned``)."""
    for event in events:
        details = event.get("stateExitedEventDetails") or {}
        if details.get("name") == "PlanSegments":
            segments = json.loads(details["output"])["planned"]["segments"]
            return len(segments), sum(1 for segment in segments if segment["reused"])
    raise AssertionError("the execution has no PlanSegments step: not the segmented state machine")


def _render_and_compare(api: ApiCaller, project_id: str) -> costs.RenderShape:
    dry = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"})
    assert dry.status == 200, dry.body
    started = api.post(f"/projects/{project_id}/renders")
    assert started.status == 202, started.body
    project = wait_for_render(api, project_id)
    assert project["status"] == "COMPLETED", project.get("error")

    # FinishRender marks the project COMPLETED a state before the execution ends: wait for its end.
    client = boto3.client("stepfunctions", region_name="us-east-1")
    arn = started.body["execution_arn"]
    wait_until(lambda: client.describe_execution(executionArn=arn)["status"] != "RUNNING", 30, what="the end")
    events = _history(arn)
    segments, reused = _planned_segments(events)
    plan = dry.body["plan"]
    shape = costs.RenderShape(
        scenes=plan["scenes"],
        images_to_generate=plan["images_to_generate"],
        images_cached=plan["images_cached"],
        narration_seconds=plan["narration_seconds"],
        narration_characters=plan["narration_characters"],
        video_seconds=plan["video_seconds"],
        segments=segments,
        segments_reused=reused,
        width=plan["width"],
        height=plan["height"],
        image_provider=plan["image_provider"],
        voice_provider=plan["voice_provider"],
    )
    entered = _states_entered(events)
    expected = {name: count for name, count in costs.states_entered(shape).items() if count}
    assert dict(entered) == expected
    assert sum(entered.values()) == costs.state_transitions(shape)
    # The dry run's segments are the plan's (it prices every segment as rendered: an upper bound)
    assert plan["segments"] == segments
    return shape


@pytest.mark.slow
def test_a_real_executions_states_entered_are_the_cost_models_transitions(
    api: ApiCaller, cloud: LocalCloud
) -> None:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS})
    assert created.status == 201, created.body
    project_id = created.body["id"]

    # A first render draws every image and renders every segment
    first = _render_and_compare(api, project_id)
    assert (first.images_to_generate, first.segments_reused) == (3, 0)

    # The same render again finds every image cached and every segment stored
    second = _render_and_compare(api, project_id)
    assert second.images_to_generate == 0
    assert second.segments_reused == second.segments
