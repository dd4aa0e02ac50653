"""How an execution's end becomes a project's final state, and how long an execution may run."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tests.support.paths import ROOT
from videogen.domain.limits import MAX_SCENES
from videogen.pipeline.events import ExecutionEvent, ExecutionStatusChange
from videogen.pipeline.reconcile import RECORDED_FAILURE, execution_failure
from videogen_local.template import Template

PROJECT_ID = "0123456789abcdef0123456789abcdef"


def change(
    status: str, error: str | None = None, cause: str | None = None, **extra: Any
) -> ExecutionStatusChange:
    return ExecutionStatusChange.model_validate(
        {
            "executionArn": f"arn:aws:states:us-east-1:123456789012:execution:render:{PROJECT_ID}-000002",
            "name": f"{PROJECT_ID}-000002",
            "status": status,
            "error": error,
            "cause": cause,
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("status", "code"),
    [("TIMED_OUT", "RENDER_TIMED_OUT"), ("ABORTED", "RENDER_ABORTED"), ("FAILED", "RENDER_CRASHED")],
)
def test_an_execution_that_ended_unrecorded_gets_its_reason(status: str, code: str) -> None:
    reason = execution_failure(change(status, error="States.Runtime" if status == "FAILED" else None))

    assert reason is not None
    assert reason["code"] == code
    assert reason["message"]
    assert "States.Runtime" not in reason["message"]


def test_a_failure_recorded_by_record_failure_needs_nothing_more() -> None:
    assert execution_failure(change("FAILED", error=RECORDED_FAILURE)) is None
    assert execution_failure(change("SUCCEEDED")) is None


def test_the_original_error_of_a_failed_record_failure_is_described_like_a_caught_one() -> None:
    cause = json.dumps(
        {"errorType": "NarrationTooLongException", "errorMessage": "Scene 2's narration is long."}
    )

    reason = execution_failure(change("FAILED", error="NarrationTooLongException", cause=cause))

    assert reason == {"code": "NARRATION_TOO_LONG", "message": "Scene 2's narration is long."}


def test_the_render_comes_from_the_input_else_from_the_execution_name() -> None:
    with_input = change("ABORTED", input=json.dumps({"project_id": PROJECT_ID, "render_id": "000007"}))
    without = change("ABORTED")

    assert (with_input.render().project_id, with_input.render().render_id) == (PROJECT_ID, "000007")
    assert (without.render().project_id, without.render().render_id) == (PROJECT_ID, "000002")


def test_the_eventbridge_envelope_parses_as_step_functions_sends_it() -> None:
    event = {
        "version": "0",
        "id": "315c1398-40ff-a850-213b-158f73e60175",
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": "123456789012",
        "time": "2026-12-05T16:23:01Z",
        "region": "us-east-1",
        "resources": ["arn:aws:states:us-east-1:123456789012:execution:render:x"],
        "detail": {
            "executionArn": "arn:aws:states:us-east-1:123456789012:execution:render:x",
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:render",
            "name": f"{PROJECT_ID}-000001",
            "status": "TIMED_OUT",
            "startDate": 1796500000000,
            "stopDate": 1796518000000,
            "input": json.dumps({"project_id": PROJECT_ID, "render_id": "000001", "request_id": "r"}),
            "output": None,
            "error": None,
            "cause": None,
        },
    }

    parsed = ExecutionEvent.model_validate(event)

    assert parsed.detail.status == "TIMED_OUT"
    assert parsed.detail.render().render_id == "000001"


def test_the_execution_timeout_covers_the_longest_render_the_limits_admit() -> None:
    # Every step at its function's timeout, the scene Maps in waves of their default concurrency
    template = Template.load(ROOT / "template.yaml")
    parameters = template.body["Parameters"]
    functions = template.resources_of_type("AWS::Serverless::Function")
    default_timeout = int(template.function_globals().get("Timeout", 3))

    def timeout(logical_id: str) -> int:
        return int(functions[logical_id]["Properties"].get("Timeout", default_timeout))

    image_waves = math.ceil(MAX_SCENES / int(parameters["ImageConcurrency"]["Default"]))
    narration_waves = math.ceil(MAX_SCENES / int(parameters["NarrationConcurrency"]["Default"]))
    # At worst one scene per segment (segments.segment_size at the largest frame).
    segment_waves = math.ceil(MAX_SCENES / int(parameters["SegmentConcurrency"]["Default"]))
    longest = (
        timeout("PrepareRenderFunction")
        + max(
            image_waves * timeout("GenerateImageFunction"),
            narration_waves * timeout("SynthesizeNarrationFunction"),
        )
        + timeout("PlanSegmentsFunction")
        + max(segment_waves * timeout("RenderSegmentFunction"), timeout("MixAudioFunction"))
        + timeout("ConcatVideoFunction")
        + timeout("FinishRenderFunction")
        + timeout("RecordFailureFunction")
    )
    asl = (ROOT / "infra" / "statemachine" / "render.asl.json").read_text(encoding="utf-8")

    assert '"TimeoutSeconds": ${RenderTimeoutSeconds}' in asl
    assert int(parameters["RenderTimeoutSeconds"]["Default"]) >= longest
    # ... and not far beyond it: a stuck execution should not wait for hours more than it must
    assert int(parameters["RenderTimeoutSeconds"]["Default"]) <= 1.5 * longest
