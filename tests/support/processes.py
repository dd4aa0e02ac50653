"""A fresh Python interpreter for what must not be seen through this one (which has imported everything):
what a function imports alone, which botocore models a pruned layer holds."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.support.paths import ROOT

#: Where every probe runs, and what comes back: its output, as text.
_OUTPUT: dict[str, Any] = {"cwd": ROOT, "capture_output": True, "text": True}


def python_last_line(
    arguments: list[str], environment: dict[str, str], *, stdin: str | None = None, timeout: float = 120
) -> str:
    """The last line a new interpreter prints, run with ``arguments`` (e.g. ``["-c", code]``) in the
    repository folder; AssertionError with its stderr when it fails."""
    command = [sys.executable, *arguments]
    completed = subprocess.run(command, check=False, input=stdin, env=environment, timeout=timeout, **_OUTPUT)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip().splitlines()[-1]
