"""The local cloud over real HTTP on loopback: what `videogen serve` gives a user."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from videogen_local.api_keys import KeyStore
from videogen_local.server import LocalApiServer


def _call(
    url: str,
    method: str = "GET",
    body: Any = None,
    key: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return response.status, dict(response.headers), json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, dict(error.headers), json.loads(text) if text else None


def test_create_list_get_update_delete_over_http(server: LocalApiServer) -> None:
    key = KeyStore().add("alice")
    base = server.base_url

    status, headers, created = _call(
        f"{base}/projects", "POST", {"title": "Demo", "script": "## A\nHello."}, key
    )
    assert status == 201
    assert headers["Location"] == f"/v1/projects/{created['id']}"
    assert headers["X-Request-Id"]

    status, _, page = _call(f"{base}/projects", key=key)
    assert (status, [p["id"] for p in page["items"]]) == (200, [created["id"]])

    status, headers, fetched = _call(f"{base}/projects/{created['id']}", key=key)
    assert (status, fetched["title"], headers["ETag"]) == (200, "Demo", '"v1"')

    status, _, updated = _call(
        f"{base}/projects/{created['id']}", "PATCH", {"title": "Demo 2"}, key, {"If-Match": '"v1"'}
    )
    assert (status, updated["title"], updated["version"]) == (200, "Demo 2", 2)

    status, _, body = _call(f"{base}/projects/{created['id']}", "DELETE", key=key)
    assert (status, body) == (204, None)
    assert _call(f"{base}/projects/{created['id']}", key=key)[0] == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer wrong-key", "Basic dXNlcjpwYXNz", "vg_abc"]
)
def test_missing_or_bad_bearer_returns_401_envelope(
    server: LocalApiServer, authorization: str | None
) -> None:
    KeyStore().add("alice")
    headers = {"Authorization": authorization} if authorization else {}

    status, response_headers, body = _call(f"{server.base_url}/projects", headers=headers)

    assert status == 401
    assert body["error"]["code"] == "UNAUTHENTICATED"
    assert body["error"]["request_id"] == response_headers["X-Request-Id"]


def test_keys_of_two_owners_see_only_their_projects(server: LocalApiServer) -> None:
    alice, bob = KeyStore().add("alice"), KeyStore().add("bob")
    _, _, created = _call(f"{server.base_url}/projects", "POST", {"title": "A", "script": "## A\nx"}, alice)

    assert _call(f"{server.base_url}/projects/{created['id']}", key=bob)[0] == 404
    assert _call(f"{server.base_url}/projects", key=bob)[2]["items"] == []


def test_health_needs_no_key_and_paths_outside_the_stage_are_404(server: LocalApiServer) -> None:
    status, _, body = _call(f"{server.base_url}/health")
    assert (status, body["status"]) == (200, "ok")

    root = server.base_url.rsplit("/", 1)[0]
    status, _, body = _call(f"{root}/projects")
    assert (status, body["error"]["code"]) == (404, "ROUTE_NOT_FOUND")


def test_cors_preflight_answers_from_the_template_and_answers_expose_headers(server: LocalApiServer) -> None:
    key = KeyStore().add("alice")

    status, headers, _ = _call(f"{server.base_url}/projects", "OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "If-Match" in headers["Access-Control-Allow-Headers"]

    # Browsers send Origin; the CORS headers answer it.
    status, headers, _ = _call(
        f"{server.base_url}/projects", key=key, headers={"Origin": "https://app.example"}
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert {"ETag", "Location", "X-Request-Id"} <= set(headers["Access-Control-Expose-Headers"].split(","))
