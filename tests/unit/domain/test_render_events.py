"""Render events: stable ids, the detail every receiver reads, one catalogue of types."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.paths import ROOT
from videogen.domain.events import DETAIL_TYPES, EVENT_TYPES, RenderEvent, RenderEventType, event_id
from videogen.domain.webhooks import delivery_id
from videogen.webhooks import schedule
from videogen_local.template import Template

PROJECT = "0123456789abcdef0123456789abcdef"
MOMENT = datetime(2026, 12, 6, 8, 30, 15, 250000, tzinfo=UTC)


def test_an_events_id_depends_on_the_render_and_kind_only() -> None:
    first = RenderEvent(RenderEventType.COMPLETED, PROJECT, "owner", "000002", "COMPLETED", MOMENT)
    again = RenderEvent(RenderEventType.COMPLETED, PROJECT, "owner", "000002", "COMPLETED", datetime.now(UTC))

    assert first.id == again.id == event_id(PROJECT, "000002", RenderEventType.COMPLETED)
    assert first.id != event_id(PROJECT, "000003", RenderEventType.COMPLETED)
    assert first.id != event_id(PROJECT, "000002", RenderEventType.FAILED)
    assert len(first.id) == len("evt_") + 32


def test_a_completion_detail_carries_outputs_and_lengths() -> None:
    event = RenderEvent(
        RenderEventType.COMPLETED,
        PROJECT,
        "owner-1",
        "000002",
        "COMPLETED",
        MOMENT,
        scene_count=4,
        outputs={"video": "projects/x/renders/000002/video.mp4"},
        video_seconds=12.34567,
        render_seconds=40.5,
    )

    assert event.detail() == {
        "event_id": event.id,
        "project_id": PROJECT,
        "owner_id": "owner-1",
        "render_id": "000002",
        "render_number": 2,
        "status": "COMPLETED",
        "scene_count": 4,
        "occurred_at": "2026-12-06T08:30:15.250000Z",
        "outputs": {"video": "projects/x/renders/000002/video.mp4"},
        "video_seconds": 12.346,
        "render_seconds": 40.5,
    }


def test_a_failure_detail_carries_the_error() -> None:
    event = RenderEvent(
        RenderEventType.FAILED, PROJECT, "o", "000001", "FAILED", MOMENT, error_code="X", error_message="why"
    )

    assert event.detail()["error"] == {"code": "X", "message": "why"}
    assert "outputs" not in event.detail()


def test_every_event_type_has_a_detail_type_and_the_template_routes_them_all() -> None:
    template = Template.load(ROOT / "template.yaml")
    rule = template.resources["DispatchWebhooksFunction"]["Properties"]["Events"]["RenderEvent"]["Properties"]

    assert set(DETAIL_TYPES) == set(RenderEventType)
    assert EVENT_TYPES == ("render.started", "render.completed", "render.failed")
    assert sorted(rule["Pattern"]["detail-type"]) == sorted(DETAIL_TYPES.values())
    assert rule["Pattern"]["source"] == ["videogen"]


def test_the_queue_dead_letters_after_exactly_the_schedules_attempts() -> None:
    template = Template.load(ROOT / "template.yaml")
    queue = template.resources["WebhookQueue"]["Properties"]

    assert queue["RedrivePolicy"]["maxReceiveCount"] == schedule.attempts_within_window()


def test_delivery_ids_sort_by_time_and_name_their_event_and_webhook() -> None:
    earlier = delivery_id("wh_a", "evt_1", MOMENT)
    later = delivery_id("wh_a", "evt_1", MOMENT.replace(second=16))

    assert earlier < later
    assert earlier.split("_")[-1] == later.split("_")[-1]
    assert delivery_id("wh_b", "evt_1", MOMENT) != earlier
    assert earlier.startswith(f"dl_{int(MOMENT.timestamp() * 1000):013d}_")
