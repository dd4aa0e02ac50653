"""Requests at the edges of the OpenAPI document, each one a bug schemathesis found (test_schemathesis.py):
the document and the API now say the same thing about them."""

from __future__ import annotations

import http.client
from typing import Any

import pytest

from tests.support.api import ApiCaller
from tests.support.cloud import table_snapshot
from videogen_local.api_keys import KeyStore
from videogen_local.server import LocalApiGateway, LocalApiServer

SCRIPT = "## Dawn\nThe sea wakes up.\n"


def _create(api: ApiCaller) -> str:
    created = api.post("/projects", {"title": "Edges", "script": SCRIPT, "settings": {"seed": 7}})
    assert created.status == 201, created.body
    return str(created.body["id"])


@pytest.mark.parametrize(
    "body",
    [
        {"settings": {"fps": None}},  # was a 500: null reached the stored settings
        {"settings": {"voice": None}},
        {"settings": {"style": None}},
        {"settings": {}},  # was a 400 "nothing to change" for a body the document allowed
        {"title": None},
        {"settings": {"seed": "7"}},  # was accepted: a string where the document says integer
        {"settings": {"seed": True}},
        {"title": "\x1f"},  # blank to Python, not to JSON Schema's \S: now blank to both
    ],
)
def test_patch_project_with_null_empty_or_mistyped_value_returns_422_and_changes_nothing(
    api: ApiCaller, body: dict[str, Any]
) -> None:
    path = f"/projects/{_create(api)}"
    before = table_snapshot(api.cloud)

    result = api.patch(path, body)

    assert (result.status, result.error_code) == (422, "VALIDATION_ERROR"), result.body
    assert table_snapshot(api.cloud) == before


def test_patch_project_seed_null_clears_the_seed(api: ApiCaller) -> None:
    path = f"/projects/{_create(api)}"

    result = api.patch(path, {"settings": {"seed": None}})

    assert result.status == 200, result.body
    assert (result.body["settings"]["seed"], result.body["version"]) == (None, 2)


@pytest.mark.parametrize("body", [{"duration": "5"}, {"duration": False}, {"image_prompt": None}])
def test_patch_scene_with_mistyped_or_null_value_returns_422(api: ApiCaller, body: dict[str, Any]) -> None:
    result = api.patch(f"/projects/{_create(api)}/scenes/1", body)

    assert (result.status, result.error_code) == (422, "VALIDATION_ERROR"), result.body


def test_create_project_with_string_seed_returns_422(api: ApiCaller) -> None:
    result = api.post("/projects", {"title": "t", "script": SCRIPT, "settings": {"seed": "7"}})

    assert (result.status, result.error_code) == (422, "VALIDATION_ERROR")
    assert result.body["error"]["details"]["errors"][0]["field"] == "settings.seed"


def test_unknown_method_on_a_known_path_returns_405_with_allow(api: ApiCaller) -> None:
    project_id = _create(api)

    on_collection = api.request("PUT", "/projects")
    on_project = api.request("POST", f"/projects/{project_id}")
    nowhere = api.request("PUT", "/nothing-here")

    assert (on_collection.status, on_collection.error_code) == (405, "METHOD_NOT_ALLOWED")
    assert on_collection.headers["Allow"] == "GET, POST"
    assert (on_project.status, on_project.headers["Allow"]) == (405, "DELETE, GET, PATCH")
    assert (nowhere.status, nowhere.error_code) == (404, "ROUTE_NOT_FOUND")


def test_local_server_answers_any_http_method_with_the_api_envelope(api: ApiCaller) -> None:
    key = KeyStore().add("owner-alice")
    server = LocalApiServer(LocalApiGateway(api.cloud, KeyStore()), "127.0.0.1", 0)
    server.start_background()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("TRACE", "/v1/projects", headers={"Authorization": f"Bearer {key}"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
    finally:
        server.shutdown()
        server.server_close()

    # Not http.server's HTML 501: the API's 405, in its envelope.
    assert (response.status, response.getheader("Content-Type")) == (405, "application/json")
    assert b'"METHOD_NOT_ALLOWED"' in body
    assert response.getheader("Allow") == "GET, POST"
