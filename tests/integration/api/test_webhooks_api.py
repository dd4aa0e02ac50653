"""/webhooks on the API: register (secret shown once), list, get, delete, ownership, limits, bad input, and a
delivery's history and manual retry."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest

from tests.support.api import ApiCaller
from videogen.config import get_config
from videogen.dal import webhooks as store
from videogen.domain.events import EVENT_TYPES, RenderEventType
from videogen.domain.webhooks import (
    MAX_WEBHOOKS_PER_OWNER,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    delivery_id,
)
from videogen_local.cloud import LocalCloud

HOOK = {"url": "https://hooks.example.com/videogen", "events": ["render.completed", "render.failed"]}


def _create(api: ApiCaller, **overrides: object) -> dict[str, object]:
    result = api.post("/webhooks", {**HOOK, **overrides})
    assert result.status == 201, result.body
    return dict(result.body)


def test_create_webhook_returns_its_secret_once_and_lists_it_without(api: ApiCaller) -> None:
    created = api.post("/webhooks", HOOK)

    assert created.status == 201, created.body
    assert created.body["id"].startswith("wh_")
    assert created.body["url"] == HOOK["url"]
    assert created.body["events"] == ["render.completed", "render.failed"]
    assert created.body["secret"].startswith("whsec_")
    assert created.headers["Location"] == f"/v1/webhooks/{created.body['id']}"
    listed = api.get("/webhooks")
    assert listed.status == 200
    assert [item["id"] for item in listed.body["items"]] == [created.body["id"]]
    assert "secret" not in listed.body["items"][0]
    fetched = api.get(f"/webhooks/{created.body['id']}")
    assert fetched.status == 200
    assert "secret" not in fetched.body
    assert fetched.body["created_at"] == created.body["created_at"]


def test_another_owners_webhook_is_not_found(api: ApiCaller) -> None:
    hook = _create(api)
    bob = api.as_owner("owner-bob")

    assert bob.get(f"/webhooks/{hook['id']}").status == 404
    assert bob.delete(f"/webhooks/{hook['id']}").status == 404
    assert bob.get(f"/webhooks/{hook['id']}/deliveries").status == 404
    assert bob.get("/webhooks").body["items"] == []
    assert api.get(f"/webhooks/{hook['id']}").status == 200


def test_delete_webhook_removes_it_and_frees_its_place(api: ApiCaller) -> None:
    hooks = [_create(api) for _ in range(MAX_WEBHOOKS_PER_OWNER)]

    over = api.post("/webhooks", HOOK)
    assert over.status == 422
    assert over.error_code == "INVALID_WEBHOOK"
    assert str(MAX_WEBHOOKS_PER_OWNER) in over.body["error"]["message"]

    assert api.delete(f"/webhooks/{hooks[0]['id']}").status == 204
    assert api.get(f"/webhooks/{hooks[0]['id']}").status == 404
    assert api.delete(f"/webhooks/{hooks[0]['id']}").status == 404
    assert api.post("/webhooks", HOOK).status == 201
    # Another owner's limit is their own.
    assert api.as_owner("owner-bob").post("/webhooks", HOOK).status == 201


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://hooks.example.com/x", "https"),
        ("javascript:alert(1)", "https"),
        ("https://user:secret@hooks.example.com/x", "password"),
        ("https:///no-host", "host"),
    ],
)
def test_create_webhook_with_an_unusable_url_returns_422_with_the_reason(
    api: ApiCaller, url: str, reason: str
) -> None:
    result = api.post("/webhooks", {**HOOK, "url": url})

    assert result.status == 422, result.body
    assert result.error_code == "INVALID_WEBHOOK"
    assert reason in result.body["error"]["message"].lower()
    assert api.get("/webhooks").body["items"] == []


def test_create_webhook_with_a_url_over_2048_characters_returns_422_naming_the_limit(api: ApiCaller) -> None:
    result = api.post("/webhooks", {**HOOK, "url": "https://hooks.example.com/" + "a" * 2030})

    assert result.status == 422
    assert "2048" in json.dumps(result.body["error"])
    assert api.get("/webhooks").body["items"] == []


def test_locally_loopback_and_plain_http_are_allowed(api: ApiCaller) -> None:
    result = api.post("/webhooks", {**HOOK, "url": "http://127.0.0.1:8123/hook"})

    assert result.status == 201, result.body


def test_create_webhook_with_an_unknown_event_type_lists_the_valid_ones(api: ApiCaller) -> None:
    result = api.post("/webhooks", {**HOOK, "events": ["render.completed", "render.exploded"]})

    assert result.status == 422
    text = str(result.body["error"])
    for valid in EVENT_TYPES:
        assert valid in text
    assert api.post("/webhooks", {**HOOK, "events": []}).status == 422


def _stored_delivery(cloud: LocalCloud, webhook_id: str, owner: str, status: DeliveryStatus) -> Delivery:
    created = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    delivery = Delivery(
        id=delivery_id(webhook_id, "evt_" + "a" * 32, created),
        webhook_id=webhook_id,
        owner_id=owner,
        event_id="evt_" + "a" * 32,
        event_type=RenderEventType.COMPLETED,
        created_at=created,
        body='{"id":"evt_x"}',
    )
    store.create_delivery(delivery)
    attempt = DeliveryAttempt(at=created, status_code=500, latency_ms=12.5, error="HTTP 500")
    store.record_attempt(webhook_id, delivery.id, attempt, status)
    return delivery


def test_deliveries_list_attempts_and_a_manual_retry_queues_a_failed_one(
    api: ApiCaller, cloud: LocalCloud
) -> None:
    hook = _create(api)
    delivery = _stored_delivery(cloud, str(hook["id"]), "owner-alice", DeliveryStatus.FAILED)
    # The delivery function would take the message: keep the queue to look at.
    cloud._stop_queue_pollers()

    listed = api.get(f"/webhooks/{hook['id']}/deliveries")
    assert listed.status == 200
    (item,) = listed.body["items"]
    assert item["id"] == delivery.id
    assert item["status"] == "failed"
    assert item["attempts"] == [
        {"at": "2026-12-06T08:00:00Z", "status_code": 500, "latency_ms": 12.5, "error": "HTTP 500"}
    ]

    retried = api.post(f"/webhooks/{hook['id']}/deliveries/{delivery.id}/retry", {})
    assert retried.status == 202, retried.body
    assert retried.body["status"] == "pending"
    queued = boto3.client("sqs", region_name="us-east-1").receive_message(
        QueueUrl=cloud.queues["WebhookQueue"], MaxNumberOfMessages=10
    )["Messages"]
    assert [message["Body"] for message in queued] == [
        f'{{"webhook_id":"{hook["id"]}","delivery_id":"{delivery.id}","manual":true}}'
    ]


def test_a_delivered_delivery_is_never_retried(api: ApiCaller, cloud: LocalCloud) -> None:
    hook = _create(api)
    delivery = _stored_delivery(cloud, str(hook["id"]), "owner-alice", DeliveryStatus.DELIVERED)

    retried = api.post(f"/webhooks/{hook['id']}/deliveries/{delivery.id}/retry", {})

    assert retried.status == 409
    assert (
        api.post(f"/webhooks/{hook['id']}/deliveries/dl_0000000000000_000000000000/retry", {}).status == 404
    )
    assert (
        api.as_owner("owner-bob").post(f"/webhooks/{hook['id']}/deliveries/{delivery.id}/retry", {}).status
        == 404
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://10.0.0.8/x",
        "https://169.254.169.254/latest",
    ],
)
def test_deployed_only_https_to_public_addresses_is_accepted(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    # As deployed: template.yaml leaves WEBHOOKS_ALLOW_LOCAL unset (false); only the local cloud sets it.
    monkeypatch.setenv("WEBHOOKS_ALLOW_LOCAL", "false")
    get_config.cache_clear()
    try:
        refused = api.post("/webhooks", {**HOOK, "url": url})
        accepted = api.post("/webhooks", HOOK)
    finally:
        get_config.cache_clear()

    assert refused.status == 422, refused.body
    assert refused.error_code == "INVALID_WEBHOOK"
    assert refused.body["error"]["details"]["reason"] in {"scheme", "refused_address", "host"}
    assert accepted.status == 201
