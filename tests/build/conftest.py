"""Fixtures for tests of the `sam build` output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.build import required_build


@pytest.fixture(scope="session")
def build_dir() -> Path:
    """.aws-sam/build, checked complete and fresh: skipped without one, failed under `make test`."""
    return required_build()
