"""GET /health: the versions serving the request and the state of every dependency, the render state
machine included."""

from __future__ import annotations

import platform

import boto3
import pytest
from aws_lambda_powertools.shared.version import VERSION as POWERTOOLS_VERSION

from tests.conftest import ApiCaller
from videogen import __version__
from videogen.api.routes import health
from videogen.settings import get_settings


def test_health_names_the_versions_serving_the_request(api: ApiCaller) -> None:
    result = api.as_owner(None).get("/health")

    assert result.status == 200
    assert result.body["version"] == __version__
    assert result.body["versions"] == {
        "videogen": __version__,
        "python": platform.python_version(),
        "powertools": POWERTOOLS_VERSION,
    }
    assert result.headers["Cache-Control"] == "no-store"


def test_health_checks_the_render_state_machine(api: ApiCaller) -> None:
    result = api.as_owner(None).get("/health")

    assert result.body["dependencies"]["stepfunctions"] == {"status": "ok", "detail": None}


def test_health_reports_503_when_the_state_machine_is_gone(api: ApiCaller) -> None:
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    sfn.delete_state_machine(stateMachineArn=api.cloud.state_machines["RenderStateMachine"])

    result = api.as_owner(None).get("/health")

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
    unconfigured = get_settings().model_copy(update={"state_machine_arn": None})
    monkeypatch.setattr(health, "get_settings", lambda: unconfigured)

    result = api.as_owner(None).get("/health")

    assert result.status == 503
    assert result.body["dependencies"]["stepfunctions"]["status"] == "error"
    assert "STATE_MACHINE_ARN" in result.body["dependencies"]["stepfunctions"]["detail"]
