"""A function that fails locally answers as Lambda does, and an unexpected failure leaves its traceback in
the log (as Lambda's own log would have it), while an error of the catalogue, an expected outcome that the
render reports itself, does not."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from videogen.exceptions import RenderSupersededException
from videogen_local.cloud import LocalCloud


def _fail_with(
    cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> tuple[dict[str, Any], bool]:
    def invoke(logical_id: str, event: dict[str, Any]) -> Any:
        raise error

    monkeypatch.setattr(cloud, "invoke", invoke)
    payload, failed = cloud.invoke_as_lambda("FinishRenderFunction", b"{}")
    return json.loads(payload), failed


def test_an_unexpected_failure_answers_its_class_and_logs_its_traceback(
    cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="videogen_local"):
        body, failed = _fail_with(
            cloud, monkeypatch, RuntimeError("dictionary changed size during iteration")
        )

    assert failed
    assert body == {"errorType": "RuntimeError", "errorMessage": "dictionary changed size during iteration"}
    [record] = [record for record in caplog.records if record.name == "videogen_local"]
    assert record.levelno == logging.ERROR
    assert "FinishRenderFunction failed unexpectedly" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_an_error_of_the_catalogue_answers_its_class_and_logs_no_error(
    cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="videogen_local"):
        body, failed = _fail_with(cloud, monkeypatch, RenderSupersededException("another render took over"))

    assert failed
    assert body["errorType"] == "RenderSupersededException"
    assert all(
        record.levelno < logging.WARNING for record in caplog.records if record.name == "videogen_local"
    )
