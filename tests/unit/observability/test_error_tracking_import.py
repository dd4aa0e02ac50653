"""Without SENTRY_DSN, no function imports sentry_sdk; with one, every function reports through it.

Each case runs in a fresh interpreter: this test process may have imported sentry_sdk already."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Every function module, loaded as Lambda loads it; then whether sentry_sdk was imported.
PROBE = """
import importlib.util, pathlib, sys
for app in sorted(pathlib.Path("functions").glob("*/app.py")):
    spec = importlib.util.spec_from_file_location(f"probe_{app.parent.name}", app)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
from videogen import errortracking
print("sentry_sdk" in sys.modules, errortracking._enabled)
"""


def _probe(**extra: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "SENTRY_", "POWERTOOLS_")) and key not in {"ENVIRONMENT"}
    }
    environment.update(
        TABLE_NAME="videogen-test",
        MEDIA_BUCKET="videogen-test-media",
        AWS_DEFAULT_REGION="us-east-1",
        POWERTOOLS_TRACE_DISABLED="true",
        **extra,
    )
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        check=False,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("dsn", [None, "  "])
def test_no_function_imports_sentry_without_a_dsn(dsn: str | None) -> None:
    extra = {} if dsn is None else {"SENTRY_DSN": dsn}

    assert _probe(**extra) == "False False"


def test_every_function_reports_to_sentry_with_a_dsn() -> None:
    assert _probe(SENTRY_DSN="https://public@o0.ingest.example.invalid/1", ENVIRONMENT="dev") == "True True"
