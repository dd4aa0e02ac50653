"""Without SENTRY_DSN, no function imports sentry_sdk; with one, every function reports through it.

Each case runs in a fresh interpreter: this test process may have imported sentry_sdk already."""

from __future__ import annotations

import pytest

from tests.support.fresh_python import function_environment, run_python

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
    return run_python(PROBE, env=function_environment(**extra), timeout=60)


@pytest.mark.parametrize("dsn", [None, "  "])
def test_no_function_imports_sentry_without_a_dsn(dsn: str | None) -> None:
    extra = {} if dsn is None else {"SENTRY_DSN": dsn}

    assert _probe(**extra) == "False False"


def test_every_function_reports_to_sentry_with_a_dsn() -> None:
    assert _probe(SENTRY_DSN="https://public@o0.ingest.example.invalid/1", ENVIRONMENT="dev") == "True True"
