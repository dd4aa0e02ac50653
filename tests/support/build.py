"""The `sam build` output the from-build tests run, and the marker that runs a test on both local clouds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.paths import BUILD_DIR, TEMPLATE
from videogen_local.build import BuildError, check_build
from videogen_local.template import Template

IN_PROCESS, FROM_BUILD = "in-process", "from-build"
#: Runs a test on both local clouds: handlers in this process, and every function from its build folder
#: in its own worker process, as Lambda runs it.
both_ways = pytest.mark.parametrize("cloud", [IN_PROCESS, FROM_BUILD], indirect=True)


def required_build() -> Path:
    """The build, checked: a missing or stale one skips the test, or fails it under `make test` (which
    builds first and sets VIDEOGEN_REQUIRE_BUILD), so CI never passes without running it."""
    try:
        check_build(Template.load(TEMPLATE), BUILD_DIR)
    except BuildError as exc:
        if os.environ.get("VIDEOGEN_REQUIRE_BUILD"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    return BUILD_DIR
