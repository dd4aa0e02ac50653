"""DispatchWebhooks and DeliverWebhook: a render event becomes one delivery per subscribed webhook, and each
delivery is POSTed, signed, until the receiver answers 2xx or its retry window ends.

Dispatch runs on the event bus (a rule's target); it writes each delivery once (a duplicated event finds
its marker) and queues it. Delivery runs on the queue: a failed attempt stays in the queue, invisible until
its next attempt is due (exponential backoff), and SQS moves a message that has had every attempt of the
window to the dead-letter queue. A delivery that got a 2xx is never sent again, whoever asks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from videogen.config import Config
from videogen.dal import projects, queues
from videogen.dal import webhooks as store
from videogen.domain.events import DETAIL_TYPES, EVENT_SOURCE
from videogen.domain.webhooks import Delivery, DeliveryAttempt, DeliveryStatus, delivery_id
from videogen.exceptions import ConfigurationException, ResourceNotFoundException
from videogen.observability import emit_metric, logger
from videogen.pipeline.events import QueuedDelivery, RenderEventEnvelope
from videogen.webhooks import payload, schedule, sender, signing

#: How long a receiver has to answer one delivery.
DELIVERY_TIMEOUT_SECONDS = 10.0
#: A sender holds a delivery this long: past the timeout, so a duplicate message cannot send meanwhile.
_LEASE_SECONDS = DELIVERY_TIMEOUT_SECONDS + 20
#: When another sender holds the delivery, look again after this long.
_BUSY_RETRY_SECONDS = 60
_BY_DETAIL_TYPE = {detail_type: kind for kind, detail_type in DETAIL_TYPES.items()}


def dispatch(envelope: RenderEventEnvelope, settings: Config) -> int:
    """Make and queue one delivery of the event per webhook of its owner that subscribed to it.

    Idempotent: a duplicated event finds each delivery made already, and queues it again only if it has
    never been attempted (the queueing may be what failed the first time). Returns how many were queued.
    """
    kind = _BY_DETAIL_TYPE.get(envelope.detail_type)
    if envelope.source != EVENT_SOURCE or kind is None:
        logger.warning("Not a render event", extra={"source": envelope.source, "type": envelope.detail_type})
        return 0
    queue_url = _queue_url(settings)
    detail = envelope.detail
    owner_id, event_id = str(detail.get("owner_id", "")), str(detail.get("event_id", ""))
    if not owner_id or not event_id:
        logger.warning("A render event without an owner or id", extra={"event": envelope.id})
        return 0
    occurred = _parse_time(detail.get("occurred_at"))
    body = payload.event_body(event_id, kind.value, occurred, detail).decode()
    queued = 0
    for webhook in store.list_webhooks(owner_id):
        if not webhook.wants(kind):
            continue
        delivery, new = store.create_delivery(
            Delivery(
                id=delivery_id(webhook.id, event_id, occurred),
                webhook_id=webhook.id,
                owner_id=owner_id,
                event_id=event_id,
                event_type=kind,
                created_at=projects.now(),
                body=body,
            )
        )
        if new or (delivery.status is DeliveryStatus.PENDING and not delivery.attempts):
            queues.send(queue_url, {"webhook_id": webhook.id, "delivery_id": delivery.id})
            queued += 1
    logger.info("Render event dispatched", extra={"event_id": event_id, "type": kind.value, "queued": queued})
    return queued


@dataclass(frozen=True, slots=True)
class QueueRecord:
    """What DeliverWebhook reads of one SQS record."""

    message_id: str
    receipt_handle: str
    receive_count: int
    message: QueuedDelivery | None  # None: unreadable (dropped)


def deliver_batch(records: Sequence[QueueRecord], settings: Config) -> list[str]:
    """Attempt each queued delivery, side by side; returns the message ids to keep (their next attempt is
    scheduled, or SQS will dead-letter them)."""
    if not records:
        return []
    # Made before the threads: a botocore client is thread-safe, making one from a session is not.
    queues.sqs_client()
    with ThreadPoolExecutor(max_workers=min(10, len(records)), thread_name_prefix="deliver") as pool:
        kept = list(pool.map(lambda record: _deliver_one(record, settings), records))
    return [record.message_id for record, keep in zip(records, kept, strict=True) if keep]


def _deliver_one(record: QueueRecord, settings: Config) -> bool:
    """One attempt of one delivery; True: keep the message (try again later)."""
    if record.message is None:
        logger.error("An unreadable webhook message was dropped", extra={"message_id": record.message_id})
        return False
    message = record.message
    try:
        delivery = store.get_delivery(message.webhook_id, message.delivery_id)
        webhook = store.get_webhook(delivery.owner_id, delivery.webhook_id)
    except ResourceNotFoundException:
        logger.info("Delivery dropped: its webhook or record is gone", extra=message.model_dump())
        return False
    if delivery.status is DeliveryStatus.DELIVERED:
        return False
    now = projects.now()
    if not store.lease_delivery(webhook.id, delivery.id, now, _LEASE_SECONDS):
        if store.get_delivery(webhook.id, delivery.id).status is DeliveryStatus.DELIVERED:
            return False
        queues.hide_for(_queue_url(settings), record.receipt_handle, _BUSY_RETRY_SECONDS)
        return True
    body = delivery.body.encode()
    headers = {
        signing.EVENT_ID_HEADER: delivery.event_id,
        signing.SIGNATURE_HEADER: signing.sign(webhook.secret, body, int(time.time())),
        "Videogen-Delivery-Id": delivery.id,
    }
    result = sender.post(
        webhook.url,
        body,
        headers,
        timeout=DELIVERY_TIMEOUT_SECONDS,
        allow_local=settings.webhooks_allow_local,
    )
    attempt = DeliveryAttempt(
        at=projects.now(), status_code=result.status, latency_ms=result.latency_ms, error=result.error
    )
    emit_metric("WebhookLatency", MetricUnit.Milliseconds, result.latency_ms)
    if attempt.succeeded:
        store.record_attempt(webhook.id, delivery.id, attempt, DeliveryStatus.DELIVERED)
        emit_metric("WebhooksDelivered", MetricUnit.Count, 1)
        logger.info("Webhook delivered", extra={"delivery_id": delivery.id, "status": result.status})
        return False
    number = len(delivery.attempts) + 1
    last = message.manual or schedule.gives_up(delivery.created_at, attempt.at)
    last = last or record.receive_count >= schedule.attempts_within_window()
    store.record_attempt(
        webhook.id, delivery.id, attempt, DeliveryStatus.FAILED if last else DeliveryStatus.PENDING
    )
    logger.warning(
        "Webhook attempt failed",
        extra={"delivery_id": delivery.id, "attempt": number, "status": result.status, "error": result.error},
    )
    if message.manual:
        return False  # a person's retry is one attempt; they can ask again
    if last:
        emit_metric("WebhooksDeadLettered", MetricUnit.Count, 1)
        # Visible at once: the next receive passes maxReceiveCount and SQS moves it to the dead-letter queue.
        queues.hide_for(_queue_url(settings), record.receipt_handle, 0)
        return True
    queues.hide_for(_queue_url(settings), record.receipt_handle, next_delay(number + 1, settings))
    return True


def next_delay(attempt: int, settings: Config) -> int:
    """Seconds before ``attempt``: the schedule's wait, jittered, scaled to the configured first wait."""
    wait = schedule.delay_before(attempt, jitter=schedule.spread)
    return max(1, math.ceil(wait * settings.webhook_retry_base_seconds / schedule.FIRST_RETRY_DELAY_SECONDS))


def queue_records(event: dict[str, Any]) -> list[QueueRecord]:
    """The records of an SQS event, each with its message parsed (None when it cannot be)."""
    records = []
    for raw in event.get("Records") or []:
        try:
            message: QueuedDelivery | None = QueuedDelivery.model_validate_json(raw.get("body") or "")
        except ValueError:
            message = None
        attributes = raw.get("attributes") or {}
        records.append(
            QueueRecord(
                message_id=str(raw.get("messageId", "")),
                receipt_handle=str(raw.get("receiptHandle", "")),
                receive_count=int(attributes.get("ApproximateReceiveCount", 1)),
                message=message,
            )
        )
    return records


def _queue_url(settings: Config) -> str:
    if not settings.webhook_queue_url:
        raise ConfigurationException("The webhook queue is not configured (WEBHOOK_QUEUE_URL).")
    return settings.webhook_queue_url


def _parse_time(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return projects.now()
