"""Fixtures for tests of the `sam build` output: the size script as a module, and the build folder."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import required_build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def build_sizes() -> ModuleType:
    """infra/scripts/build_sizes.py, imported by path (infra/scripts is not a package)."""
    path = ROOT / "infra" / "scripts" / "build_sizes.py"
    spec = importlib.util.spec_from_file_location("build_sizes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the module executes.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def build_dir() -> Path:
    """.aws-sam/build, checked complete and fresh: skipped without one, failed under `make test`."""
    return required_build()
