"""Every render ends COMPLETED or FAILED, whatever dies: the fault matrix, against the local cloud.

Each test breaks one thing on the way and waits for the project to end; none may stay QUEUED or
RENDERING. (A step killed by its function's timeout or by running out of memory is in
test_from_build_faults.py: it needs the built functions' worker processes.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError

from tests.support.api import ApiCaller, wait_for_render
from tests.support.cloud import local_cloud, wait_for_executions
from tests.support.images import refuse_prompts
from tests.support.waiting import wait_until
from videogen.dal import executions, limits
from videogen.logic import renders
from videogen.providers.local import LocalImageProvider
from videogen_local.cloud import LocalCloud

SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Gulls\nGulls follow the boats.\nDuration: 1s\n"
SETTINGS = {"resolution": "480p", "fps": 24, "voice": "none"}
OWNER = "owner-alice"


@dataclass
class Hold:
    """A render held inside its image step: ``entered`` once a step waits, ``release`` lets it go on."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def held_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    """The image provider waits (at most 20 s) until the test releases it: a render held mid-way."""
    hold = Hold()
    original = LocalImageProvider.generate

    def held(self: LocalImageProvider, request: Any) -> Any:
        hold.entered.set()
        hold.release.wait(20)
        return original(self, request)

    monkeypatch.setattr(LocalImageProvider, "generate", held)
    yield hold
    hold.release.set()


def _create(api: ApiCaller) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS})
    assert created.status == 201, created.body
    return str(created.body["id"])


def _render(api: ApiCaller, project_id: str) -> dict[str, Any]:
    started = api.post(f"/projects/{project_id}/renders")
    assert started.status == 202, started.body
    return dict(started.body)


@pytest.mark.slow  # real timeouts and stops: seconds by design
def test_a_stopped_execution_ends_the_render_failed_as_aborted(
    cloud: LocalCloud, api: ApiCaller, held_provider: Hold
) -> None:
    # Given a render held while it draws its images
    project_id = _create(api)
    render = _render(api, project_id)
    assert held_provider.entered.wait(20)

    # When someone stops its execution (no Catch sees that)
    boto3.client("stepfunctions", region_name="us-east-1").stop_execution(
        executionArn=render["execution_arn"], cause="stopped by an operator"
    )
    held_provider.release.set()

    # Then the reconcile step, on Step Functions' status-change event, ends the project FAILED
    project = wait_for_render(api, project_id, timeout=30)
    assert project["status"] == "FAILED"
    assert project["error"] == {
        "code": "RENDER_ABORTED",
        "message": "The render was stopped before it finished; start it again.",
    }
    assert project["progress"] is None
    # FAILED comes first (nothing may stay RENDERING), the owner's slot a moment later
    wait_until(lambda: limits.running(OWNER) == set(), what="the slot to be released")


def test_a_failing_record_failure_still_ends_the_render_with_the_steps_reason(
    cloud: LocalCloud, api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a provider that refuses a prompt, and a RecordFailure that cannot record anything
    def broken(event: dict[str, Any], context: Any) -> Any:
        raise RuntimeError("the table is unreachable from RecordFailure")

    refuse_prompts(monkeypatch)
    cloud.functions["RecordFailureFunction"]._callable = broken
    project_id = _create(api)

    # When the render fails
    _render(api, project_id)

    # Then the state machine ends with the step's own error, and the reconcile step records it
    project = wait_for_render(api, project_id, timeout=30)
    assert project["status"] == "FAILED"
    assert project["error"] == {
        "code": "CONTENT_FILTERED",
        "message": "The image provider refused the prompt of the scene 'Gulls'.",
    }
    wait_until(lambda: limits.running(OWNER) == set(), what="the slot to be released")


@pytest.mark.slow
def test_a_claim_whose_start_never_happened_is_started_on_the_next_touch(
    cloud: LocalCloud, api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an API call that claimed the render and died before StartExecution
    project_id = _create(api)
    real_start = executions.start

    def die(*args: Any, **kwargs: Any) -> str:
        raise SystemExit("the API function's container was killed here")

    monkeypatch.setattr(executions, "start", die)
    with pytest.raises(SystemExit):
        api.post(f"/projects/{project_id}/renders")
    monkeypatch.setattr(executions, "start", real_start)
    assert api.get(f"/projects/{project_id}").body["status"] == "QUEUED"
    assert (
        executions.state(
            executions.execution_arn(cloud.state_machines["RenderStateMachine"], f"{project_id}-000001")
        )
        is None
    )

    # When the owner looks at the project once the claim is stale
    monkeypatch.setattr(renders, "STALE_CLAIM_SECONDS", -1.0)
    api.get(f"/projects/{project_id}")

    # Then the render was started under its own name, and completes
    project = wait_for_render(api, project_id, timeout=60)
    assert project["status"] == "COMPLETED", project["error"]
    names = [
        execution["name"]
        for execution in boto3.client("stepfunctions", region_name="us-east-1").list_executions(
            stateMachineArn=cloud.state_machines["RenderStateMachine"]
        )["executions"]
    ]
    assert names == [f"{project_id}-000001"]


@pytest.mark.slow
@pytest.mark.parametrize("started", [True, False], ids=["the-execution-started", "nothing-started"])
def test_start_execution_timing_out_client_side_is_looked_up_by_name(
    cloud: LocalCloud, api: ApiCaller, monkeypatch: pytest.MonkeyPatch, started: bool
) -> None:
    # Given a StartExecution whose answer never arrives (after, or instead of, starting the execution)
    client = executions.sfn_client()
    real_start = client.start_execution

    def timed_out(**kwargs: Any) -> Any:
        if started:
            real_start(**kwargs)
        raise ReadTimeoutError(endpoint_url="https://states.us-east-1.amazonaws.com")

    monkeypatch.setattr(client, "start_execution", timed_out)
    project_id = _create(api)

    # When the render is requested
    answer = api.post(f"/projects/{project_id}/renders")
    monkeypatch.setattr(client, "start_execution", real_start)

    # Then a started execution is found by its fixed name and the render completes; otherwise the render
    # fails at once, with its slot and the day's render given back
    project = wait_for_render(api, project_id, timeout=60)
    if started:
        assert answer.status == 202
        assert project["status"] == "COMPLETED", project["error"]
    else:
        assert answer.status == 500
        assert project["status"] == "FAILED"
        assert project["error"]["code"] == "STORAGE_ERROR"
        wait_until(lambda: limits.running(OWNER) == set(), what="the slot to be released")


@pytest.mark.slow  # real timeouts and stops: seconds by design
def test_an_execution_past_its_timeout_ends_the_render_failed_as_timed_out(
    tmp_path: Path, held_provider: Hold
) -> None:
    # Given a state machine whose TimeoutSeconds (a template parameter) is 2 s, and a render held longer
    with local_cloud(tmp_path, parameters={"RenderTimeoutSeconds": "2"}) as cloud:
        api = ApiCaller(cloud, OWNER)
        project_id = _create(api)
        _render(api, project_id)

        # When Step Functions times the execution out
        project = wait_for_render(api, project_id, timeout=30)
        held_provider.release.set()
        wait_for_executions(cloud)

        # Then the project ends FAILED, timed out, and the owner's slot is free
        assert project["status"] == "FAILED"
        assert project["error"]["code"] == "RENDER_TIMED_OUT"
        wait_until(lambda: limits.running(OWNER) == set(), what="the slot to be released")
