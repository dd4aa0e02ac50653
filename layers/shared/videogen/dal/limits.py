"""Per-owner render counters in DynamoDB: renders running now and renders started per UTC day.

Both are taken in the same transaction as the render's claim (``dal.projects.claim_render``), so a render
is queued exactly when both counters admit it, however many requests race. Running renders are a string
set of execution names: adding or deleting a name twice changes nothing, so releasing is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pynamodb.exceptions import DoesNotExist, PynamoDBException, UpdateError
from pynamodb.expressions.condition import size

from videogen.dal import table_keys
from videogen.dal.tables import OwnerDayItem, OwnerRunningItem
from videogen.exceptions import StorageException

Limit = Literal["running", "daily"]


@dataclass(frozen=True, slots=True)
class RenderQuota:
    """The limits a claim must stay within, and the day it counts against."""

    max_running: int
    max_per_day: int
    day: str  # yyyy-mm-dd, UTC
    expires: datetime  # when the day's counter may be deleted (TTL)


class OwnerLimitReachedException(Exception):  # noqa: N818 - a signal for logic, never shown as is
    """A claim was refused by one of the owner's counters; logic turns it into a 429."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(f"owner {limit} render limit reached")
        self.limit = limit


def quota_updates(owner_id: str, execution_name: str, quota: RenderQuota) -> list[dict[str, Any]]:
    """The two conditional updates (running set, day counter) a claim transaction carries, in order."""
    running = OwnerRunningItem._get_connection().get_operation_kwargs(
        table_keys.owner_pk(owner_id),
        table_keys.LIMITS_RUNNING_SK,
        actions=[OwnerRunningItem.running.add({execution_name})],
        # An empty string set does not exist in DynamoDB: no attribute means nothing is running.
        condition=OwnerRunningItem.running.does_not_exist()
        | (size(OwnerRunningItem.running) < quota.max_running),
    )
    day = OwnerDayItem._get_connection().get_operation_kwargs(
        table_keys.owner_pk(owner_id),
        table_keys.limits_day_sk(quota.day),
        actions=[OwnerDayItem.renders.add(1), OwnerDayItem.expiration.set(quota.expires)],
        condition=OwnerDayItem.renders.does_not_exist() | (OwnerDayItem.renders < quota.max_per_day),
    )
    return [running, day]


def release_running(owner_id: str, execution_name: str) -> None:
    """Free the owner's slot held by this render (nothing happens when it holds none)."""
    remove_running(owner_id, {execution_name})


def remove_running(owner_id: str, execution_names: set[str]) -> None:
    """Take these renders out of the owner's running set."""
    if not execution_names:
        return
    try:
        OwnerRunningItem._get_connection().update_item(
            table_keys.owner_pk(owner_id),
            table_keys.LIMITS_RUNNING_SK,
            actions=[OwnerRunningItem.running.delete(execution_names)],
        )
    except UpdateError as exc:
        raise StorageException("Could not release the render's slot.") from exc


def refund_day(owner_id: str, day: str) -> None:
    """Give back a day's render that never started (its execution could not be started)."""
    try:
        OwnerDayItem._get_connection().update_item(
            table_keys.owner_pk(owner_id),
            table_keys.limits_day_sk(day),
            actions=[OwnerDayItem.renders.add(-1)],
            condition=OwnerDayItem.renders > 0,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return
        raise StorageException("Could not give back the day's render.") from exc


def running(owner_id: str) -> set[str]:
    """The execution names of the owner's queued or running renders."""
    try:
        item = OwnerRunningItem.get(
            table_keys.owner_pk(owner_id), table_keys.LIMITS_RUNNING_SK, consistent_read=True
        )
    except DoesNotExist:
        return set()
    except PynamoDBException as exc:
        raise StorageException("Could not read the owner's running renders.") from exc
    return set(item.running or ())


def renders_on(owner_id: str, day: str) -> int:
    """How many renders the owner started on this UTC day."""
    try:
        item = OwnerDayItem.get(
            table_keys.owner_pk(owner_id), table_keys.limits_day_sk(day), consistent_read=True
        )
    except DoesNotExist:
        return 0
    except PynamoDBException as exc:
        raise StorageException("Could not read the owner's renders of the day.") from exc
    return int(item.renders or 0)
