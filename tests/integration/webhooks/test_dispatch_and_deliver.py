"""DispatchWebhooks and DeliverWebhook against moto and a loopback receiver, called directly (the local
cloud's queue poller is stopped, so each test decides when a message is delivered)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller
from tests.support.webhooks import Receiver, receiving
from videogen.config import get_config
from videogen.dal import projects
from videogen.dal import webhooks as store
from videogen.domain.events import RenderEvent, RenderEventType
from videogen.domain.webhooks import DeliveryStatus
from videogen.pipeline import webhooks as pipeline
from videogen.pipeline.events import RenderEventEnvelope
from videogen.webhooks import schedule
from videogen_local.cloud import LocalCloud

OWNER = "owner-alice"
PROJECT = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def quiet_cloud(cloud: LocalCloud) -> LocalCloud:
    cloud._stop_queue_pollers()
    return cloud


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as started:
        yield started


def _envelope(kind: RenderEventType = RenderEventType.COMPLETED, owner: str = OWNER) -> RenderEventEnvelope:
    event = RenderEvent(kind, PROJECT, owner, "000001", "COMPLETED", projects.now(), scene_count=2)
    return RenderEventEnvelope.model_validate(
        {"id": "eb-1", "source": "videogen", "detail-type": kind.detail_type, "detail": event.detail()}
    )


def _queued(cloud: LocalCloud) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    messages = sqs.receive_message(
        QueueUrl=cloud.queues["WebhookQueue"], MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    ).get("Messages", [])
    return [
        {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message["Attributes"],
        }
        for message in messages
    ]


def _hook(api: ApiCaller, receiver: Receiver, events: list[str]) -> dict[str, Any]:
    created = api.post("/webhooks", {"url": receiver.url(), "events": events})
    assert created.status == 201, created.body
    return dict(created.body)


def test_a_duplicated_event_makes_one_delivery_per_subscribed_webhook(
    quiet_cloud: LocalCloud, api: ApiCaller, receiver: Receiver
) -> None:
    wanted = _hook(api, receiver, ["render.completed"])
    _hook(api, receiver, ["render.failed"])
    _hook(api.as_owner("owner-bob"), receiver, ["render.completed"])

    first = pipeline.dispatch(_envelope(), get_config())
    again = pipeline.dispatch(_envelope(), get_config())

    assert first == 1
    # The duplicate finds the delivery unattempted, so queues it again (its first queueing may have failed);
    # the delivery itself is one.
    assert again == 1
    (delivery,) = store.list_deliveries(str(wanted["id"]), 10)
    assert delivery.status is DeliveryStatus.PENDING
    assert json.loads(delivery.body)["type"] == "render.completed"
    messages = _queued(quiet_cloud)
    assert {json.loads(message["body"])["delivery_id"] for message in messages} == {delivery.id}

    # Both messages of the one delivery arrive in one batch: one POST. The one that found the other
    # sending may be kept for later; delivered by then, it is dropped without a second POST.
    records = pipeline.queue_records({"Records": messages})
    kept = pipeline.deliver_batch(records, get_config())

    assert len(kept) <= 1
    assert pipeline.deliver_batch(records, get_config()) == []
    assert len(receiver.received) == 1
    (delivered,) = store.list_deliveries(str(wanted["id"]), 10)
    assert delivered.status is DeliveryStatus.DELIVERED
    assert len(delivered.attempts) == 1
    # A third copy of the event changes nothing now.
    assert pipeline.dispatch(_envelope(), get_config()) == 0


def test_a_failed_attempt_is_kept_and_hidden_until_its_next_attempt(
    quiet_cloud: LocalCloud, api: ApiCaller
) -> None:
    with receiving(statuses=[503]) as failing:
        hook = _hook(api, failing, ["render.completed"])
        pipeline.dispatch(_envelope(), get_config())
        messages = _queued(quiet_cloud)

        kept = pipeline.deliver_batch(pipeline.queue_records({"Records": messages}), get_config())

        assert kept == [messages[0]["messageId"]]
        (delivery,) = store.list_deliveries(str(hook["id"]), 10)
        assert delivery.status is DeliveryStatus.PENDING
        assert [(a.status_code, a.error) for a in delivery.attempts] == [(503, "HTTP 503")]
        # Hidden for the schedule's second wait (30 s by default): not receivable now.
        assert _queued(quiet_cloud) == []


def test_the_last_attempt_of_the_window_marks_it_failed_for_the_dead_letter_queue(
    quiet_cloud: LocalCloud, api: ApiCaller
) -> None:
    with receiving(statuses=[500]) as failing:
        hook = _hook(api, failing, ["render.completed"])
        pipeline.dispatch(_envelope(), get_config())
        (message,) = _queued(quiet_cloud)
        message["attributes"]["ApproximateReceiveCount"] = str(schedule.attempts_within_window())

        kept = pipeline.deliver_batch(pipeline.queue_records({"Records": [message]}), get_config())

    assert kept == [message["messageId"]]
    (delivery,) = store.list_deliveries(str(hook["id"]), 10)
    assert delivery.status is DeliveryStatus.FAILED


def test_a_delivery_to_a_deleted_webhook_is_dropped(
    quiet_cloud: LocalCloud, api: ApiCaller, receiver: Receiver
) -> None:
    hook = _hook(api, receiver, ["render.completed"])
    pipeline.dispatch(_envelope(), get_config())
    assert api.delete(f"/webhooks/{hook['id']}").status == 204
    messages = _queued(quiet_cloud)

    kept = pipeline.deliver_batch(pipeline.queue_records({"Records": messages}), get_config())

    assert kept == []
    assert receiver.received == []


def test_a_sender_holding_the_lease_keeps_a_duplicate_from_sending(
    quiet_cloud: LocalCloud, api: ApiCaller, receiver: Receiver
) -> None:
    hook = _hook(api, receiver, ["render.completed"])
    pipeline.dispatch(_envelope(), get_config())
    (delivery,) = store.list_deliveries(str(hook["id"]), 10)
    assert store.lease_delivery(str(hook["id"]), delivery.id, projects.now(), 30)
    messages = _queued(quiet_cloud)

    kept = pipeline.deliver_batch(pipeline.queue_records({"Records": messages}), get_config())

    assert kept == [messages[0]["messageId"]]
    assert receiver.received == []
    # Once the lease has run out, the next sender may send.
    later = projects.now() + timedelta(seconds=31)
    assert store.lease_delivery(str(hook["id"]), delivery.id, later, 30)


def test_an_unreadable_message_or_other_events_are_dropped(quiet_cloud: LocalCloud) -> None:
    records = pipeline.queue_records(
        {"Records": [{"messageId": "m1", "receiptHandle": "r", "body": "{not json", "attributes": {}}]}
    )
    assert pipeline.deliver_batch(records, get_config()) == []
    other = RenderEventEnvelope.model_validate(
        {"id": "x", "source": "aws.states", "detail-type": "Render Completed", "detail": {}}
    )
    assert pipeline.dispatch(other, get_config()) == 0
