"""GET /health (no authentication): ok or degraded, nothing more. GET /health/details (signed in): each
dependency, the render state machine included, and the versions serving the request. Both answer from
checks at most HEALTH_TTL_SECONDS old: no AWS call per request."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Callable

import boto3
import pytest
from aws_lambda_powertools.shared.version import VERSION as POWERTOOLS_VERSION

from tests.support.api import ApiCaller
from videogen import __version__
from videogen.api.routes import health
from videogen.config import get_config
from videogen.logic import health as health_logic


def test_health_says_ok_and_nothing_more_without_authentication(api: ApiCaller) -> None:
    result = api.as_owner(None).get("/health")

    assert result.status == 200
    assert result.body == {"status": "ok"}
    assert result.headers["Cache-Control"] == "no-store"


def test_health_details_name_the_versions_serving_the_request(api: ApiCaller) -> None:
    result = api.get("/health/details")

    assert result.status == 200
    assert result.body["status"] == "ok"
    assert result.body["version"] == __version__
    assert result.body["versions"] == {
        "videogen": __version__,
        "python": platform.python_version(),
        "powertools": POWERTOOLS_VERSION,
    }
    assert result.headers["Cache-Control"] == "no-store"


def test_health_details_need_a_signed_in_caller(api: ApiCaller) -> None:
    result = api.as_owner(None).get("/health/details")

    assert result.status == 401
    assert result.error_code == "UNAUTHENTICATED"
    assert "versions" not in result.body


def test_health_checks_the_render_state_machine(api: ApiCaller) -> None:
    result = api.get("/health/details")

    assert result.body["dependencies"]["stepfunctions"] == {"status": "ok", "detail": None}


def test_health_reports_503_when_the_state_machine_is_gone(api: ApiCaller) -> None:
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    sfn.delete_state_machine(stateMachineArn=api.cloud.state_machines["RenderStateMachine"])

    public = api.as_owner(None).get("/health")
    result = api.get("/health/details")

    assert (public.status, public.body) == (503, {"status": "degraded"})
    assert result.status == 503
    assert result.body["status"] == "degraded"
    assert result.body["dependencies"]["stepfunctions"] == {
        "status": "error",
        "detail": "The render state machine does not answer.",
    }
    assert result.body["dependencies"]["dynamodb"]["status"] == "ok"
    assert result.body["dependencies"]["s3"]["status"] == "ok"


def test_health_reports_an_unconfigured_state_machine(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    unconfigured = get_config().model_copy(update={"state_machine_arn": None})
    monkeypatch.setattr(health, "get_config", lambda: unconfigured)

    result = api.get("/health/details")

    assert result.status == 503
    assert result.body["dependencies"]["stepfunctions"]["status"] == "error"
    assert "STATE_MACHINE_ARN" in result.body["dependencies"]["stepfunctions"]["detail"]


def test_health_checks_each_dependency_once_per_ttl_whoever_asks(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given counted checks and a clock the test moves
    calls: Counter[str] = Counter()

    def counted(name: str, check: Callable[..., None]) -> Callable[..., None]:
        def run(*args: object) -> None:
            calls[name] += 1
            check(*args)

        return run

    for name in ("check_table", "check_bucket", "check_state_machine"):
        monkeypatch.setattr(health_logic, name, counted(name, getattr(health_logic, name)))
    now = [1000.0]
    monkeypatch.setattr(health_logic, "_now", lambda: now[0])

    # When anyone asks, often, within the TTL
    answers = [api.as_owner(None).get("/health").status for _ in range(5)]
    answers.append(api.get("/health/details").status)
    now[0] += health_logic.HEALTH_TTL_SECONDS - 1
    answers.append(api.as_owner(None).get("/health").status)

    # Then one check of each dependency answered them all
    assert answers == [200] * 7
    assert calls == {"check_table": 1, "check_bucket": 1, "check_state_machine": 1}

    # And once the report is older than the TTL, the next request checks again
    now[0] += 2
    api.as_owner(None).get("/health")

    assert calls == {"check_table": 2, "check_bucket": 2, "check_state_machine": 2}


def test_a_failed_check_is_kept_for_the_ttl_too(api: ApiCaller, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a bucket that is gone, seen by one check
    now = [50.0]
    monkeypatch.setattr(health_logic, "_now", lambda: now[0])
    boto3.client("s3", region_name="us-east-1").delete_bucket(Bucket=api.cloud.buckets["MediaBucket"])
    assert api.as_owner(None).get("/health").status == 503

    # When it is back within the TTL, the kept report still answers; after the TTL a new check does
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=api.cloud.buckets["MediaBucket"])
    within = api.as_owner(None).get("/health").status
    now[0] += health_logic.HEALTH_TTL_SECONDS
    after = api.as_owner(None).get("/health").status

    assert (within, after) == (503, 200)
