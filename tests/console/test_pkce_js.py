"""The console's JavaScript tests (``*.test.mjs`` beside this file) under Node's built-in test runner, so
`make test` runs them too. Node is the only requirement: no npm package."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent
NODE = shutil.which("node")


@pytest.mark.skipif(
    NODE is None, reason="node is not installed: the console's JavaScript tests need Node 20+"
)
def test_the_console_javascript_tests_pass_under_node() -> None:
    scripts = sorted(HERE.glob("*.test.mjs"))
    assert scripts, "no JavaScript tests found"

    result = subprocess.run(
        [str(NODE), "--test", *map(str, scripts)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=HERE,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
