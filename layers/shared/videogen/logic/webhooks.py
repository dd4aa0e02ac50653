"""An owner's webhooks: register, list, remove, look at deliveries, send one again."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from videogen.dal import projects, queues
from videogen.dal import webhooks as store
from videogen.domain.events import EVENT_TYPES, RenderEventType
from videogen.domain.webhooks import (
    DELIVERIES_PAGE,
    MAX_WEBHOOKS_PER_OWNER,
    Delivery,
    DeliveryStatus,
    Webhook,
)
from videogen.exceptions import (
    ConfigurationException,
    InvalidWebhookException,
    ResourceConflictException,
)
from videogen.observability import logger
from videogen.webhooks import signing, urls


def create_webhook(
    owner_id: str, url: str, events: Sequence[RenderEventType], *, allow_local: bool
) -> Webhook:
    """Register a webhook; its secret is in the answer, and never again. ``events`` are typed by the API
    model (an unknown type is its 422, listing the valid ones).

    Raises:
        InvalidWebhookException: a URL that cannot be used (the reason says why), no event type, or the
            owner has the most webhooks already (422).
    """
    checked = urls.check_url(url, allow_local=allow_local)
    # In the catalogue's order, each once.
    kinds = tuple(kind for kind in RenderEventType if kind in set(events))
    if not kinds:
        raise InvalidWebhookException(
            f"Subscribe to at least one event type: {', '.join(EVENT_TYPES)}.", {"valid": list(EVENT_TYPES)}
        )
    webhook = Webhook(
        id=f"wh_{uuid.uuid4().hex[:24]}",
        owner_id=owner_id,
        url=checked,
        events=kinds,
        created_at=projects.now(),
        secret=signing.new_secret(),
    )
    try:
        store.create_webhook(webhook, MAX_WEBHOOKS_PER_OWNER)
    except store.WebhookLimitReachedException:
        raise InvalidWebhookException(
            f"An owner may have at most {MAX_WEBHOOKS_PER_OWNER} webhooks: delete one first.",
            {"limit": MAX_WEBHOOKS_PER_OWNER},
        ) from None
    logger.info("Webhook created", extra={"webhook_id": webhook.id, "events": [k.value for k in kinds]})
    return webhook


def list_webhooks(owner_id: str) -> list[Webhook]:
    return store.list_webhooks(owner_id)


def get_webhook(owner_id: str, webhook_id: str) -> Webhook:
    """Raises ResourceNotFoundException for another owner's webhook too."""
    return store.get_webhook(owner_id, webhook_id)


def delete_webhook(owner_id: str, webhook_id: str) -> None:
    """Remove a webhook: nothing more is sent to it (queued deliveries are dropped when their turn comes)."""
    store.delete_webhook(owner_id, webhook_id)
    logger.info("Webhook deleted", extra={"webhook_id": webhook_id})


def list_deliveries(owner_id: str, webhook_id: str) -> list[Delivery]:
    """The webhook's most recent deliveries, newest first."""
    store.get_webhook(owner_id, webhook_id)
    return store.list_deliveries(webhook_id, DELIVERIES_PAGE)


def retry_delivery(owner_id: str, webhook_id: str, delivery_id: str, queue_url: str | None) -> Delivery:
    """Send a delivery that has not succeeded once more, now (its attempts go on its record).

    Raises:
        ResourceNotFoundException: no such webhook of the owner's, or no such delivery of it.
        ResourceConflictException: it was delivered already (a 2xx is never followed by a second send).
    """
    if not queue_url:
        raise ConfigurationException("The webhook queue is not configured (WEBHOOK_QUEUE_URL).")
    store.get_webhook(owner_id, webhook_id)
    delivery = store.get_delivery(webhook_id, delivery_id)
    if delivery.status is DeliveryStatus.DELIVERED or not store.reopen_delivery(webhook_id, delivery_id):
        raise ResourceConflictException(
            "This delivery was received already (the receiver answered 2xx); it is not sent twice.",
            {"delivery_id": delivery_id, "status": DeliveryStatus.DELIVERED.value},
        )
    queues.send(queue_url, {"webhook_id": webhook_id, "delivery_id": delivery_id, "manual": True})
    logger.info("Delivery retry queued", extra={"webhook_id": webhook_id, "delivery_id": delivery_id})
    return store.get_delivery(webhook_id, delivery_id)
