"""The API resolver and the per-request work around it (request id, owner context, headers)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig
from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.api.context import request_id_of
from videogen.api.errors import error_body, register_error_handlers
from videogen.api.routes import (
    assets,
    health,
    music,
    pictures,
    projects,
    renders,
    scenes,
    scripts,
    webhooks,
)
from videogen.observability import logger

API_TITLE = "videogen API"
API_DESCRIPTION = (
    "Write a script, get a video. Projects hold a script and its settings; every error answers with the "
    'same envelope {"error": {"code", "message", "details", "request_id"}}.'
)


EXPOSED_HEADERS = ["ETag", "Location", "X-Request-Id", "Retry-After"]
ALLOWED_HEADERS = ["Authorization", "Content-Type", "If-Match", "X-Request-Id", "Idempotency-Key"]


def create_app(allow_origin: str = "*") -> APIGatewayRestResolver:
    """The resolver with every router and the error mapping; no AWS access happens here.

    API Gateway answers CORS preflights itself (template.yaml); the answers that come from this function
    carry the CORS headers a browser needs to read them, ETag and Location included.
    """
    cors = CORSConfig(
        allow_origin=allow_origin, allow_headers=ALLOWED_HEADERS, expose_headers=EXPOSED_HEADERS
    )
    app = APIGatewayRestResolver(enable_validation=True, cors=cors)
    register_error_handlers(app)
    app.include_router(health.router)
    app.include_router(projects.router)
    app.include_router(scenes.router)
    app.include_router(assets.router)
    app.include_router(music.router)
    app.include_router(pictures.router)
    app.include_router(renders.router)
    app.include_router(webhooks.router)
    app.include_router(scripts.router)
    return app


def openapi_json(app: APIGatewayRestResolver) -> str:
    """The OpenAPI document of the API, as committed in infra/openapi.json."""
    # The OpenAPI models cost 38 ms of cold start (measured after the API's own imports) and requests never
    # need them: only `make openapi` and the docs route do.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server  # noqa: PLC0415

    return app.get_openapi_json_schema(
        title=API_TITLE,
        version="1.0.0",
        description=API_DESCRIPTION,
        servers=[Server(url="/v1", description="The v1 stage")],
        security_schemes={
            "bearer": HTTPBearer(
                bearerFormat="JWT",
                description="A Cognito ID token when deployed; a key from `videogen keys add` locally.",
            )
        },
        security=[{"bearer": []}],
    )


def _unsupported_media_type(event: dict[str, Any]) -> str | None:
    """The content type of a body that is declared as something other than JSON, else None."""
    if not event.get("body"):
        return None
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    declared = headers.get("content-type", "").split(";")[0].strip().lower()
    if not declared or declared == "application/json" or declared.endswith("+json"):
        return None
    return declared


def handle(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve one API Gateway event; every answer carries X-Request-Id."""
    request_id = request_id_of(event)
    logger.set_correlation_id(request_id)
    logger.append_keys(route=f"{event.get('httpMethod')} {event.get('resource')}")
    app.append_context(request_id=request_id)
    declared = _unsupported_media_type(event)
    if declared is not None:
        body = error_body(
            "UNSUPPORTED_MEDIA_TYPE",
            f"Request bodies are JSON: send Content-Type: application/json (not {declared}).",
            request_id,
        )
        response: dict[str, Any] = {
            "statusCode": 415,
            "multiValueHeaders": {"Content-Type": ["application/json"]},
            "body": body,
            "isBase64Encoded": False,
        }
    else:
        response = app.resolve(event, context)
    headers = response.setdefault("multiValueHeaders", {}) if "multiValueHeaders" in response else None
    if headers is not None:
        headers["X-Request-Id"] = [request_id]
    else:
        response.setdefault("headers", {})["X-Request-Id"] = request_id
    return response
