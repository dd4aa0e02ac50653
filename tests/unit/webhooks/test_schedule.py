"""The retry schedule: growing waits, capped, and a count of attempts that the queue's receive limit and
the give-up rule agree on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import accumulate

import pytest

from videogen.webhooks.schedule import (
    FIRST_RETRY_DELAY_SECONDS,
    MAX_DELAY_SECONDS,
    RETRY_WINDOW_SECONDS,
    SQS_MAX_VISIBILITY_SECONDS,
    attempts_within_window,
    delay_before,
    gives_up,
    spread,
)

FIRST = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
#: More attempts than the window holds, to look past its end.
ATTEMPTS = range(1, attempts_within_window() + 10)


def test_the_first_attempt_is_immediate_and_the_waits_double() -> None:
    assert [delay_before(attempt) for attempt in range(1, 10)] == [0, 30, 60, 120, 240, 480, 960, 1920, 3600]
    assert delay_before(2) == FIRST_RETRY_DELAY_SECONDS


def test_the_waits_never_shrink_and_stop_at_the_cap() -> None:
    delays = [delay_before(attempt) for attempt in ATTEMPTS]

    assert delays == sorted(delays)
    assert max(delays) == MAX_DELAY_SECONDS == 3600
    assert delay_before(10_000) == MAX_DELAY_SECONDS


def test_every_wait_fits_an_sqs_visibility_timeout() -> None:
    assert all(0 <= delay_before(attempt) <= SQS_MAX_VISIBILITY_SECONDS for attempt in ATTEMPTS)


@pytest.mark.parametrize("attempt", [0, -1])
def test_attempts_are_numbered_from_one(attempt: int) -> None:
    with pytest.raises(ValueError, match="numbered from 1"):
        delay_before(attempt)


def test_the_attempts_within_the_window_fit_it_and_one_more_would_not() -> None:
    count = attempts_within_window()
    starts = list(accumulate(delay_before(attempt) for attempt in range(1, count + 2)))

    assert RETRY_WINDOW_SECONDS == 24 * 3600
    assert starts[count - 1] <= RETRY_WINDOW_SECONDS < starts[count]
    assert count == 30  # 0 s, 30 s ... 32 min, then hourly: the queue's maxReceiveCount


def test_giving_up_agrees_with_the_count_of_attempts() -> None:
    # The attempts the queue makes (one per receive) are exactly those not given up.
    starts = list(accumulate(delay_before(attempt) for attempt in range(1, attempts_within_window() + 2)))

    made = [start for start in starts if not gives_up(FIRST, FIRST + timedelta(seconds=start))]

    assert len(made) == attempts_within_window()


def test_gives_up_only_past_the_window() -> None:
    assert not gives_up(FIRST, FIRST)
    assert not gives_up(FIRST, FIRST + timedelta(seconds=RETRY_WINDOW_SECONDS))
    assert gives_up(FIRST, FIRST + timedelta(seconds=RETRY_WINDOW_SECONDS, milliseconds=1))


def test_a_jitter_may_shorten_a_wait_but_never_lengthen_it() -> None:
    assert delay_before(3, jitter=lambda delay: delay // 2) == 30
    assert delay_before(3, jitter=lambda delay: delay * 10) == 60
    assert delay_before(3, jitter=lambda delay: -5) == 0
    assert delay_before(1, jitter=lambda delay: 100) == 0


def test_spread_stays_between_four_fifths_and_all_of_the_wait() -> None:
    waits = {delay_before(9, jitter=spread) for _ in range(200)}

    assert min(waits) >= 2880
    assert max(waits) <= 3600
    assert len(waits) > 1  # it does spread
