"""Who is calling and which request this is, read only from what API Gateway vouches for."""

from __future__ import annotations

import re
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import WithJsonSchema

from videogen.exceptions import AuthenticationException, ValidationException

# A caller's X-Request-Id is adopted only when it is a plain token: it ends up in logs and headers.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
_ETAG = re.compile(r'^\s*(?:W/)?"v([0-9]{1,18})"\s*$')
# What If-Match accepts, as the OpenAPI document states it: an ETag the API handed out, or *. A header is
# never null: the document says string (Powertools would add a null branch for the optional parameter).
IF_MATCH_PATTERN = r'^(?:\*|(?:W/)?"v[0-9]{1,18}")$'
IfMatch = Annotated[str | None, WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN})]


def request_id_of(event: dict[str, Any]) -> str:
    """The caller's X-Request-Id when well-formed, else API Gateway's request id."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    candidate = headers.get("x-request-id")
    if isinstance(candidate, str) and _REQUEST_ID.match(candidate):
        return candidate
    return str((event.get("requestContext") or {}).get("requestId") or "unknown")


def _event(router: BaseRouter) -> APIGatewayProxyEvent:
    return cast(APIGatewayProxyEvent, router.current_event)


def _claims(router: BaseRouter) -> dict[str, Any]:
    authorizer = _event(router).request_context.authorizer
    claims = (authorizer.raw_event.get("claims") if authorizer else None) or {}
    return claims if isinstance(claims, dict) else {}


def current_owner(router: BaseRouter) -> str:
    """The caller's owner id: the Cognito ``sub`` claim the authorizer verified. No claim → 401."""
    owner = _claims(router).get("sub")
    if not isinstance(owner, str) or not owner.strip():
        raise AuthenticationException("Sign in: send a valid bearer token in the Authorization header.")
    return owner


def current_groups(router: BaseRouter) -> frozenset[str]:
    """The caller's Cognito groups (the verified ``cognito:groups`` claim); empty without one.

    API Gateway passes claims as strings: one group as its name, several separated by commas or spaces,
    with or without brackets ("a,b", "[a b]", "[a, b]"); a JSON list is taken as it is.
    """
    value = _claims(router).get("cognito:groups")
    if isinstance(value, list):
        names = [str(item) for item in value]
    elif isinstance(value, str):
        names = re.split(r"[,\s]+", value.strip().removeprefix("[").removesuffix("]"))
    else:
        names = []
    return frozenset(name for name in names if name)


def etag_for(version: int) -> str:
    return f'"v{version}"'


def version_from_if_match(if_match: str | None) -> int | None:
    """The version an If-Match header names; None when absent. '*' means any version."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.match(if_match)
    if not found:
        raise ValidationException(
            'If-Match must be the ETag of the project as returned by the API, e.g. "v3".',
            {"header": "If-Match"},
        )
    return int(found.group(1))


def public_path(router: BaseRouter, path: str) -> str:
    """A path as the caller sees it: prefixed with the stage (e.g. /v1/projects/...)."""
    stage = _event(router).request_context.stage
    return f"/{stage}{path}" if stage and stage != "$default" else path
