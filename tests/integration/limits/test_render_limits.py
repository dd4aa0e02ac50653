"""Per-owner render limits: at most N renders running and M started per UTC day, counted in DynamoDB with
transactions (correct under concurrency), answered with 429 RATE_LIMITED and Retry-After; and the bound on
what one render may cost (seconds x pixels), answered with 422."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from pynamodb.connection import Connection
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from tests.support.api import ApiCaller, wait_for_render
from videogen.api.routes import renders as render_routes
from videogen.config import Config, get_config
from videogen.dal import executions, limits, projects
from videogen.dal.table_keys import limits_day_sk, owner_pk
from videogen.dal.tables import OwnerDayItem
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import RenderFailure
from videogen.exceptions import RateLimitException, StorageException
from videogen.logic import renders
from videogen.pipeline import finish
from videogen_local.cloud import LocalCloud

OWNER = "owner-alice"
TINY = {"resolution": "480p", "fps": 24, "voice": "none"}
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n"


def _project(api: ApiCaller, script: str = SCRIPT, settings: dict[str, Any] | None = None) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": script, "settings": settings or TINY})
    assert created.status == 201, created.body
    return str(created.body["id"])


def _settings(running: int = 2, per_day: int = 50) -> Config:
    return get_config().model_copy(
        update={"max_running_renders_per_owner": running, "max_renders_per_day_per_owner": per_day}
    )


@pytest.fixture
def no_executions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Starting a render records its execution name but runs nothing: the limits are what is tested."""
    started: list[str] = []

    def start(state_machine_arn: str | None, name: str, payload: dict[str, Any]) -> str:
        started.append(name)
        return executions.execution_arn(state_machine_arn or "arn:aws:states:::stateMachine:x", name)

    monkeypatch.setattr(executions, "start", start)
    return started


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _start(project_id: str, settings: Config) -> renders.Render:
    return renders.start_render(OWNER, project_id, settings.state_machine_arn, "req-limits-01", settings)


def test_racing_render_requests_past_the_running_limit_exactly_n_win(
    api: ApiCaller, no_executions: list[str]
) -> None:
    # Given six projects of one owner whose limit is two running renders
    project_ids = [_project(api) for _ in range(6)]
    settings = _settings(running=2)
    barrier = threading.Barrier(len(project_ids))
    outcomes: dict[str, Any] = {}

    def request(project_id: str) -> None:
        barrier.wait()
        try:
            outcomes[project_id] = _start(project_id, settings)
        except RateLimitException as exc:
            outcomes[project_id] = exc

    # When all six ask for a render at the same moment
    threads = [threading.Thread(target=request, args=(project_id,)) for project_id in project_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly two renders are queued, and the others are told to retry later
    won = sorted(pid for pid, outcome in outcomes.items() if isinstance(outcome, renders.Render))
    refused = [outcome for outcome in outcomes.values() if isinstance(outcome, RateLimitException)]
    assert len(won) == 2
    assert len(refused) == 4
    assert all(exc.retry_after == renders.RUNNING_RETRY_AFTER_SECONDS for exc in refused)
    assert all(exc.details["limit"] == "running_renders" for exc in refused)
    assert limits.running(OWNER) == {f"{pid}-000001" for pid in won}
    assert sorted(no_executions) == sorted(f"{pid}-000001" for pid in won)
    # A refused claim changed nothing: its project is still a draft, and the day counts only the winners.
    statuses = {pid: projects.get_project(OWNER, pid).status for pid in project_ids}
    assert sorted(pid for pid, status in statuses.items() if status is ProjectStatus.QUEUED) == won
    assert limits.renders_on(OWNER, _today()) == 2


def test_the_day_limit_refuses_the_next_render_until_midnight_utc(
    api: ApiCaller, no_executions: list[str]
) -> None:
    settings = _settings(running=10, per_day=3)
    project_ids = [_project(api) for _ in range(4)]
    for project_id in project_ids[:3]:
        _start(project_id, settings)

    with pytest.raises(RateLimitException) as refused:
        _start(project_ids[3], settings)

    now = datetime.now(UTC)
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    assert refused.value.details["limit"] == "renders_per_day"
    assert refused.value.details["maximum"] == 3
    # Retry-After was rounded up when the render was refused, a moment before ``now``.
    assert 0 < refused.value.retry_after <= (midnight - now).total_seconds() + 5
    assert limits.renders_on(OWNER, _today()) == 3
    assert projects.get_project(OWNER, project_ids[3]).status is ProjectStatus.DRAFT
    # The counter expires by itself (the table's TTL attribute) a day after its day.
    item = OwnerDayItem.get(owner_pk(OWNER), limits_day_sk(_today()), consistent_read=True)
    assert item.expiration == midnight + timedelta(days=1)


def test_render_over_the_day_limit_answers_429_with_retry_after(api: ApiCaller, cloud: LocalCloud) -> None:
    # Given an owner who started today's maximum already (the template's default limit)
    project_id = _project(api)
    maximum = get_config().max_renders_per_day_per_owner
    OwnerDayItem(owner_pk(OWNER), limits_day_sk(_today()), renders=maximum).save()

    result = api.post(f"/projects/{project_id}/renders")

    assert result.status == 429
    assert result.error_code == "RATE_LIMITED"
    assert result.body["error"]["details"]["limit"] == "renders_per_day"
    assert int(result.headers["Retry-After"]) == result.body["error"]["details"]["retry_after"] > 0
    assert api.get(f"/projects/{project_id}").body["status"] == "DRAFT"
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    assert sfn.list_executions(stateMachineArn=cloud.state_machines["RenderStateMachine"])["executions"] == []


def test_render_over_the_running_limit_answers_429_with_retry_after(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two renders queued (the default limit), their executions not yet started
    running = [_project(api) for _ in range(get_config().max_running_renders_per_owner)]
    with monkeypatch.context() as patched:
        patched.setattr(
            executions, "start", lambda arn, name, payload: executions.execution_arn(arn or "", name)
        )
        for project_id in running:
            _start(project_id, get_config())
    third = _project(api)

    result = api.post(f"/projects/{third}/renders")

    assert result.status == 429
    assert result.headers["Retry-After"] == str(renders.RUNNING_RETRY_AFTER_SECONDS)
    assert result.body["error"]["details"] == {
        "limit": "running_renders",
        "maximum": 2,
        "retry_after": renders.RUNNING_RETRY_AFTER_SECONDS,
    }


def test_a_failed_render_frees_its_slot(api: ApiCaller, no_executions: list[str]) -> None:
    settings = _settings(running=1)
    first, second = _project(api), _project(api)
    _start(first, settings)
    with pytest.raises(RateLimitException):
        _start(second, settings)

    finish.record_failure(first, "000001", {"Error": "ContentFilteredException", "Cause": "{}"}, settings)
    # Twice, as a retried step would: the second release changes nothing.
    finish.record_failure(first, "000001", {"Error": "ContentFilteredException", "Cause": "{}"}, settings)

    assert _start(second, settings).render_id == "000001"
    assert limits.running(OWNER) == {f"{second}-000001"}


@pytest.mark.slow
def test_a_completed_render_frees_its_slot(api: ApiCaller, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an owner allowed one running render, whose render runs through the real state machine
    one_at_a_time = _settings(running=1)
    monkeypatch.setattr(render_routes, "get_config", lambda: one_at_a_time)
    first, second = _project(api), _project(api)
    assert api.post(f"/projects/{first}/renders").status == 202
    # (a render takes seconds: this request comes while the first still runs)
    assert api.post(f"/projects/{second}/renders").status == 429

    # When it completes
    project = wait_for_render(api, first, timeout=60)

    # Then its slot is free again and the next render starts
    assert project["status"] == "COMPLETED", project["error"]
    assert limits.running(OWNER) == set()
    assert api.post(f"/projects/{second}/renders").status == 202
    assert limits.running(OWNER) == {f"{second}-000001"}
    assert limits.renders_on(OWNER, _today()) == 2
    assert wait_for_render(api, second, timeout=60)["status"] == "COMPLETED"


def test_deleting_a_queued_project_frees_its_slot(api: ApiCaller, no_executions: list[str]) -> None:
    settings = _settings(running=1)
    first, second = _project(api), _project(api)
    _start(first, settings)

    assert api.delete(f"/projects/{first}").status == 204

    assert limits.running(OWNER) == set()
    _start(second, settings)


def test_a_slot_held_by_a_render_that_ended_unnoticed_is_reclaimed(
    api: ApiCaller, no_executions: list[str]
) -> None:
    # Given a render that ended without freeing its slot (as if its last step never ran)
    settings = _settings(running=1)
    first, second = _project(api), _project(api)
    _start(first, settings)
    error = RenderFailure(code="INTERNAL_ERROR", message="lost", render_id="000001")
    assert projects.set_render_status(first, "000001", ProjectStatus.FAILED, error=error)

    render = _start(second, settings)

    assert render.render_id == "000001"
    assert limits.running(OWNER) == {f"{second}-000001"}


def test_a_slot_of_a_stopped_execution_is_reclaimed(
    api: ApiCaller, no_executions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a render whose execution was stopped by hand: the project still says QUEUED
    settings = _settings(running=1)
    first, second = _project(api), _project(api)
    _start(first, settings)
    monkeypatch.setattr(
        executions, "state", lambda arn: "ABORTED" if arn.endswith(f"{first}-000001") else None
    )

    _start(second, settings)

    assert limits.running(OWNER) == {f"{second}-000001"}


def test_a_render_whose_execution_cannot_start_gives_its_slot_and_day_back(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_id = _project(api)

    def broken(arn: str | None, name: str, payload: dict[str, Any]) -> str:
        raise StorageException("Could not start the render.")

    monkeypatch.setattr(executions, "start", broken)

    with pytest.raises(StorageException):
        _start(project_id, _settings(running=1, per_day=1))

    assert limits.running(OWNER) == set()
    assert limits.renders_on(OWNER, _today()) == 0
    assert projects.get_project(OWNER, project_id).status is ProjectStatus.FAILED


def test_a_render_too_long_for_its_resolution_is_refused_with_422(api: ApiCaller, cloud: LocalCloud) -> None:
    # 21 scenes of 30 s: 10.5 minutes, more than 10 minutes at 1080p
    script = "".join(f"## Scene {n}\nThe sea, part {n}.\nDuration: 30s\n\n" for n in range(1, 22))
    project_id = _project(api, script, {**TINY, "resolution": "1080p"})

    result = api.post(f"/projects/{project_id}/renders")

    assert result.status == 422
    assert result.error_code == "RENDER_TOO_LARGE"
    assert result.body["error"]["details"] == {
        "estimated_seconds": 630.0,
        "max_seconds": 600,
        "width": 1920,
        "height": 1080,
    }
    assert "10.5 minutes at 1920x1080" in result.body["error"]["message"]
    assert api.get(f"/projects/{project_id}").body["status"] == "DRAFT"
    assert limits.running(OWNER) == set()
    assert limits.renders_on(OWNER, _today()) == 0


def test_the_same_length_renders_at_a_lower_resolution(api: ApiCaller, no_executions: list[str]) -> None:
    script = "".join(f"## Scene {n}\nThe sea, part {n}.\nDuration: 30s\n\n" for n in range(1, 22))
    project_id = _project(api, script, {**TINY, "resolution": "480p"})

    assert _start(project_id, _settings()).status is ProjectStatus.QUEUED


def _conflicting(original: Any, conflicts: int) -> Any:
    """transact_write_items cancelling the first ``conflicts`` transactions, as DynamoDB does when
    another transaction is writing one of their items."""
    calls: list[int] = []

    def transact_write_items(connection: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= conflicts:
            cause = VerboseClientError(
                {"Error": {"Code": "TransactionCanceledException", "Message": "conflict"}},
                "TransactWriteItems",
                {},
                cancellation_reasons=[None, CancellationReason(code="TransactionConflict"), None],
            )
            raise TransactWriteError("Failed to write transaction items", cause)
        return original(connection, *args, **kwargs)

    transact_write_items.calls = calls  # type: ignore[attr-defined]
    return transact_write_items


@pytest.mark.parametrize(("conflicts", "queued"), [(2, True), (4, False)])
def test_claims_cancelled_by_racing_transactions_are_retried_then_refused(
    api: ApiCaller, no_executions: list[str], monkeypatch: pytest.MonkeyPatch, conflicts: int, queued: bool
) -> None:
    project_id = _project(api)
    conflicting = _conflicting(Connection.transact_write_items, conflicts)
    monkeypatch.setattr(Connection, "transact_write_items", conflicting)
    monkeypatch.setattr(projects, "time", SimpleNamespace(sleep=lambda seconds: None))

    if queued:
        assert _start(project_id, _settings()).status is ProjectStatus.QUEUED
    else:
        with pytest.raises(RateLimitException) as refused:
            _start(project_id, _settings())
        assert refused.value.retry_after == 1
        assert projects.get_project(OWNER, project_id).status is ProjectStatus.DRAFT
    assert len(conflicting.calls) == min(conflicts + 1, 4)
