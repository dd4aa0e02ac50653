"""/webhooks: URLs an owner's render events are POSTed to, signed, with their delivery history.

A webhook receives the events it subscribed to (render.started, render.completed, render.failed) as
``{"id", "type", "created_at", "data"}`` with the headers Videogen-Event-Id and Videogen-Signature
(``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` keyed by the secret shown once, at creation).
A failed delivery is retried with backoff for 24 hours; a 2xx is never followed by a second send.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from videogen.api import examples
from videogen.api.models import (
    DeliveryAttemptResponse,
    DeliveryListResponse,
    DeliveryResponse,
    WebhookCreatedResponse,
    WebhookCreateRequest,
    WebhookListResponse,
    WebhookResponse,
)
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import errors, ok
from videogen.api.routes.replies import json_reply
from videogen.config import get_config
from videogen.domain.webhooks import Delivery, Webhook
from videogen.logic import webhooks as logic

router = Router()

WebhookId = Annotated[str, Path(description="The webhook's id (wh_ and 24 hex characters).")]
DeliveryId = Annotated[str, Path(description="The delivery's id (dl_...).")]


def _webhook(webhook: Webhook) -> WebhookResponse:
    return WebhookResponse(
        id=webhook.id, url=webhook.url, events=list(webhook.events), created_at=webhook.created_at
    )


def _delivery(delivery: Delivery) -> DeliveryResponse:
    return DeliveryResponse(
        id=delivery.id,
        event_id=delivery.event_id,
        type=delivery.event_type,
        status=delivery.status,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        attempts=[
            DeliveryAttemptResponse(
                at=attempt.at,
                status_code=attempt.status_code,
                latency_ms=attempt.latency_ms,
                error=attempt.error,
            )
            for attempt in delivery.attempts
        ],
    )


@router.post(
    "/webhooks",
    summary="Register a webhook",
    description=(
        "Render events of the caller's projects are POSTed to the URL, signed with the secret in this "
        "answer (shown only here). At most 10 webhooks per owner. A URL that is not https (http too when "
        "local), longer than 2048 characters, carries credentials or (deployed) names a private, loopback "
        "or link-local address gets 422 INVALID_WEBHOOK with the reason; unknown event types get 422 "
        "listing the valid ones."
    ),
    responses={201: ok("The webhook, with its secret.", WebhookCreatedResponse), **errors(400)},
    tags=["webhooks"],
)
def create_webhook(
    body: Annotated[WebhookCreateRequest, Body(openapi_examples=examples.CREATE_WEBHOOK)],
) -> Response[WebhookCreatedResponse]:
    webhook = logic.create_webhook(
        caller(router),
        body.url,
        body.events,
        allow_local=get_config().webhooks_allow_local,
    )
    answer = WebhookCreatedResponse(**_webhook(webhook).model_dump(), secret=webhook.secret)
    return json_reply(answer, 201, {"Location": f"/v1/webhooks/{webhook.id}", "Cache-Control": "no-store"})


@router.get(
    "/webhooks",
    summary="List webhooks",
    description="The caller's webhooks, oldest first (without their secrets).",
    responses={200: ok("The webhooks.", WebhookListResponse), **errors()},
    tags=["webhooks"],
)
def list_webhooks() -> WebhookListResponse:
    return WebhookListResponse(items=[_webhook(webhook) for webhook in logic.list_webhooks(caller(router))])


@router.get(
    "/webhooks/<webhook_id>",
    summary="Get a webhook",
    description="One of the caller's webhooks (another owner's is 404).",
    responses={200: ok("The webhook.", WebhookResponse), **errors(404)},
    tags=["webhooks"],
)
def get_webhook(webhook_id: WebhookId) -> WebhookResponse:
    return _webhook(logic.get_webhook(caller(router), webhook_id))


@router.delete(
    "/webhooks/<webhook_id>",
    summary="Delete a webhook",
    description="Nothing more is sent to it, including deliveries waiting for their next attempt.",
    responses={204: ok("Deleted."), **errors(404)},
    tags=["webhooks"],
)
def delete_webhook(webhook_id: WebhookId) -> Response[None]:
    logic.delete_webhook(caller(router), webhook_id)
    return Response(status_code=204, body=None)


@router.get(
    "/webhooks/<webhook_id>/deliveries",
    summary="List a webhook's deliveries",
    description=(
        "Its 50 most recent deliveries, newest first, each with every attempt: status code, latency, error."
    ),
    responses={200: ok("The deliveries.", DeliveryListResponse), **errors(404)},
    tags=["webhooks"],
)
def list_deliveries(webhook_id: WebhookId) -> DeliveryListResponse:
    found = logic.list_deliveries(caller(router), webhook_id)
    return DeliveryListResponse(items=[_delivery(delivery) for delivery in found])


@router.post(
    "/webhooks/<webhook_id>/deliveries/<delivery_id>/retry",
    summary="Send a delivery again",
    description=(
        "One more attempt of a pending or failed delivery, now; its result joins the delivery's attempts. "
        "A delivery the receiver already answered 2xx is never sent twice (409)."
    ),
    responses={202: ok("The delivery, queued for its attempt.", DeliveryResponse), **errors(404, 409)},
    tags=["webhooks"],
)
def retry_delivery(webhook_id: WebhookId, delivery_id: DeliveryId) -> Response[DeliveryResponse]:
    delivery = logic.retry_delivery(caller(router), webhook_id, delivery_id, get_config().webhook_queue_url)
    return json_reply(_delivery(delivery), 202)
