"""videogen's structured logs, captured while a test runs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from videogen.observability import logger


class LogCapture:
    """The JSON lines videogen's logger writes while a test runs."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return str(self._stream.getvalue())

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]


@contextmanager
def capture_logs() -> Iterator[LogCapture]:
    """Capture videogen's structured logs at DEBUG, whatever stream the logger was created with."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    previous = logger.log_level
    logger._logger.addHandler(handler)
    logger.setLevel("DEBUG")
    try:
        yield LogCapture(stream)
    finally:
        logger._logger.removeHandler(handler)
        logger.setLevel(previous)
