"""Schemathesis hooks for test_schemathesis.py, loaded by the schemathesis process (SCHEMATHESIS_HOOKS).

The OpenAPI document describes the shape of a request; a few refusals depend on more than shape, and the
API names each with its own error code. positive_data_acceptance ("a schema-valid request is accepted")
is replaced by a check that lets exactly those refusals through and nothing else.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

# (status, error code, field or None for any) → why a schema-valid request can still be refused.
REFUSED_BEYOND_THE_SCHEMA: dict[tuple[int, str, str | None], str] = {
    (422, "SCRIPT_PARSE_ERROR", None): "a script has a grammar (scenes, durations, no control characters)",
    (400, "INVALID_CURSOR", None): "a cursor is an opaque token: only the ones the API handed out are valid",
    (422, "VALIDATION_ERROR", "settings.voice"): "voices come from a registry, not from a pattern",
    (422, "INVALID_WEBHOOK", None): (
        "a webhook URL must mean an https endpoint on a public host, without credentials; an owner has at "
        "most ten webhooks"
    ),
    (422, "VALIDATION_ERROR", "settings.image_providers"): (
        "image_provider, when sent with image_providers, must be its first: a rule across two fields"
    ),
}


def _refused_beyond_the_schema(status: int, body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return False
    code = error.get("code")
    fields = {item.get("field") for item in (error.get("details") or {}).get("errors") or []}
    allowed = {
        field
        for known_status, known_code, field in REFUSED_BEYOND_THE_SCHEMA
        if (known_status, known_code) == (status, code)
    }
    # Refused for reasons beyond the schema only: any field, or every field named is one of those rules'
    # (a request may break two such rules at once: an unknown voice and disagreeing image providers).
    return None in allowed or bool(fields) and fields <= allowed


@schemathesis.check
def positive_data_accepted_unless_refused_beyond_the_schema(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """positive_data_acceptance, except for the refusals listed in REFUSED_BEYOND_THE_SCHEMA."""
    # The coverage phase can mark a case positive while one of its parts (e.g. a header) still carries
    # a value of a negative scenario: such a request is not schema-valid, so there is nothing to check.
    meta = case.meta
    if meta is not None and any(part.mode.is_negative for part in meta.components.values()):
        return None
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        try:
            body = json.loads(response.content)
        except ValueError:
            raise
        if _refused_beyond_the_schema(response.status_code, body):
            return None
        raise
