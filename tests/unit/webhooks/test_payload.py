"""A delivery's body: compact JSON, keys in the documented order, times in UTC."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from videogen.webhooks.payload import EVENT_TYPES, event_body

AT = datetime(2026, 12, 6, 9, 15, 30, tzinfo=UTC)


def test_the_body_is_compact_json_in_the_documented_order() -> None:
    body = event_body("evt_1", "render.completed", AT, {"project_id": "p1", "scene_count": 3})

    assert body == (
        b'{"id":"evt_1","type":"render.completed","created_at":"2026-12-06T09:15:30Z",'
        b'"data":{"project_id":"p1","scene_count":3}}'
    )


def test_the_same_event_gives_the_same_bytes() -> None:
    # Retries resend the body; a signature over it must stay valid and receivers see one event.
    data = {"b": 1, "a": [1, 2], "nested": {"z": None}}

    assert event_body("evt_1", "render.failed", AT, data) == event_body(
        "evt_1", "render.failed", AT, dict(data)
    )


def test_a_time_in_another_zone_is_written_in_utc() -> None:
    paris = datetime(2026, 12, 6, 10, 15, 30, 250000, tzinfo=timezone(timedelta(hours=1)))

    created = json.loads(event_body("evt_1", "render.started", paris, {}))["created_at"]

    assert created == "2026-12-06T09:15:30.250000Z"


def test_text_is_utf8_not_escaped() -> None:
    body = event_body("evt_1", "render.completed", AT, {"title": "Café ☕"})

    assert "Café ☕".encode() in body
    assert json.loads(body)["data"]["title"] == "Café ☕"


def test_the_event_types() -> None:
    assert EVENT_TYPES == ("render.started", "render.completed", "render.failed")


@pytest.mark.parametrize("type_", ["render.deleted", "", "RENDER.STARTED"])
def test_an_unknown_type_is_refused(type_: str) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        event_body("evt_1", type_, AT, {})


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        event_body("evt_1", "render.started", datetime(2026, 12, 6, 9, 15), {})


def test_data_that_is_not_json_is_refused() -> None:
    with pytest.raises(ValueError):
        event_body("evt_1", "render.completed", AT, {"seconds": float("nan")})
    with pytest.raises(TypeError):
        event_body("evt_1", "render.completed", AT, {"when": AT})
