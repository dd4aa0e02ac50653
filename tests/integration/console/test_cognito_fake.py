"""The Hosted UI fake (tests/support/cognito_fake.py) speaks the protocol the console's pkce.js speaks:
a whole authorization code + PKCE sign-in done in Python over real HTTP, and each refusal Cognito makes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.support.cognito_fake import CognitoFake, cognito_fake

CONSOLE = "http://127.0.0.1:8080/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _call(
    url: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class _Form(HTMLParser):
    """The sign-in page's form: its action, and each input's id with the text of its label."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.inputs: dict[str, str] = {}  # name -> id
        self.labels: dict[str, str] = {}  # for -> text
        self._label_for: str | None = None
        self.scripts = 0
        self.inline_styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.action = values.get("action") or ""
        if tag == "input":
            self.inputs[values.get("name") or ""] = values.get("id") or ""
        if tag == "label":
            self._label_for = values.get("for")
        if tag == "script":
            self.scripts += 1
        if "style" in values or any(name.startswith("on") for name in values):
            self.inline_styles += 1

    def handle_data(self, data: str) -> None:
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None


@pytest.fixture
def cognito() -> Iterator[CognitoFake]:
    with cognito_fake(redirect_uris=[CONSOLE]) as running:
        yield running


def _verifier() -> tuple[str, str]:
    verifier = base64.urlsafe_b64encode(os.urandom(48)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _authorize_url(cognito: CognitoFake, challenge: str, **overrides: str) -> str:
    params = {
        "response_type": "code",
        "client_id": cognito.client_id,
        "redirect_uri": CONSOLE,
        "scope": "openid email profile",
        "state": "state-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }
    return f"{cognito.base_url}/oauth2/authorize?{urllib.parse.urlencode(params)}"


def _sign_in(
    cognito: CognitoFake, challenge: str, password: str = "Correct-Horse-1"
) -> tuple[int, dict[str, str], bytes]:
    status, _, page = _call(_authorize_url(cognito, challenge))
    assert status == 200
    form = _Form()
    form.feed(page.decode())
    return _call(cognito.base_url + form.action, {"username": "Alice@example.com", "password": password})


def _code_from(location: str) -> dict[str, str]:
    assert location.startswith(CONSOLE)
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def _token(cognito: CognitoFake, **form: str) -> tuple[int, dict[str, Any]]:
    status, _, body = _call(f"{cognito.base_url}/oauth2/token", {"client_id": cognito.client_id, **form})
    return status, json.loads(body)


def test_a_whole_pkce_sign_in_refresh_and_sign_out(cognito: CognitoFake) -> None:
    verifier, challenge = _verifier()

    # The sign-in page: labelled fields, nothing inline
    status, headers, page = _call(_authorize_url(cognito, challenge))
    form = _Form()
    form.feed(page.decode())
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert form.action.startswith("/login?")
    assert form.labels[form.inputs["username"]] == "Email"
    assert form.labels[form.inputs["password"]] == "Password"
    assert (form.scripts, form.inline_styles) == (0, 0)

    # Signing in sends the browser back with a code and the state it came with
    status, headers, _ = _call(
        cognito.base_url + form.action, {"username": "alice@example.com", "password": "Correct-Horse-1"}
    )
    assert status == 302
    answer = _code_from(headers["Location"])
    assert answer["state"] == "state-1"

    # The code and the verifier buy tokens
    status, tokens = _token(
        cognito,
        grant_type="authorization_code",
        code=answer["code"],
        redirect_uri=CONSOLE,
        code_verifier=verifier,
    )
    assert status == 200
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    claims = cognito.verify(tokens["id_token"])
    assert claims["email"] == "alice@example.com"
    assert claims["sub"] == cognito.sub("alice@example.com")
    assert claims["cognito:username"] == claims["sub"]
    assert claims["aud"] == cognito.client_id
    assert claims["token_use"] == "id"
    assert claims["exp"] > claims["iat"]
    assert cognito.verify(tokens["access_token"])["token_use"] == "access"
    assert tokens["refresh_token"]

    # The code is spent
    status, body = _token(
        cognito,
        grant_type="authorization_code",
        code=answer["code"],
        redirect_uri=CONSOLE,
        code_verifier=verifier,
    )
    assert (status, body) == (400, {"error": "invalid_grant"})

    # The refresh token buys new tokens (and, as Cognito, no new refresh token)
    status, fresh = _token(cognito, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert status == 200
    assert "refresh_token" not in fresh
    assert cognito.verify(fresh["id_token"])["email"] == "alice@example.com"

    # Signing out comes back to the console
    query = urllib.parse.urlencode({"client_id": cognito.client_id, "logout_uri": CONSOLE})
    status, headers, _ = _call(f"{cognito.base_url}/logout?{query}")
    assert (status, headers["Location"]) == (302, CONSOLE)
    assert cognito.signed_out == [CONSOLE]


def test_a_wrong_verifier_spends_the_code_and_gets_invalid_grant(cognito: CognitoFake) -> None:
    verifier, challenge = _verifier()
    _, headers, _ = _sign_in(cognito, challenge)
    code = _code_from(headers["Location"])["code"]
    other, _ = _verifier()

    status, body = _token(
        cognito, grant_type="authorization_code", code=code, redirect_uri=CONSOLE, code_verifier=other
    )
    assert (status, body) == (400, {"error": "invalid_grant"})
    # and the right verifier cannot use it afterwards
    status, body = _token(
        cognito, grant_type="authorization_code", code=code, redirect_uri=CONSOLE, code_verifier=verifier
    )
    assert (status, body) == (400, {"error": "invalid_grant"})


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("redirect_uri", "http://127.0.0.1:9999/", "invalid_grant"),
        ("client_id", "someone-else", "invalid_client"),
        ("grant_type", "password", "unsupported_grant_type"),
        ("code", "never-issued", "invalid_grant"),
    ],
)
def test_the_token_endpoint_refuses_as_cognito_does(
    cognito: CognitoFake, field: str, value: str, error: str
) -> None:
    verifier, challenge = _verifier()
    _, headers, _ = _sign_in(cognito, challenge)
    form = {
        "grant_type": "authorization_code",
        "client_id": cognito.client_id,
        "code": _code_from(headers["Location"])["code"],
        "redirect_uri": CONSOLE,
        "code_verifier": verifier,
        field: value,
    }

    status, _, body = _call(f"{cognito.base_url}/oauth2/token", form)

    assert (status, json.loads(body)) == (400, {"error": error})


def test_a_wrong_password_shows_the_page_again_without_a_code(cognito: CognitoFake) -> None:
    _, challenge = _verifier()

    status, headers, page = _sign_in(cognito, challenge, password="wrong")

    assert status == 200
    assert "Location" not in headers
    assert "Incorrect username or password." in page.decode()
    assert cognito.codes == {}


def test_authorize_refuses_an_unknown_client_or_redirect_and_requires_s256(cognito: CognitoFake) -> None:
    _, challenge = _verifier()

    assert _call(_authorize_url(cognito, challenge, client_id="x"))[0] == 400
    assert _call(_authorize_url(cognito, challenge, redirect_uri="https://evil.example/"))[0] == 400
    status, headers, _ = _call(_authorize_url(cognito, challenge, code_challenge_method="plain"))
    assert status == 302
    assert _code_from(headers["Location"]) == {"error": "invalid_request", "state": "state-1"}
    status, headers, _ = _call(_authorize_url(cognito, challenge, response_type="token"))
    assert _code_from(headers["Location"])["error"] == "unsupported_response_type"


def test_the_token_endpoint_answers_the_console_origin_for_cors(cognito: CognitoFake) -> None:
    status, headers, _ = _call(
        f"{cognito.base_url}/oauth2/token",
        {"grant_type": "refresh_token", "client_id": cognito.client_id, "refresh_token": "x"},
        headers={"Origin": "http://127.0.0.1:8080", "Content-Type": "application/x-www-form-urlencoded"},
    )

    assert status == 400
    assert headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8080"


def test_auth_config_is_what_the_console_reads(cognito: CognitoFake) -> None:
    from videogen.domain.console import ConsoleConfig

    config = ConsoleConfig.model_validate({"api_base": "/v1", "auth": cognito.auth_config()})

    assert config.auth.kind == "cognito"
    assert re.match(r"http://127\.0\.0\.1:\d+/oauth2/authorize$", config.auth.authorize_url)  # type: ignore[union-attr]
