"""The OpenAPI document shows a request example for every body and a response example for every answer
that has one, and each example is valid: for the API's own models and for the document's schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from videogen.api import models
from videogen.api.openapi import current_document

DOCUMENT: dict[str, Any] = json.loads(current_document())
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
]


def _examples(content: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(schema name, example name, value) of a content entry's JSON examples."""
    media = content.get("application/json") or {}
    name = str(media.get("schema", {}).get("$ref", "")).rsplit("/", 1)[-1]
    return [(name, key, example["value"]) for key, example in (media.get("examples") or {}).items()]


def _check(schema_name: str, value: Any) -> None:
    # Against the document (what clients and schemathesis read) and the model (what the code does).
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": DOCUMENT["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(value), key=str)
    assert not errors, [error.message for error in errors]
    getattr(models, schema_name).model_validate(value)


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_every_operation_has_valid_request_and_response_examples(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    if "requestBody" in operation:
        examples = _examples(operation["requestBody"]["content"])
        assert examples, f"{method} {path} has no request example"
        for schema_name, _, value in examples:
            _check(schema_name, value)
    for status, response in operation["responses"].items():
        if not response.get("content"):
            continue  # 204, 302: no body to show
        examples = _examples(response["content"])
        assert examples, f"{method} {path} {status} has no example"
        for schema_name, _, value in examples:
            _check(schema_name, value)
            if schema_name == "ErrorResponse" and status.isdigit():
                assert value["error"]["code"], status


def test_error_examples_name_the_code_of_their_status() -> None:
    responses = DOCUMENT["paths"]["/projects/{project_id}/renders"]["post"]["responses"]

    codes = {
        status: next(iter(response["content"]["application/json"]["examples"].values()))["value"]["error"][
            "code"
        ]
        for status, response in responses.items()
        if status not in {"200", "202"}
    }

    assert codes["402"] == "BUDGET_EXCEEDED"
    assert codes["404"] == "RESOURCE_NOT_FOUND"
    assert codes["409"] == "RESOURCE_CONFLICT"
    assert codes["429"] == "RATE_LIMITED"
