"""Render events end to end on the local cloud: on the stack's EventBridge bus for any rule to route, and to
the owner's webhooks as signed POSTs that are retried until the receiver takes them, exactly once."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.cloud import module_cloud_fixture
from tests.support.images import refuse_prompts
from tests.support.waiting import wait_until
from tests.support.webhooks import Received, Receiver, receiving
from videogen.webhooks import signing
from videogen_local.cloud import LocalCloud

pytestmark = pytest.mark.slow

SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Gulls\nGulls follow the boats.\nDuration: 1s\n"
SETTINGS = {"resolution": "480p", "fps": 24, "voice": "none"}
ALL_EVENTS = ["render.started", "render.completed", "render.failed"]

# Backoff from one second, so four attempts take seconds, not minutes.
webhooks_cloud = module_cloud_fixture(parameters={"WebhookRetryBaseSeconds": "1"})


@pytest.fixture
def api(webhooks_cloud: LocalCloud, request: pytest.FixtureRequest) -> ApiCaller:
    # An owner per test: each test's webhooks receive only its own renders' events.
    return ApiCaller(webhooks_cloud, f"owner-{request.node.name[-40:]}")


def _subscribe(api: ApiCaller, receiver: Receiver, events: list[str]) -> dict[str, Any]:
    created = api.post("/webhooks", {"url": receiver.url(), "events": events})
    assert created.status == 201, created.body
    return dict(created.body)


def _render(api: ApiCaller, script: str = SCRIPT) -> tuple[str, dict[str, Any]]:
    created = api.post("/projects", {"title": "Harbour", "script": script, "settings": SETTINGS})
    assert created.status == 201, created.body
    project_id = str(created.body["id"])
    assert api.post(f"/projects/{project_id}/renders").status == 202
    return project_id, wait_for_render(api, project_id)


def _verified(received: Received, secret: str) -> dict[str, Any]:
    """The delivery's JSON, after checking its signature and event id header as a receiver would."""
    header = received.headers[signing.SIGNATURE_HEADER]
    assert signing.verify(secret, received.body, header, now=int(time.time()))
    assert not signing.verify(secret, received.body + b" ", header, now=int(time.time()))
    document = json.loads(received.body)
    assert received.headers[signing.EVENT_ID_HEADER] == document["id"]
    assert received.headers["Content-Type"] == "application/json"
    return dict(document)


def test_a_completed_render_is_announced_signed_to_its_owners_webhook(api: ApiCaller) -> None:
    with receiving() as receiver:
        hook = _subscribe(api, receiver, ALL_EVENTS)
        project_id, project = _render(api)
        assert project["status"] == "COMPLETED"
        wait_until(lambda: receiver.of_type("render.completed"), 20, 0.05, "the completion's delivery")
        started = [_verified(item, hook["secret"]) for item in receiver.of_type("render.started")]
        completed = [_verified(item, hook["secret"]) for item in receiver.of_type("render.completed")]

    assert len(started) == 1
    assert len(completed) == 1
    (event,) = completed
    assert event["id"].startswith("evt_")
    assert event["id"] != started[0]["id"]
    assert event["type"] == "render.completed"
    data = event["data"]
    assert data["project_id"] == project_id
    assert data["owner_id"] == api.owner
    assert data["render_number"] == 1
    assert data["status"] == "COMPLETED"
    assert data["scene_count"] == 2
    video = api.get(f"/projects/{project_id}/assets/video").body
    # Two 1 s scenes joined by a 0.5 s cross-fade.
    assert data["video_seconds"] == pytest.approx(video["duration"] or 1.5, abs=0.05) == 1.5
    assert data["render_seconds"] > 0
    assert data["outputs"]["video"] == f"projects/{project_id}/renders/000001/video.mp4"
    assert started[0]["data"]["status"] == "RENDERING"
    deliveries = api.get(f"/webhooks/{hook['id']}/deliveries").body["items"]
    assert sorted(item["type"] for item in deliveries) == ["render.completed", "render.started"]
    assert {item["status"] for item in deliveries} == {"delivered"}


def test_a_receiver_failing_three_times_gets_the_event_exactly_once_after_four_attempts(
    api: ApiCaller,
) -> None:
    with receiving(statuses=[500, 500, 500]) as receiver:
        hook = _subscribe(api, receiver, ["render.completed"])
        _render(api)
        wait_until(receiver.accepted, 30, 0.1, "a delivery the receiver took")
        deliveries = wait_until(
            lambda: [
                item
                for item in api.get(f"/webhooks/{hook['id']}/deliveries").body["items"]
                if item["status"] == "delivered"
            ],
            10,
            0.1,
            "the delivery recorded as delivered",
        )
        # Long enough for a wrongly repeated send to arrive (the next attempt would be 8 s away).
        time.sleep(1.5)
        arrived = list(receiver.received)

    assert [item.answered for item in arrived] == [500, 500, 500, 200]
    assert len({item.headers[signing.EVENT_ID_HEADER] for item in arrived}) == 1
    (delivery,) = deliveries
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 500, 500, 200]
    assert [attempt["error"] for attempt in delivery["attempts"]][:3] == ["HTTP 500"] * 3
    gaps = [later.at - earlier.at for earlier, later in zip(arrived, arrived[1:], strict=False)]
    # Each wait at least doubles (1 s, 2 s, 4 s, with up to 20% jitter taken off).
    assert gaps[0] >= 0.7
    assert gaps[1] >= 1.5
    assert gaps[2] >= 3.0
    retried = api.post(f"/webhooks/{hook['id']}/deliveries/{delivery['id']}/retry", {})
    assert retried.status == 409


def test_a_failed_render_is_announced_with_its_error(api: ApiCaller, monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_prompts(monkeypatch, "Gulls")
    with receiving() as receiver:
        hook = _subscribe(api, receiver, ["render.failed"])
        _, project = _render(api)
        assert project["status"] == "FAILED"
        wait_until(lambda: receiver.of_type("render.failed"), 20, 0.05, "the failure's delivery")
        (event,) = [_verified(item, hook["secret"]) for item in receiver.received]

    assert event["data"]["status"] == "FAILED"
    assert event["data"]["error"]["code"] == "CONTENT_FILTERED"
    assert event["data"]["error"]["message"] == project["error"]["message"]


def test_render_events_are_on_the_stacks_bus_for_any_rule(api: ApiCaller, webhooks_cloud: LocalCloud) -> None:
    # Given a rule of the user's own on the bus, sending videogen's events to a queue (moto delivers it).
    events, sqs = (
        boto3.client("events", region_name="us-east-1"),
        boto3.client("sqs", region_name="us-east-1"),
    )
    bus = webhooks_cloud.event_buses["RenderEventBus"]
    queue_url = sqs.create_queue(QueueName="my-render-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events.put_rule(Name="my-renders", EventBusName=bus, EventPattern=json.dumps({"source": ["videogen"]}))
    events.put_targets(Rule="my-renders", EventBusName=bus, Targets=[{"Id": "q", "Arn": queue_arn}])

    project_id, _ = _render(api)

    def mine() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(message["Body"]) for message in messages]

    seen: list[dict[str, Any]] = []
    wait_until(lambda: seen.extend(mine()) or len(seen) >= 2, 20, 0.1, "two events on the bus")
    ours = [event for event in seen if event["detail"]["project_id"] == project_id]
    assert sorted(event["detail-type"] for event in ours) == ["Render Completed", "Render Started"]
    assert {event["source"] for event in ours} == {"videogen"}
    completed = next(event for event in ours if event["detail-type"] == "Render Completed")
    assert completed["detail"]["owner_id"] == api.owner
    assert completed["detail"]["render_id"] == "000001"
