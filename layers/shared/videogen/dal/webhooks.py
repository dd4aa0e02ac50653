"""Webhooks and their deliveries in DynamoDB (keys: ``videogen.dal.table_keys``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.condition import size

from videogen.dal import table_keys
from videogen.dal.tables import (
    DeliveryItem,
    EventMarkerItem,
    OwnerWebhooksItem,
    WebhookItem,
    cancellation_codes,
    read_item,
)
from videogen.domain.events import RenderEventType
from videogen.domain.webhooks import (
    DELIVERY_RETENTION_DAYS,
    MAX_RECORDED_ATTEMPTS,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Webhook,
)
from videogen.exceptions import ResourceNotFoundException, StorageException


class WebhookLimitReachedException(Exception):  # noqa: N818 - a signal for logic, never shown as is
    """The owner has the most webhooks already; logic turns it into a 422."""


def _not_found(webhook_id: str) -> ResourceNotFoundException:
    # Another owner's webhook is "not found" too: ids are never confirmed to strangers.
    return ResourceNotFoundException("Webhook not found", {"webhook_id": webhook_id[:64]})


def _delivery_not_found(delivery_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException("Delivery not found", {"delivery_id": delivery_id[:64]})


# --- webhooks ---


def create_webhook(webhook: Webhook, limit: int) -> None:
    """Store a new webhook and count it against the owner's ``limit``, in one transaction.

    Raises:
        WebhookLimitReachedException: the owner has ``limit`` webhooks already.
        StorageException: DynamoDB could not be written.
    """
    item = WebhookItem(
        table_keys.owner_pk(webhook.owner_id),
        table_keys.webhook_sk(webhook.id),
        id=webhook.id,
        owner_id=webhook.owner_id,
        url=webhook.url,
        events={kind.value for kind in webhook.events},
        secret=webhook.secret,
        created_at=webhook.created_at,
    )
    count = OwnerWebhooksItem._get_connection().get_operation_kwargs(
        table_keys.owner_pk(webhook.owner_id),
        table_keys.LIMITS_WEBHOOKS_SK,
        actions=[OwnerWebhooksItem.webhooks.add({webhook.id})],
        # No attribute: the owner has none (DynamoDB stores no empty set).
        condition=OwnerWebhooksItem.webhooks.does_not_exist() | (size(OwnerWebhooksItem.webhooks) < limit),
    )
    put = item.get_save_kwargs_from_instance(condition=WebhookItem.sk.does_not_exist())
    try:
        WebhookItem._get_connection().connection.transact_write_items([], [], [put], [count])
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
            raise WebhookLimitReachedException from exc
        raise StorageException("Could not store the webhook.") from exc


def list_webhooks(owner_id: str) -> list[Webhook]:
    """The owner's webhooks, oldest first (there are at most ten)."""
    try:
        items = WebhookItem.query(
            table_keys.owner_pk(owner_id),
            WebhookItem.sk.startswith(table_keys.WEBHOOK_SK_PREFIX),
            consistent_read=True,
        )
        webhooks = [_webhook(item) for item in items]
    except PynamoDBException as exc:
        raise StorageException("Could not read the webhooks.") from exc
    return sorted(webhooks, key=lambda webhook: (webhook.created_at, webhook.id))


def get_webhook(owner_id: str, webhook_id: str) -> Webhook:
    """One of the owner's webhooks.

    Raises:
        ResourceNotFoundException: the owner has no webhook with this id.
    """
    item = read_item(
        WebhookItem,
        table_keys.owner_pk(owner_id),
        table_keys.webhook_sk(webhook_id),
        missing=_not_found(webhook_id),
        what="the webhook",
    )
    return _webhook(item)


def delete_webhook(owner_id: str, webhook_id: str) -> None:
    """Delete one of the owner's webhooks and give back its place (its deliveries expire on their own).

    Raises:
        ResourceNotFoundException: the owner has no webhook with this id.
    """
    delete = WebhookItem._get_connection().get_operation_kwargs(
        table_keys.owner_pk(owner_id),
        table_keys.webhook_sk(webhook_id),
        condition=WebhookItem.sk.exists(),
    )
    count = OwnerWebhooksItem._get_connection().get_operation_kwargs(
        table_keys.owner_pk(owner_id),
        table_keys.LIMITS_WEBHOOKS_SK,
        actions=[OwnerWebhooksItem.webhooks.delete({webhook_id})],
    )
    try:
        WebhookItem._get_connection().connection.transact_write_items([], [delete], [], [count])
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        if codes and codes[0] == "ConditionalCheckFailed":
            raise _not_found(webhook_id) from exc
        raise StorageException("Could not delete the webhook.") from exc


def _webhook(item: WebhookItem) -> Webhook:
    events = sorted(RenderEventType(value) for value in item.events or ())
    return Webhook(
        id=item.id,
        owner_id=item.owner_id,
        url=item.url,
        events=tuple(events),
        created_at=item.created_at,
        secret=item.secret,
    )


# --- deliveries ---


def create_delivery(delivery: Delivery) -> tuple[Delivery, bool]:
    """Store a new delivery, unless its event has one to this webhook already.

    Returns:
        The delivery of the event (the new one, or the one made before) and whether it is new.
    """
    expires = delivery.created_at + timedelta(days=DELIVERY_RETENTION_DAYS)
    item = _delivery_item(delivery, expires)
    marker = EventMarkerItem(
        table_keys.webhook_pk(delivery.webhook_id),
        table_keys.event_marker_sk(delivery.event_id),
        delivery_id=delivery.id,
        expiration=expires,
    )
    puts = [
        marker.get_save_kwargs_from_instance(condition=EventMarkerItem.sk.does_not_exist()),
        item.get_save_kwargs_from_instance(condition=DeliveryItem.sk.does_not_exist()),
    ]
    try:
        DeliveryItem._get_connection().connection.transact_write_items([], [], puts, [])
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        if "ConditionalCheckFailed" not in codes:
            raise StorageException("Could not store the delivery.") from exc
        try:
            existing = EventMarkerItem.get(marker.pk, marker.sk, consistent_read=True)
        except (DoesNotExist, PynamoDBException) as read_exc:
            raise StorageException("Could not read the delivery.") from read_exc
        return get_delivery(delivery.webhook_id, existing.delivery_id), False
    return delivery, True


def get_delivery(webhook_id: str, delivery_id: str) -> Delivery:
    """One delivery of a webhook.

    Raises:
        ResourceNotFoundException: there is no such delivery (or it expired).
    """
    item = read_item(
        DeliveryItem,
        table_keys.webhook_pk(webhook_id),
        table_keys.delivery_sk(delivery_id),
        missing=_delivery_not_found(delivery_id),
        what="the delivery",
    )
    return _delivery(item)


def list_deliveries(webhook_id: str, limit: int) -> list[Delivery]:
    """The webhook's newest ``limit`` deliveries, newest first."""
    try:
        items = DeliveryItem.query(
            table_keys.webhook_pk(webhook_id),
            DeliveryItem.sk.startswith(table_keys.DELIVERY_SK_PREFIX),
            scan_index_forward=False,
            limit=limit,
            consistent_read=True,
        )
        return [_delivery(item) for item in items]
    except PynamoDBException as exc:
        raise StorageException("Could not read the deliveries.") from exc


def lease_delivery(webhook_id: str, delivery_id: str, now: datetime, seconds: float) -> bool:
    """Take the right to send a pending delivery for ``seconds``; False when it was delivered, or another
    sender holds it (a duplicated queue message): then this one must not send."""
    try:
        DeliveryItem._get_connection().update_item(
            table_keys.webhook_pk(webhook_id),
            table_keys.delivery_sk(delivery_id),
            actions=[DeliveryItem.sending_until.set(now + timedelta(seconds=seconds))],
            condition=(DeliveryItem.status != DeliveryStatus.DELIVERED.value)
            & (DeliveryItem.sending_until.does_not_exist() | (DeliveryItem.sending_until < now)),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise StorageException("Could not update the delivery.") from exc
    return True


def record_attempt(
    webhook_id: str, delivery_id: str, attempt: DeliveryAttempt, status: DeliveryStatus
) -> None:
    """Append an attempt (keeping the newest MAX_RECORDED_ATTEMPTS), set the status, free the lease."""
    current = get_delivery(webhook_id, delivery_id)
    attempts = [*_attempt_maps(current.attempts), _attempt_map(attempt)][-MAX_RECORDED_ATTEMPTS:]
    actions: list[Any] = [
        DeliveryItem.attempts.set(json.dumps(attempts, separators=(",", ":"))),
        DeliveryItem.status.set(status.value),
        DeliveryItem.sending_until.remove(),
    ]
    if status is DeliveryStatus.DELIVERED:
        actions.append(DeliveryItem.delivered_at.set(attempt.at))
    try:
        DeliveryItem._get_connection().update_item(
            table_keys.webhook_pk(webhook_id),
            table_keys.delivery_sk(delivery_id),
            actions=actions,
            # A delivered delivery stays delivered, whatever a late duplicate attempt reports.
            condition=DeliveryItem.status != DeliveryStatus.DELIVERED.value,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return
        raise StorageException("Could not record the delivery's attempt.") from exc


def reopen_delivery(webhook_id: str, delivery_id: str) -> bool:
    """Make a failed delivery pending again (a manual retry); False when it was delivered meanwhile."""
    try:
        DeliveryItem._get_connection().update_item(
            table_keys.webhook_pk(webhook_id),
            table_keys.delivery_sk(delivery_id),
            actions=[
                DeliveryItem.status.set(DeliveryStatus.PENDING.value),
                DeliveryItem.sending_until.remove(),
            ],
            condition=DeliveryItem.sk.exists() & (DeliveryItem.status != DeliveryStatus.DELIVERED.value),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise StorageException("Could not update the delivery.") from exc
    return True


def _delivery_item(delivery: Delivery, expires: datetime) -> DeliveryItem:
    return DeliveryItem(
        table_keys.webhook_pk(delivery.webhook_id),
        table_keys.delivery_sk(delivery.id),
        id=delivery.id,
        webhook_id=delivery.webhook_id,
        owner_id=delivery.owner_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type.value,
        body=delivery.body,
        status=delivery.status.value,
        attempts=json.dumps(_attempt_maps(delivery.attempts), separators=(",", ":")),
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        expiration=expires,
    )


def _attempt_map(attempt: DeliveryAttempt) -> dict[str, Any]:
    entry: dict[str, Any] = {"at": attempt.at.isoformat(), "latency_ms": round(attempt.latency_ms, 1)}
    if attempt.status_code is not None:
        entry["status_code"] = attempt.status_code
    if attempt.error:
        entry["error"] = attempt.error
    return entry


def _attempt_maps(attempts: Iterable[DeliveryAttempt]) -> list[dict[str, Any]]:
    return [_attempt_map(attempt) for attempt in attempts]


def _delivery(item: DeliveryItem) -> Delivery:
    attempts = tuple(
        DeliveryAttempt(
            at=datetime.fromisoformat(str(entry["at"])),
            status_code=int(entry["status_code"]) if entry.get("status_code") is not None else None,
            latency_ms=float(entry.get("latency_ms", 0.0)),
            error=str(entry["error"]) if entry.get("error") else None,
        )
        for entry in json.loads(item.attempts or "[]")
    )
    return Delivery(
        id=item.id,
        webhook_id=item.webhook_id,
        owner_id=item.owner_id,
        event_id=item.event_id,
        event_type=RenderEventType(item.event_type),
        created_at=item.created_at,
        body=item.body,
        status=DeliveryStatus(item.status),
        attempts=attempts,
        delivered_at=item.delivered_at,
    )
