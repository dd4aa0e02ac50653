"""The console's JavaScript tests (``*.test.mjs`` beside this file) under Node's built-in test runner, so
`make test` runs them too. Node is the only requirement: no npm package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cognito_fake import cognito_fake

HERE = Path(__file__).parent
NODE = shutil.which("node")
NEEDS_NODE = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the console's JavaScript tests need Node 20+"
)


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


@NEEDS_NODE
def test_pkce_js_signs_in_refreshes_and_signs_out_against_the_hosted_ui_fake() -> None:
    console = "http://127.0.0.1:8080/"
    with cognito_fake(redirect_uris=[console]) as cognito:
        result = subprocess.run(
            [str(NODE), str(HERE / "pkce_against_fake.mjs")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=HERE,
            env={**os.environ, "VIDEOGEN_TEST_AUTH": json.dumps(cognito.auth_config(console))},
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        tokens = json.loads(result.stdout.strip().splitlines()[-1])

        assert cognito.verify(tokens["idToken"])["email"] == "alice@example.com"
        assert cognito.verify(tokens["refreshedIdToken"])["sub"] == cognito.sub("alice@example.com")
        assert cognito.token_requests == [("authorization_code", 200), ("refresh_token", 200)]
        assert cognito.signed_out == [console]
