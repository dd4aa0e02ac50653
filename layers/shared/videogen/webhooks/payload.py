"""What a webhook delivery's body says: ``{"id", "type", "created_at", "data"}`` as compact JSON.

The body is built once per event and the same bytes are sent on every retry: the signature covers the
exact bytes, and a receiver that hashes or stores bodies sees one event, not one per attempt.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from videogen.domain.events import EVENT_TYPES


def event_body(event_id: str, type_: str, created_at: datetime, data: dict[str, Any]) -> bytes:
    """The delivery body of one event: UTF-8 JSON, no whitespace, keys in the documented order.

    Args:
        created_at: when the event happened; timezone-aware, written in UTC with a ``Z``.
        data: the event's detail, JSON-ready (it is written in its own key order).

    Raises:
        ValueError: ``type_`` is not one of :data:`EVENT_TYPES`, ``created_at`` is naive, or ``data``
            holds a NaN or infinity (not JSON: receivers' parsers would refuse the body).
        TypeError: ``data`` holds something JSON cannot carry.
    """
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}; expected one of {', '.join(EVENT_TYPES)}")
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware: a naive time means a different instant per host")
    document = {
        "id": event_id,
        "type": type_,
        "created_at": created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
