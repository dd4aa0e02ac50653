"""Fixtures every test directory shares: the local cloud built from template.yaml, an API caller that
speaks API Gateway, and captured logs. The helpers behind them live in tests/support."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.api import ApiCaller
from tests.support.build import FROM_BUILD, IN_PROCESS, required_build
from tests.support.cloud import local_cloud
from tests.support.logs import LogCapture, capture_logs
from videogen_local.cloud import LocalCloud


@pytest.fixture
def cloud(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalCloud]:
    """A fresh local cloud per test: moto, plus the tables, buckets and functions of template.yaml. With
    ``both_ways`` (or ``indirect`` parameter FROM_BUILD), the functions run from the build."""
    from_build = required_build() if getattr(request, "param", IN_PROCESS) == FROM_BUILD else None
    log_path = tmp_path / "functions.log"
    with local_cloud(tmp_path / "home", from_build=from_build, log_path=log_path) as started:
        try:
            yield started
        finally:
            if from_build is not None and getattr(request.node, "rep_call_failed", False):
                print(f"--- the functions' output ({log_path}), last lines:")
                print("\n".join(log_path.read_text(encoding="utf-8").splitlines()[-80:]))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Lets a fixture know whether its test failed (to show the built functions' logs)."""
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed  # type: ignore[attr-defined]
    return report


@pytest.fixture
def api(cloud: LocalCloud) -> ApiCaller:
    return ApiCaller(cloud, "owner-alice")


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    """videogen's structured logs at DEBUG while the test runs."""
    with capture_logs() as captured:
        yield captured
