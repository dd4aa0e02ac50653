"""The one way a test waits: for the state it then asserts."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until[T](
    predicate: Callable[[], T],
    timeout: float = 30,
    poll: float = 0.05,
    what: str | Callable[[], str] = "",
) -> T:
    """Until ``predicate()`` is truthy, and that value; AssertionError after ``timeout`` seconds.

    Args:
        what: what was awaited, for the error; a callable is asked only then, so it can say what there
            was instead.
    """
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"timed out waiting for {said or predicate}")
        time.sleep(poll)
    return value
