"""Where the tests find the project: the repository root, the template, the build and the event fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
EVENTS = ROOT / "tests" / "events"
#: The `make sam-build` output that `--from-build` runs.
BUILD_DIR = ROOT / ".aws-sam" / "build"


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of an event fixture of tests/events (the caller may change it)."""
    return dict(json.loads((EVENTS / name).read_text(encoding="utf-8")))
