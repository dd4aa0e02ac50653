"""Whether the service can work right now: its dependencies, checked for real, at most once per
HEALTH_TTL_SECONDS per container.

/health needs no authentication, so anyone can call it as often as they like: answering every call with
three AWS calls would let them spend our API quotas and our money. The last report is kept instead, and a
check runs again only when it is older than the TTL (one check at a time: concurrent callers wait for it
rather than all checking at once). A failed check is kept as long as a good one, so a dependency that is
down is not hammered either.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from videogen.config import Config
from videogen.dal.health import check_bucket, check_state_machine, check_table
from videogen.exceptions import VideoGeneratorException
from videogen.observability import logger

#: How old a report may be before the dependencies are checked again (seconds).
HEALTH_TTL_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class DependencyCheck:
    """One dependency's answer: ok, or why not (a message a person can act on, no internals)."""

    ok: bool
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class HealthReport:
    """Every dependency by name (dynamodb, s3, stepfunctions), as checked at ``checked_at`` (monotonic)."""

    dependencies: dict[str, DependencyCheck]
    checked_at: float
    #: What was checked: a report about other resources is not an answer for these.
    target: tuple[str, str, str | None]

    @property
    def healthy(self) -> bool:
        return all(check.ok for check in self.dependencies.values())


_lock = threading.Lock()
_last: HealthReport | None = None
#: The clock reports are aged by (a test moves it on).
_now: Callable[[], float] = time.monotonic


def dependency_health(settings: Config) -> HealthReport:
    """The dependencies' state: the last report while it is younger than HEALTH_TTL_SECONDS, else a new
    check of the table, the bucket and the render state machine."""
    global _last
    target = (settings.table_name, settings.media_bucket, settings.state_machine_arn)
    with _lock:
        now = _now()
        if _last is not None and _last.target == target and now - _last.checked_at < HEALTH_TTL_SECONDS:
            return _last
        _last = HealthReport(
            dependencies={
                "dynamodb": _check(check_table),
                "s3": _check(lambda: check_bucket(settings.media_bucket)),
                "stepfunctions": _check(lambda: check_state_machine(settings.state_machine_arn)),
            },
            checked_at=now,
            target=target,
        )
        return _last


def forget() -> None:
    """Drop the kept report: the next call checks again (a new local cloud, a test)."""
    global _last
    with _lock:
        _last = None


def _check(check: Callable[[], None]) -> DependencyCheck:
    try:
        check()
    except VideoGeneratorException as exc:
        logger.warning("Health check failed", extra={"reason": exc.message}, exc_info=exc)
        return DependencyCheck(ok=False, detail=exc.message)
    return DependencyCheck(ok=True)
