"""One request id finds everything a render did: the API request's id travels into the execution input and
into the logs of every step (correlation_id), on success and on failure."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller
from tests.support.images import refuse_prompts
from tests.support.logs import LogCapture
from tests.support.waiting import wait_until

SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n"
SETTINGS = {"resolution": "480p", "fps": 24, "voice": "none"}
REQUEST_ID = "trace-render-0001"


def _render(api: ApiCaller) -> dict[str, Any]:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}).body
    started = api.post(f"/projects/{created['id']}/renders", headers={"X-Request-Id": REQUEST_ID})
    assert started.status == 202, started.body
    assert started.headers["X-Request-Id"] == REQUEST_ID
    # Waited for through Step Functions, not the API: the local cloud runs every function in this one
    # process, where a polling API request would share the logger with the steps being traced.
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    execution_input = json.loads(sfn.describe_execution(executionArn=started.body["execution_arn"])["input"])
    assert execution_input["request_id"] == REQUEST_ID
    wait_until(
        lambda: sfn.describe_execution(executionArn=started.body["execution_arn"])["status"] != "RUNNING",
        60,
        0.1,
        "the render to end",
    )
    return dict(api.get(f"/projects/{created['id']}").body)


def _traced(logs: LogCapture) -> set[str]:
    """The messages logged under REQUEST_ID (each step logs its own: the message names the step)."""
    return {entry["message"] for entry in logs.entries() if entry.get("correlation_id") == REQUEST_ID}


@pytest.mark.slow
def test_one_request_id_finds_the_logs_of_every_step_of_a_render(api: ApiCaller, logs: LogCapture) -> None:
    project = _render(api)

    assert project["status"] == "COMPLETED", project.get("error")
    assert _traced(logs) >= {
        "Render started",  # the API function
        "Render prepared",  # PrepareRender
        "Image generated",  # GenerateImage
        "Narration skipped: the project has no voice",  # SynthesizeNarration
        "Render planned",  # PlanSegments
        "Segment rendered",  # RenderSegment
        "Soundtrack mixed",  # MixAudio
        "Video joined",  # ConcatVideo
        "Render completed",  # FinishRender
    }
    # The render's lines carry the project too, so either key finds them.
    traced = [entry for entry in logs.entries() if entry.get("correlation_id") == REQUEST_ID]
    assert {entry.get("project_id") for entry in traced} == {project["id"]}


def test_the_request_id_reaches_the_failure_step_of_a_failed_render(
    api: ApiCaller, logs: LogCapture, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_prompts(monkeypatch)

    project = _render(api)

    assert project["status"] == "FAILED"
    assert project["error"]["code"] == "CONTENT_FILTERED"
    assert _traced(logs) >= {"Render started", "Render prepared", "Render failed"}
