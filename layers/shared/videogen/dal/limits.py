"""Per-owner render counters in DynamoDB: renders running now, renders started per UTC day, and (with a
monthly budget) the estimated cost of the renders started per UTC month.

All are taken in the same transaction as the render's claim (``dal.projects.claim_render``), so a render
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
from videogen.dal.tables import OwnerDayItem, OwnerMonthItem, OwnerRunningItem
from videogen.exceptions import StorageException

Limit = Literal["running", "daily", "budget"]


@dataclass(frozen=True, slots=True)
class BudgetCharge:
    """A render's estimate, charged against the owner's monthly budget (whole micro-dollars)."""

    month: str  # yyyy-mm, UTC
    estimate_micro_usd: int
    budget_micro_usd: int
    expires: datetime  # when the month's counter may be deleted (TTL)


@dataclass(frozen=True, slots=True)
class RenderQuota:
    """The limits a claim must stay within, and the day (and month) it counts against."""

    max_running: int
    max_per_day: int
    day: str  # yyyy-mm-dd, UTC
    expires: datetime  # when the day's counter may be deleted (TTL)
    budget: BudgetCharge | None = None  # None: no monthly budget


class OwnerLimitReachedException(Exception):  # noqa: N818 - a signal for logic, never shown as is
    """A claim was refused by one of the owner's counters; logic turns it into a 429."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(f"owner {limit} render limit reached")
        self.limit = limit


def quota_updates(owner_id: str, execution_name: str, quota: RenderQuota) -> list[dict[str, Any]]:
    """The conditional updates a claim transaction carries, in order: running set, day counter, and with a
    budget the month's spend (the estimate is added only while the month stays within the budget)."""
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
    if quota.budget is None:
        return [running, day]
    charge = quota.budget
    month = OwnerMonthItem._get_connection().get_operation_kwargs(
        table_keys.owner_pk(owner_id),
        table_keys.budget_month_sk(charge.month),
        actions=[
            OwnerMonthItem.spent_micro_usd.add(charge.estimate_micro_usd),
            OwnerMonthItem.expiration.set(charge.expires),
        ],
        # Logic refuses an estimate over the whole budget before claiming, so the bound is never negative.
        condition=OwnerMonthItem.spent_micro_usd.does_not_exist()
        | (OwnerMonthItem.spent_micro_usd <= charge.budget_micro_usd - charge.estimate_micro_usd),
    )
    return [running, day, month]


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


def refund_month(owner_id: str, month: str, micro_usd: int) -> None:
    """Give back a render's estimate that was charged but never started (its execution could not start)."""
    try:
        OwnerMonthItem._get_connection().update_item(
            table_keys.owner_pk(owner_id),
            table_keys.budget_month_sk(month),
            actions=[OwnerMonthItem.spent_micro_usd.add(-micro_usd)],
            condition=OwnerMonthItem.spent_micro_usd >= micro_usd,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return
        raise StorageException("Could not give back the render's estimate.") from exc


def spent_in(owner_id: str, month: str) -> int:
    """The estimated cost (micro-dollars) of the renders the owner started in this UTC month (yyyy-mm)."""
    try:
        item = OwnerMonthItem.get(
            table_keys.owner_pk(owner_id), table_keys.budget_month_sk(month), consistent_read=True
        )
    except DoesNotExist:
        return 0
    except PynamoDBException as exc:
        raise StorageException("Could not read the owner's spend of the month.") from exc
    return int(item.spent_micro_usd or 0)


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
