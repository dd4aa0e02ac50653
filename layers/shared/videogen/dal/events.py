"""Render events onto the stack's EventBridge bus (PutEvents), where rules route them on."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from videogen.domain.events import EVENT_SOURCE, RenderEvent
from videogen.exceptions import StorageException
from videogen.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


@lru_cache(maxsize=1)
def events_client() -> EventBridgeClient:
    return boto3.client("events", config=Config(retries={"max_attempts": 4, "mode": "standard"}))


def publish(bus_name: str, event: RenderEvent) -> None:
    """Put ``event`` on the bus called ``bus_name``.

    Raises:
        StorageException: EventBridge refused the event or could not be reached (retryable: the step that
            publishes is retried, and the event's id stays the same).
    """
    entry = {
        "Source": EVENT_SOURCE,
        "DetailType": event.kind.detail_type,
        "Detail": json.dumps(event.detail(), separators=(",", ":")),
        "EventBusName": bus_name,
        "Resources": [],
    }
    try:
        response = events_client().put_events(Entries=[entry])  # type: ignore[list-item]
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not publish the render's event.") from exc
    if response.get("FailedEntryCount"):
        failed = response["Entries"][0]
        logger.error(
            "EventBridge refused a render event",
            extra={"code": failed.get("ErrorCode"), "reason": failed.get("ErrorMessage")},
        )
        raise StorageException("Could not publish the render's event.")
    logger.info("Render event published", extra={"event_id": event.id, "type": event.kind.value})
