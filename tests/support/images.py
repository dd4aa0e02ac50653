"""The local image provider made to fail or wait, for tests of how a render meets its provider."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from videogen.exceptions import ContentFilteredException
from videogen.providers.local import LocalImageProvider

#: What the refusing provider says: the scene it names is the one whose prompt holds "Gulls".
REFUSAL = "The image provider refused the prompt of the scene 'Gulls'."


def refuse_prompts(monkeypatch: pytest.MonkeyPatch, containing: str = "") -> None:
    """The local image provider refuses (CONTENT_FILTERED, saying REFUSAL) every prompt that holds
    ``containing``, every prompt when it is empty, and draws the others."""
    original = LocalImageProvider.generate

    def refuse(self: LocalImageProvider, request: Any) -> Any:
        if containing in request.prompt:
            raise ContentFilteredException(REFUSAL)
        return original(self, request)

    monkeypatch.setattr(LocalImageProvider, "generate", refuse)


def inject_faults(
    monkeypatch: pytest.MonkeyPatch, fault: Callable[[int], Exception | None]
) -> list[Exception | None]:
    """The local image provider raises ``fault(n)`` at its n-th call (from 0) when that is an error, and
    draws otherwise. Returns what each call met so far, in order (None: it drew)."""
    original = LocalImageProvider.generate
    met: list[Exception | None] = []
    lock = threading.Lock()

    def faulty(self: LocalImageProvider, request: Any) -> Any:
        with lock:
            error = fault(len(met))
            met.append(error)
        if error is not None:
            raise error
        return original(self, request)

    monkeypatch.setattr(LocalImageProvider, "generate", faulty)
    return met
