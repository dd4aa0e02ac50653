"""/projects/{id}/renders: turn a project into a video, asynchronously."""

from __future__ import annotations

import re
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header
from pydantic import WithJsonSchema

from videogen.api.context import public_path
from videogen.api.models import RenderResponse
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import ProjectId, errors, ok
from videogen.api.routes.replies import json_reply
from videogen.config import get_config
from videogen.exceptions import ValidationException
from videogen.logic import renders as logic

router = Router()
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
# Checked in the handler (a 400 that names the header); the document states the same pattern.
IdempotencyKey = Annotated[
    str | None, WithJsonSchema({"type": "string", "pattern": _IDEMPOTENCY_KEY.pattern})
]


@router.post(
    "/projects/<project_id>/renders",
    summary="Start a render",
    description=(
        "Queues a render of the project's current scenes (202). Only one render runs per project: another "
        "request meanwhile gets 409. Each owner may have a few renders running and start a number per UTC "
        "day: beyond either, 429 with Retry-After. A render longer than its resolution allows (10 minutes "
        "at 1080p) gets 422 RENDER_TOO_LARGE. Send an Idempotency-Key to make retries safe: the same key "
        "returns the same render for 24 hours."
    ),
    responses={
        202: ok("The render was queued.", RenderResponse, ("Location",)),
        **errors(400, 404, 409, 429),
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
) -> Response[RenderResponse]:
    owner = caller(router, project_id)
    settings = get_config()
    request_id = str(router.context.get("request_id", "unknown"))
    if idempotency_key is None:
        render = logic.start_render(owner, project_id, settings.state_machine_arn, request_id, settings)
    else:
        if not _IDEMPOTENCY_KEY.match(idempotency_key):
            raise ValidationException(
                "Idempotency-Key must be 8 to 128 letters, digits, '.', '_', ':' or '-'.",
                {"header": "Idempotency-Key"},
            )
        # The function's remaining time bounds how long an in-progress idempotency record blocks a retry.
        render = logic.start_render_once(
            owner,
            project_id,
            settings.state_machine_arn,
            request_id,
            idempotency_key,
            lambda_context=router.lambda_context,
        )
    body = RenderResponse(
        id=render.render_id,
        project_id=render.project_id,
        status=render.status,
        execution_arn=render.execution_arn,
    )
    return json_reply(body, 202, {"Location": public_path(router, f"/projects/{project_id}")})
