"""The state machine's Retry waits, recorded and shortened: a test of how often and how long a step is
retried need not sleep through the waits."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl


def record_retry_waits(monkeypatch: pytest.MonkeyPatch, speedup: float = 50) -> list[float]:
    """Every wait the ASL interpreter's Retry asks for, in order; each is slept for 1/``speedup`` of it."""
    waits: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            waits.append(seconds)
        time.sleep(seconds / speedup)

    monkeypatch.setattr(retrier_decl, "time", SimpleNamespace(sleep=sleep))
    return waits
