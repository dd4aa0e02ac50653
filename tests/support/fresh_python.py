"""Code run in a fresh interpreter, as a deployed function runs it: for what the test process cannot show
(it has imported everything already, and holds the developer's environment)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import ROOT


def function_environment(**extra: str) -> dict[str, str]:
    """This environment without AWS, Sentry and Powertools settings, plus what every function is given."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "SENTRY_", "POWERTOOLS_")) and key != "ENVIRONMENT"
    }
    environment.update(
        TABLE_NAME="videogen-test",
        MEDIA_BUCKET="videogen-test-media",
        AWS_DEFAULT_REGION="us-east-1",
        POWERTOOLS_TRACE_DISABLED="true",
    )
    environment.update(extra)
    return environment


def run_python(
    code: str,
    *argv: str,
    env: dict[str, str],
    stdin: str | None = None,
    isolated: bool = False,
    timeout: float = 120,
) -> str:
    """The last line ``code`` prints, run from the repository root; fails the test if it exits non-zero.

    ``isolated``: as Lambda starts Python, without site-packages or the user's settings (``-I -S``).
    """
    command = [sys.executable, *(["-I", "-S"] if isolated else []), "-c", code, *argv]
    completed = subprocess.run(
        command, input=stdin, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip().splitlines()[-1]
