"""/projects/{id}/renders: turn a project into a video, asynchronously."""

from __future__ import annotations

import re
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from pydantic import WithJsonSchema

from videogen.api import examples
from videogen.api.context import public_path
from videogen.api.models import (
    CostItemResponse,
    FunctionUseResponse,
    RenderEstimateResponse,
    RenderPlanResponse,
    RenderRequest,
    RenderResponse,
)
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import ProjectId, errors, ok
from videogen.api.routes.replies import json_reply
from videogen.config import get_config
from videogen.domain.costs import Estimate
from videogen.domain.enums import StopAfter
from videogen.exceptions import ValidationException
from videogen.logic import renders as logic

router = Router()
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
# Checked in the handler (a 400 that names the header); the document states the same pattern.
IdempotencyKey = Annotated[
    str | None, WithJsonSchema({"type": "string", "pattern": _IDEMPOTENCY_KEY.pattern})
]
#: No body (or {}): the whole video. The body is optional, so its default is an instance (not None): the
#: document then names RenderRequest as the body's schema, and says the body is not required.
_WHOLE_VIDEO = RenderRequest()


def _refuse_null_body() -> None:
    """The body is optional, but when sent it is an object: JSON ``null`` is no RenderRequest (the resolver
    would take it for a missing body and quietly render the whole video).

    Raises:
        RequestValidationError: the body is ``null`` (422 VALIDATION_ERROR, as any body of the wrong type).
    """
    raw = router.current_event.decoded_body
    if raw and raw.strip() == "null":
        raise RequestValidationError(
            [{"type": "model_type", "loc": ("body",), "msg": "Input should be an object", "input": None}]
        )


@router.post(
    "/projects/<project_id>/renders",
    summary="Start a render",
    description=(
        "Queues a render of the project's current scenes (202). Only one render runs per project: another "
        "request meanwhile gets 409. Each owner may have a few renders running and start a number per UTC "
        "day: beyond either, 429 with Retry-After. A render longer than its resolution allows (10 minutes "
        "at 1080p) gets 422 RENDER_TOO_LARGE. Send an Idempotency-Key to make retries safe: the same key "
        "returns the same render for 24 hours. With a monthly budget per owner, a render whose estimated "
        "price exceeds what remains of it gets 402 BUDGET_EXCEEDED. With dry_run=true nothing starts: the "
        "answer (200) is the render's plan and estimated price, or the error a real render would get. "
        'With the body {"stop_after": "images"} the render makes the scene stills, their thumbnails and '
        "the storyboard (storyboard.jpg, a contact sheet of the stills with number, title and length) and "
        "ends COMPLETED without assembling a video; a later whole render reuses the stills. An unknown "
        "stop_after is 422, listing the valid values."
    ),
    responses={
        200: ok("dry_run=true: the render's plan and price; nothing was started.", RenderEstimateResponse),
        202: ok("The render was queued.", RenderResponse, ("Location",)),
        **errors(400, 402, 404, 409, 429),
    },
    tags=["renders"],
)
def start_render(
    project_id: ProjectId,
    idempotency_key: Annotated[
        IdempotencyKey,
        Header(
            alias="idempotency-key", description="8-128 characters of [A-Za-z0-9._:-] you choose per render."
        ),
    ] = None,
    dry_run: Annotated[
        bool, Query(description="true: answer with the render's plan and price, and start nothing.")
    ] = False,
    body: Annotated[RenderRequest, Body(openapi_examples=examples.START_RENDER)] = _WHOLE_VIDEO,
) -> Response[RenderResponse | RenderEstimateResponse]:
    owner = caller(router, project_id)
    _refuse_null_body()
    stop_after = body.stop_after
    settings = get_config()
    if idempotency_key is not None and not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise ValidationException(
            "Idempotency-Key must be 8 to 128 letters, digits, '.', '_', ':' or '-'.",
            {"header": "Idempotency-Key"},
        )
    if dry_run:
        priced = logic.estimate_render(owner, project_id, settings, stop_after)
        return json_reply(estimate_response(project_id, priced), 200)
    request_id = str(router.context.get("request_id", "unknown"))
    if idempotency_key is None:
        render = logic.start_render(
            owner, project_id, settings.state_machine_arn, request_id, settings, stop_after=stop_after
        )
    else:
        # The function's remaining time bounds how long an in-progress idempotency record blocks a retry.
        render = logic.start_render_once(
            owner,
            project_id,
            settings.state_machine_arn,
            request_id,
            idempotency_key,
            lambda_context=router.lambda_context,
            stop_after=stop_after,
        )
    answer = RenderResponse(
        id=render.render_id,
        project_id=render.project_id,
        status=render.status,
        execution_arn=render.execution_arn,
    )
    return json_reply(answer, 202, {"Location": public_path(router, f"/projects/{project_id}")})


def estimate_response(project_id: str, priced: Estimate) -> RenderEstimateResponse:
    """The API's form of a render's estimate."""
    shape = priced.shape
    plan = RenderPlanResponse(
        stop_after=StopAfter.IMAGES if shape.stop_after_images else None,
        scenes=shape.scenes,
        images_to_generate=shape.images_to_generate,
        images_cached=shape.images_cached,
        image_provider=shape.image_provider,
        voice_provider=shape.voice_provider,
        narration_seconds=shape.narration_seconds,
        narration_characters=shape.narration_characters,
        video_seconds=shape.video_seconds,
        width=shape.width,
        height=shape.height,
        segments=shape.segments,
        segments_reused=shape.segments_reused,
        state_transitions=priced.state_transitions,
        states=priced.states,
        functions=[
            FunctionUseResponse(
                function=use.function,
                invocations=use.invocations,
                seconds=use.seconds,
                memory_mb=use.memory_mb,
                gb_seconds=use.gb_seconds,
            )
            for use in priced.functions
        ],
        gb_seconds=priced.gb_seconds,
        s3_put_requests=priced.s3_puts,
        s3_get_requests=priced.s3_gets,
    )
    items = [
        CostItemResponse(
            item=item.item, quantity=item.quantity, unit=item.unit, unit_usd=item.unit_usd, usd=item.usd
        )
        for item in priced.items
    ]
    return RenderEstimateResponse(project_id=project_id, plan=plan, items=items, total_usd=priced.total_usd)
