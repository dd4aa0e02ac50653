"""The console on `videogen serve`: its files with their security headers, its config, and sessions traded
once for a sign-in link or for an API key (accepted by the API like a key, until signed out or expired)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.http import serving
from videogen_local.api_keys import KeyStore
from videogen_local.cloud import LocalCloud
from videogen_local.console import CONTENT_SECURITY_POLICY, ConsoleSessions
from videogen_local.server import LocalApiServer


@pytest.fixture
def server(cloud: LocalCloud) -> Iterator[LocalApiServer]:
    with serving(cloud) as started:
        yield started


def _raw(
    server: LocalApiServer, method: str, path: str, body: Any = None, token: str = ""
) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def test_the_console_is_served_at_the_root_with_a_strict_policy(server: LocalApiServer) -> None:
    status, headers, body = _raw(server, "GET", "/")

    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<script type="module" src="assets/app.js">' in body
    policy = headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    status, headers, _ = _raw(server, "GET", "/assets/app.js")
    assert (status, headers["Content-Type"]) == (200, "text/javascript; charset=utf-8")
    status, headers, _ = _raw(server, "GET", "/assets/app.css")
    assert (status, headers["Content-Type"]) == (200, "text/css; charset=utf-8")


def test_config_points_the_console_at_this_api_with_local_sign_in(server: LocalApiServer) -> None:
    status, _, body = _raw(server, "GET", "/config.json")

    assert status == 200
    assert json.loads(body) == {"api_base": "/v1", "auth": {"kind": "local"}}


@pytest.mark.parametrize(
    "path", ["/assets/../../../template.yaml", "/assets/%2e%2e/%2e%2e/template.yaml", "/assets/nothing.js"]
)
def test_nothing_outside_the_site_or_missing_is_served(server: LocalApiServer, path: str) -> None:
    status, _, body = _raw(server, "GET", path)

    assert status == 404
    assert b"Resources" not in body
    assert json.loads(body)["error"]["code"] == "ROUTE_NOT_FOUND"


def test_the_console_files_are_read_only(server: LocalApiServer) -> None:
    status, _, body = _raw(server, "POST", "/assets/app.js", {})

    assert status == 405
    assert json.loads(body)["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_a_sign_in_link_works_once_and_its_session_calls_the_api(server: LocalApiServer) -> None:
    token = server.signin_url("owner-alice").split("token=", 1)[1]

    status, headers, body = _raw(server, "POST", "/_console/session", {"token": token})
    assert status == 201, body
    assert headers["Cache-Control"] == "no-store"
    opened = json.loads(body)
    assert opened["owner"] == "owner-alice"
    assert opened["session"].startswith("vgs_")
    assert 0 < opened["expires_in"] <= 12 * 3600

    again, _, body = _raw(server, "POST", "/_console/session", {"token": token})
    assert again == 401
    assert "already used" in json.loads(body)["error"]["message"]

    status, _, body = _raw(server, "GET", "/v1/projects", token=opened["session"])
    assert status == 200, body
    assert _raw(server, "DELETE", "/_console/session", token=opened["session"])[0] == 204
    assert _raw(server, "GET", "/v1/projects", token=opened["session"])[0] == 401


def test_an_api_key_opens_a_session_and_a_wrong_one_does_not(server: LocalApiServer) -> None:
    key = server.gateway.keys.add("owner-bob")

    status, _, body = _raw(server, "POST", "/_console/session", {"api_key": key})
    assert status == 201
    assert json.loads(body)["owner"] == "owner-bob"
    status, _, body = _raw(server, "POST", "/_console/session", {"api_key": "vg_not-a-key"})
    assert status == 401
    assert json.loads(body)["error"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("body", [None, [], {"token": 7}, {"other": "x"}])
def test_a_malformed_sign_in_is_400(server: LocalApiServer, body: Any) -> None:
    status, _, answer = _raw(server, "POST", "/_console/session", body)

    assert status == 400
    assert json.loads(answer)["error"]["code"] == "BAD_REQUEST"


def test_links_and_sessions_expire(tmp_path: Any) -> None:
    now = [1000.0]
    sessions = ConsoleSessions(KeyStore(tmp_path), clock=lambda: now[0])
    token = sessions.issue_signin_token("owner-alice", ttl=60)
    late = sessions.issue_signin_token("owner-alice", ttl=60)
    opened = sessions.sign_in(token=token)
    assert opened is not None
    session, _ = opened
    assert sessions.owner_of(session) == "owner-alice"

    now[0] += 61
    assert sessions.sign_in(token=late) is None  # the link expired unused
    now[0] += 12 * 3600
    assert sessions.owner_of(session) is None  # the session expired
    assert sessions.owner_of("vg_an-api-key") is None  # only sessions are looked up here
