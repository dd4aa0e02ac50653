"""OpenAPI documentation shared by the routers: the parameters several routes take, and the responses."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader

from videogen.api import examples as api_examples
from videogen.api.context import IfMatch
from videogen.api.models import ErrorResponse

ProjectId = Annotated[str, Path(description="The project id (32 hex characters).")]
#: The If-Match header of a conditional update.
IfMatchHeader = Annotated[
    IfMatch,
    Header(alias="if-match", description='The ETag you last read, e.g. "v3", or * for any version.'),
]

_ERROR_TEXT = {
    400: "Malformed request: bad JSON, cursor or header (INVALID_JSON, INVALID_CURSOR, BAD_REQUEST).",
    401: "No valid identity (UNAUTHENTICATED).",
    402: "The render's estimated price exceeds what remains of the owner's monthly budget (BUDGET_EXCEEDED).",
    403: "The caller may not do this, e.g. pick a paid image provider without the group for it (FORBIDDEN).",
    404: "No such resource, or it belongs to someone else (RESOURCE_NOT_FOUND).",
    409: (
        "Conflicts with the current state: a concurrent change, a running render (RESOURCE_CONFLICT), "
        "an upload that has not arrived (UPLOAD_NOT_RECEIVED)."
    ),
    412: "If-Match names a stale version: fetch the resource again (PRECONDITION_FAILED).",
    413: "A field is larger than allowed (PAYLOAD_TOO_LARGE).",
    415: "The body is not JSON (UNSUPPORTED_MEDIA_TYPE).",
    422: (
        "A field is missing, unknown or invalid; details name each (VALIDATION_ERROR, SCRIPT_PARSE_ERROR, "
        "RENDER_TOO_LARGE, INVALID_MUSIC)."
    ),
    429: "Too many requests or renders; retry after Retry-After seconds (RATE_LIMITED).",
    500: "Unexpected failure on our side (INTERNAL_ERROR).",
    503: "A dependency is unavailable.",
}

HEADERS: dict[str, OpenAPIResponseHeader] = {
    "X-Request-Id": {
        "description": "The request id; the logs of this request carry it.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": 'The version of the resource, e.g. "v3"; send it as If-Match.',
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "The path of the created resource, or where a redirect leads.",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
}


def ok(
    description: str,
    model: Any = None,
    headers: tuple[str, ...] = (),
    examples: api_examples.Examples | None = None,
) -> OpenAPIResponse:
    """A success response entry, always documenting X-Request-Id. Without a model it has no body (an
    empty ``content``: otherwise the document would promise the handler's return type as JSON). Its
    examples are the model's (``api_examples.RESPONSES``) unless given."""
    content: dict[str, Any] = {}
    if model is not None:
        shown = examples or api_examples.RESPONSES.get(model.__name__)
        content["application/json"] = api_examples.with_examples({"model": model}, shown)
    return {
        "description": description,
        "headers": {name: HEADERS[name] for name in ("X-Request-Id", *headers)},
        "content": content,
    }


_ERROR_HEADERS = {429: ("X-Request-Id", "Retry-After")}


def errors(*statuses: int, authenticated: bool = True) -> dict[int, OpenAPIResponse]:
    """OpenAPI ``responses`` entries for error statuses, all with the error envelope.

    422 and 500 are always listed (validation runs on every route), 401 on authenticated routes.
    """
    always = (422, 500, 401) if authenticated else (422, 500)
    return {
        status: {
            "description": _ERROR_TEXT[status],
            "headers": {name: HEADERS[name] for name in _ERROR_HEADERS.get(status, ("X-Request-Id",))},
            "content": {
                "application/json": {"model": ErrorResponse, "examples": api_examples.error_examples(status)}
            },
        }
        for status in sorted({*statuses, *always})
    }
