"""When a failed webhook delivery is tried again, and when videogen gives up: the one retry schedule.

Attempts are numbered from 1. The first is made at once; each later one waits twice as long as the one
before (30 s, 1 min, 2 min, ... ), at most an hour, so a receiver that is down for a minute gets its event a
minute later and one that is down for a day is not hammered. Attempts stop once 24 hours have passed since
the first.

The delivery queue carries the waits: SQS visibility timeouts (at most :data:`SQS_MAX_VISIBILITY_SECONDS`),
one receive per attempt, so the queue's ``maxReceiveCount`` is :func:`attempts_within_window`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Final

#: How long videogen keeps trying to deliver one event, from its first attempt.
RETRY_WINDOW_SECONDS: Final = 24 * 3600
#: The wait before the second attempt; each later wait doubles it.
FIRST_RETRY_DELAY_SECONDS: Final = 30
#: The longest wait between two attempts.
MAX_DELAY_SECONDS: Final = 3600
#: SQS's limits on hiding a message (ChangeMessageVisibility) and on delaying one (DelaySeconds): every
#: wait must fit the first; only the first attempt, which does not wait, is ever sent with a delay.
SQS_MAX_VISIBILITY_SECONDS: Final = 43200
SQS_MAX_DELAY_SECONDS: Final = 900

#: Turns a wait into the wait actually used (random spread, so that receivers coming back up are not hit by
#: every queued event in the same second).
Jitter = Callable[[int], int]


def delay_before(attempt: int, jitter: Jitter | None = None) -> int:
    """Seconds to wait, after attempt ``attempt - 1`` failed, before attempt ``attempt`` (0 for the first).

    Args:
        jitter: spreads the wait; its result is kept within ``[0, the wait]``, so jitter only ever brings
            an attempt earlier and never breaks the cap or the count of attempts in the window.

    Raises:
        ValueError: ``attempt`` is below 1.
    """
    if attempt < 1:
        raise ValueError(f"attempts are numbered from 1, not {attempt}")
    if attempt == 1:
        return 0
    # Capping the exponent first keeps the number small however many attempts were made.
    delay = min(FIRST_RETRY_DELAY_SECONDS << min(attempt - 2, 32), MAX_DELAY_SECONDS)
    if jitter is None:
        return delay
    return max(0, min(delay, jitter(delay)))


def spread(delay: int) -> int:
    """A jitter: a random wait between 80 % and 100 % of ``delay``."""
    return random.randint(delay * 4 // 5, delay)  # spreading load: no secret, so not the secrets module


@cache
def attempts_within_window() -> int:
    """How many attempts start within :data:`RETRY_WINDOW_SECONDS` of the first (without jitter, which only
    brings attempts earlier); the attempt after them would start past the window."""
    attempts, elapsed = 0, 0
    while elapsed + delay_before(attempts + 1) <= RETRY_WINDOW_SECONDS:
        attempts += 1
        elapsed += delay_before(attempts)
    return attempts


def gives_up(first_attempt_at: datetime, now: datetime) -> bool:
    """Whether an attempt due at ``now`` is past the window of an event first tried at ``first_attempt_at``
    (then the delivery is recorded as failed instead of made)."""
    return (now - first_attempt_at).total_seconds() > RETRY_WINDOW_SECONDS
