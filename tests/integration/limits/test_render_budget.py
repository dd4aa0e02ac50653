"""The per-owner monthly budget: a render's estimate is charged to the owner's month in the claim's
transaction; a render that would exceed what remains gets 402 BUDGET_EXCEEDED, however many starts race."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.api import ApiCaller
from tests.support.cloud import local_cloud
from videogen.config import Config, get_config
from videogen.dal import executions, limits, projects, scenes
from videogen.domain.enums import ProjectStatus
from videogen.exceptions import BudgetExceededException, RateLimitException, StorageException
from videogen.logic import estimate, renders
from videogen_local.cloud import LocalCloud

OWNER = "owner-alice"
TINY = {"resolution": "480p", "fps": 24, "voice": "none"}
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n"


def _project(api: ApiCaller) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": TINY})
    assert created.status == 201, created.body
    return str(created.body["id"])


def _month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def _estimate_micro(project_id: str) -> int:
    project = projects.get_project(OWNER, project_id)
    priced = estimate.estimate(project, scenes.all_scenes(project_id, project.scene_set or ""), get_config())
    return estimate.micro_usd(priced.total_usd)


def _settings(budget_usd: float, running: int = 50) -> Config:
    return get_config().model_copy(
        update={"monthly_budget_per_owner_usd": budget_usd, "max_running_renders_per_owner": running}
    )


def _start(project_id: str, settings: Config) -> renders.Render:
    return renders.start_render(OWNER, project_id, settings.state_machine_arn, "req-budget-01", settings)


@pytest.fixture
def no_executions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Starting a render records its execution name but runs nothing: the budget is what is tested."""
    started: list[str] = []

    def start(state_machine_arn: str | None, name: str, payload: dict[str, Any]) -> str:
        started.append(name)
        return executions.execution_arn(state_machine_arn or "arn:aws:states:::stateMachine:x", name)

    monkeypatch.setattr(executions, "start", start)
    return started


def test_a_render_within_the_budget_starts_and_is_charged_its_estimate(
    api: ApiCaller, no_executions: list[str]
) -> None:
    project_id = _project(api)
    charge = _estimate_micro(project_id)

    render = _start(project_id, _settings(budget_usd=1.0))

    assert render.status is ProjectStatus.QUEUED
    assert no_executions == [f"{project_id}-000001"]
    assert limits.spent_in(OWNER, _month()) == charge > 0


def test_a_render_over_what_remains_is_refused_with_the_figures(
    api: ApiCaller, no_executions: list[str]
) -> None:
    # Given an owner whose budget holds one render and a half
    first, second = _project(api), _project(api)
    charge = _estimate_micro(first)
    budget = 1.5 * charge / 1e6
    _start(first, _settings(budget))

    # When a second render starts
    with pytest.raises(BudgetExceededException) as refused:
        _start(second, _settings(budget))

    # Then it is refused with what it costs and what remains, and nothing of it is taken
    expected_budget = estimate.micro_usd(budget)
    assert refused.value.error_code == "BUDGET_EXCEEDED"
    assert refused.value.status_code == 402
    assert refused.value.details == {
        "estimate_usd": charge / 1e6,
        "budget_usd": expected_budget / 1e6,
        "spent_usd": charge / 1e6,
        "remaining_usd": (expected_budget - charge) / 1e6,
    }
    assert "budget" in refused.value.message
    assert projects.get_project(OWNER, second).status is ProjectStatus.DRAFT
    assert limits.spent_in(OWNER, _month()) == charge
    assert limits.running(OWNER) == {f"{first}-000001"}
    assert no_executions == [f"{first}-000001"]


def test_a_render_dearer_than_the_whole_budget_is_refused_before_its_claim(
    api: ApiCaller, no_executions: list[str]
) -> None:
    project_id = _project(api)
    charge = _estimate_micro(project_id)

    with pytest.raises(BudgetExceededException) as refused:
        _start(project_id, _settings(budget_usd=charge / 2 / 1e6))

    assert refused.value.details["spent_usd"] == 0
    assert refused.value.details["estimate_usd"] == charge / 1e6
    assert limits.spent_in(OWNER, _month()) == 0
    assert limits.running(OWNER) == set()
    assert no_executions == []


def test_racing_starts_never_spend_more_than_the_budget(api: ApiCaller, no_executions: list[str]) -> None:
    # Given six projects of one owner whose budget holds exactly two of their renders (and a bit)
    project_ids = [_project(api) for _ in range(6)]
    charge = _estimate_micro(project_ids[0])
    settings = _settings(budget_usd=2.5 * charge / 1e6)
    barrier = threading.Barrier(len(project_ids))
    outcomes: dict[str, Any] = {}

    def request(project_id: str) -> None:
        barrier.wait()
        try:
            outcomes[project_id] = _start(project_id, settings)
        except Exception as exc:  # noqa: BLE001 - the outcome is what is asserted
            outcomes[project_id] = exc

    # When all start at once
    threads = [threading.Thread(target=request, args=(project_id,)) for project_id in project_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly two run and the month holds exactly their two estimates
    started = [pid for pid, outcome in outcomes.items() if isinstance(outcome, renders.Render)]
    refused = [outcome for outcome in outcomes.values() if not isinstance(outcome, renders.Render)]
    assert len(started) == 2, outcomes
    # A claim cancelled by racing transactions too often is answered 429 (retry): never over the budget
    assert all(isinstance(exc, BudgetExceededException | RateLimitException) for exc in refused), outcomes
    assert any(isinstance(exc, BudgetExceededException) for exc in refused), outcomes
    assert limits.spent_in(OWNER, _month()) == 2 * charge
    assert sorted(no_executions) == sorted(f"{pid}-000001" for pid in started)


def test_a_render_whose_execution_cannot_start_gives_its_estimate_back(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_id = _project(api)

    def broken(arn: str | None, name: str, payload: dict[str, Any]) -> str:
        raise StorageException("Could not start the render.")

    monkeypatch.setattr(executions, "start", broken)

    with pytest.raises(StorageException):
        _start(project_id, _settings(budget_usd=1.0))

    assert limits.spent_in(OWNER, _month()) == 0
    assert limits.running(OWNER) == set()


def test_without_a_budget_nothing_is_charged(api: ApiCaller, no_executions: list[str]) -> None:
    project_id = _project(api)

    _start(project_id, _settings(budget_usd=0))

    assert limits.spent_in(OWNER, _month()) == 0


@pytest.fixture
def budget_cloud(tmp_path: Path) -> Iterator[LocalCloud]:
    """A local cloud deployed with a budget far below any render's estimate."""
    with local_cloud(tmp_path / "home", parameters={"MonthlyBudgetPerOwnerUsd": "0.000001"}) as started:
        yield started


def test_the_api_answers_a_render_over_budget_with_402_and_its_dry_run_with_the_price(
    budget_cloud: LocalCloud,
) -> None:
    api = ApiCaller(budget_cloud, OWNER)
    project_id = _project(api)

    dry = api.post(f"/projects/{project_id}/renders", query={"dry_run": "true"})
    result = api.post(f"/projects/{project_id}/renders")

    assert dry.status == 200
    assert result.status == 402
    assert result.error_code == "BUDGET_EXCEEDED"
    assert result.body["error"]["details"] == {
        "estimate_usd": estimate.micro_usd(dry.body["total_usd"]) / 1e6,
        "budget_usd": 0.000001,
        "spent_usd": 0,
        "remaining_usd": 0.000001,
    }
    assert api.get(f"/projects/{project_id}").body["status"] == "DRAFT"
