"""One mapping from exceptions to the error envelope, registered once on the resolver."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from videogen import errortracking
from videogen.exceptions import RateLimitException, VideoGeneratorException
from videogen.observability import logger

_BODY_ERROR_TYPES = {"json_invalid"}


def error_body(code: str, message: str, request_id: str, details: dict[str, Any] | None = None) -> str:
    """The JSON text of the error envelope."""
    return json.dumps(
        {"error": {"code": code, "message": message, "details": details or {}, "request_id": request_id}}
    )


def error_response(
    status: int,
    code: str,
    message: str,
    request_id: str,
    *,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """The one shape of every error answer."""
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=error_body(code, message, request_id, details),
        headers=headers or {},
    )


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "settings", "fps") -> "settings.fps"; query and header locations keep their prefix.
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_details(exc: RequestValidationError) -> list[dict[str, str]]:
    found = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        kind = str(error.get("type", ""))
        # A JSON syntax error's location is a character offset, not a field.
        field = "body" if kind in _BODY_ERROR_TYPES else _field_name(error.get("loc", ()))
        found.append({"field": field, "problem": message, "type": kind})
    return found


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    """Map every exception videogen can meet to the envelope; nothing internal leaks."""

    def request_id() -> str:
        return str(app.context.get("request_id", "unknown"))

    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response[Any]:
        errors = _validation_details(exc)
        if any(error["type"] in _BODY_ERROR_TYPES for error in errors):
            return error_response(
                400,
                "INVALID_JSON",
                "The request body is not valid JSON.",
                request_id(),
                details={"errors": errors},
            )
        first = errors[0] if errors else {"field": "body", "problem": "invalid"}
        logger.info("Request rejected", extra={"errors": errors})
        return error_response(
            422,
            "VALIDATION_ERROR",
            f"{first['field']}: {first['problem']}",
            request_id(),
            details={"errors": [{"field": e["field"], "problem": e["problem"]} for e in errors]},
        )

    @app.exception_handler(VideoGeneratorException)
    def _known_error(exc: VideoGeneratorException) -> Response[Any]:
        headers = {}
        if isinstance(exc, RateLimitException):
            headers["Retry-After"] = str(exc.retry_after)
        if exc.status_code >= 500:
            # Our own messages are safe to show; the cause and traceback go to the log only.
            logger.exception("Request failed", extra={"error_code": exc.error_code})
        else:
            logger.info("Request refused", extra={"error_code": exc.error_code, "status": exc.status_code})
        return error_response(
            exc.status_code, exc.error_code, exc.message, request_id(), details=exc.details, headers=headers
        )

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[Any]:
        logger.exception("Unexpected error")
        # Answered here, so it never reaches the Lambda integration: report it ourselves (if configured).
        errortracking.capture(exc)
        return error_response(
            500,
            "INTERNAL_ERROR",
            "Something went wrong on our side. Retry later, quoting the request id if it persists.",
            request_id(),
        )

    @app.not_found
    def _no_route(exc: Exception) -> Response[Any]:
        event = app.current_event
        allowed = methods_of_path(app, event.path)
        if allowed:
            # The resource exists, the method does not: 405 with the methods it has (RFC 9110).
            return error_response(
                405,
                "METHOD_NOT_ALLOWED",
                f"{event.path} has no operation {event.http_method}; it answers {', '.join(allowed)}.",
                request_id(),
                headers={"Allow": ", ".join(allowed)},
            )
        return error_response(
            404,
            "ROUTE_NOT_FOUND",
            f"No operation {event.http_method} {event.path}; see the API reference for the routes.",
            request_id(),
        )


def methods_of_path(app: APIGatewayRestResolver, path: str) -> list[str]:
    """The methods the resolver has a route for on this path, sorted; empty for an unknown path."""
    # Powertools keeps its route table private; its routes carry the compiled rule and the method.
    routes = [*app._static_routes, *app._dynamic_routes]
    return sorted({route.method for route in routes if route.rule.match(path)})
