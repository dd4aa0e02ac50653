"""An owner's webhooks and their deliveries, as logic and the data access see them.

A webhook is a URL that receives some render events, signed with a secret only its owner was shown. One
event sent to one webhook is one delivery: made once (its id follows from the event and the webhook, so a
duplicated event never makes a second), tried until the receiver answers 2xx or the retry window ends, and
never sent again after a 2xx.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from videogen.domain.events import RenderEventType

#: Webhooks one owner may have.
MAX_WEBHOOKS_PER_OWNER: Final = 10
#: Longest URL accepted.
MAX_WEBHOOK_URL_LENGTH: Final = 2048
#: Deliveries (and the record that an event was delivered) are kept this long, then expire.
DELIVERY_RETENTION_DAYS: Final = 30
#: A delivery keeps the newest attempts up to this many (a day of backoff fits).
MAX_RECORDED_ATTEMPTS: Final = 50
#: Deliveries one page of GET /webhooks/{id}/deliveries lists.
DELIVERIES_PAGE: Final = 50


class DeliveryStatus(StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx: never sent again
    FAILED = "failed"  # no 2xx within the retry window: dead-lettered (a manual retry may send it again)


@dataclass(frozen=True, slots=True)
class Webhook:
    """A URL an owner's render events are sent to."""

    id: str
    owner_id: str
    url: str
    events: tuple[RenderEventType, ...]
    created_at: datetime
    secret: str = field(repr=False)

    def wants(self, kind: RenderEventType) -> bool:
        return kind in self.events


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One POST to the receiver: when, what it answered (None: no answer), how long it took, why it failed."""

    at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event to one webhook, with the exact body every attempt sends."""

    id: str
    webhook_id: str
    owner_id: str
    event_id: str
    event_type: RenderEventType
    created_at: datetime
    body: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: tuple[DeliveryAttempt, ...] = ()
    delivered_at: datetime | None = None


def delivery_id(webhook_id: str, event_id: str, created_at: datetime) -> str:
    """A delivery's id: its time first (deliveries list newest first by it), then a digest of the event
    and the webhook (which, with the event's marker, makes one delivery per event and webhook)."""
    digest = hashlib.sha256(f"{webhook_id}/{event_id}".encode()).hexdigest()[:12]
    return f"dl_{int(created_at.timestamp() * 1000):013d}_{digest}"
