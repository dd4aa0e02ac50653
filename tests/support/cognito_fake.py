"""A stand-in for the Cognito Hosted UI's wire protocol on loopback, for tests of the console's sign-in.

It speaks what the console's assets/pkce.js speaks to Cognito: the authorization code flow with PKCE
(S256 only) for one public client. Endpoints, as Cognito names them:

- ``GET /oauth2/authorize``: checks client_id, redirect_uri, response_type=code and an S256 challenge, and
  answers a sign-in page (labelled username and password fields, no script) whose form posts to ``/login``.
- ``POST /login``: a known user with the right password gets a one-time code: 302 to
  ``redirect_uri?code=...&state=...``. A wrong password shows the page again with Cognito's message.
- ``POST /oauth2/token`` (form-encoded): ``authorization_code`` (code unused and unexpired, same client and
  redirect_uri, and base64url(SHA-256(code_verifier)) equal to the challenge) or ``refresh_token``. Tokens
  are HS256 JWTs signed with this fake's own secret (``verify`` checks one). Errors are Cognito's: 400 with
  ``{"error": "invalid_grant"}`` (or invalid_client, invalid_request, unsupported_grant_type).
- ``GET /logout?client_id=...&logout_uri=...``: 302 to logout_uri when it is one of the client's.

Use::

    with cognito_fake(redirect_uris=["http://127.0.0.1:8080/"]) as cognito:
        config = {"api_base": "/v1", "auth": cognito.auth_config("http://127.0.0.1:8080/")}
        ...  # the browser signs in as cognito.users' alice@example.com / Correct-Horse-1
        claims = cognito.verify(id_token)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import http.server
import json
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CLIENT_ID = "console-client"
DEFAULT_USERS = {"alice@example.com": "Correct-Horse-1"}
#: Lifetimes, as Cognito's defaults: an authorization code lasts 5 minutes, tokens an hour.
CODE_SECONDS = 300
TOKEN_SECONDS = 3600


def b64url(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier."""
    return b64url(hashlib.sha256(verifier.encode()).digest())


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    username: str
    scope: str
    expires: float
    used: bool = False


@dataclass
class CognitoFake:
    """A running fake: where it is, who may sign in, and what it issued."""

    client_id: str
    redirect_uris: tuple[str, ...]
    users: dict[str, str]
    port: int = 0
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    codes: dict[str, _Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # token -> client, user, scope
    #: Every logout_uri a browser was sent back to.
    signed_out: list[str] = field(default_factory=list)
    #: Every token request's grant type and outcome (status), in order.
    token_requests: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/us-east-1_fake"

    def sub(self, username: str) -> str:
        """The user's stable id (Cognito's ``sub``)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}/{username}"))

    def auth_config(self, redirect_uri: str | None = None) -> dict[str, Any]:
        """config.json's ``auth`` object pointing at this fake (videogen.domain.console.CognitoAuth)."""
        return {
            "kind": "cognito",
            "authorize_url": f"{self.base_url}/oauth2/authorize",
            "token_url": f"{self.base_url}/oauth2/token",
            "logout_url": f"{self.base_url}/logout",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri or self.redirect_uris[0],
            "scopes": ["openid", "email", "profile"],
        }

    # ------------------------------------------------------------------ tokens
    def jwt(self, claims: Mapping[str, Any]) -> str:
        """An HS256 JWT of ``claims`` signed with this fake's secret."""
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "fake"}).encode())
        payload = b64url(json.dumps(dict(claims)).encode())
        signature = hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(signature)}"

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this fake issued, checked: signature and expiry.

        Raises:
            ValueError: not one of this fake's tokens, or expired.
        """
        header, payload, signature = token.split(".")
        expected = hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(b64url(expected), signature):
            raise ValueError("bad signature")
        claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if claims["exp"] < time.time():
            raise ValueError("expired")
        return claims

    def _tokens(self, client_id: str, username: str, scope: str) -> dict[str, Any]:
        now = int(time.time())
        common = {"sub": self.sub(username), "iss": self.issuer, "iat": now, "exp": now + TOKEN_SECONDS}
        id_token = self.jwt(
            {
                **common,
                "aud": client_id,
                "token_use": "id",
                "auth_time": now,
                "email": username,
                "email_verified": True,
                "cognito:username": self.sub(username),
            }
        )
        access_token = self.jwt(
            {**common, "client_id": client_id, "token_use": "access", "scope": scope, "username": username}
        )
        return {
            "id_token": id_token,
            "access_token": access_token,
            "expires_in": TOKEN_SECONDS,
            "token_type": "Bearer",
        }

    # ------------------------------------------------------------------ the protocol
    def authorize(self, query: Mapping[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, HTML) of GET /oauth2/authorize."""
        if query.get("client_id") != self.client_id:
            return 400, {}, _page("Sign in", error="invalid_client: unknown client_id")
        if query.get("redirect_uri") not in self.redirect_uris:
            return 400, {}, _page("Sign in", error="redirect_mismatch: redirect_uri is not the client's")
        problem = None
        if query.get("response_type") != "code":
            problem = "unsupported_response_type"
        elif query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            problem = "invalid_request"
        if problem:
            return (
                302,
                {"Location": _with_query(query["redirect_uri"], error=problem, state=query.get("state"))},
                "",
            )
        return 200, {}, _sign_in_form(query)

    def login(self, query: Mapping[str, str], form: Mapping[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, HTML) of POST /login: the sign-in form's answer."""
        status, headers, body = self.authorize(query)
        if status != 200:
            return status, headers, body
        username = form.get("username", "").strip().lower()
        if self.users.get(username) != form.get("password"):
            return 200, {}, _sign_in_form(query, error="Incorrect username or password.")
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = _Grant(
                client_id=self.client_id,
                redirect_uri=query["redirect_uri"],
                challenge=query["code_challenge"],
                username=username,
                scope=query.get("scope", "openid"),
                expires=time.time() + CODE_SECONDS,
            )
        location = _with_query(query["redirect_uri"], code=code, state=query.get("state"))
        return 302, {"Location": location}, ""

    def token(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) of POST /oauth2/token."""
        grant_type = form.get("grant_type", "")
        status, body = self._token(grant_type, form)
        with self.lock:
            self.token_requests.append((grant_type, status))
        return status, body

    def _token(self, grant_type: str, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != self.client_id:
            return 400, {"error": "invalid_client"}
        if grant_type == "authorization_code":
            with self.lock:
                grant = self.codes.get(form.get("code", ""))
                # One use only, even when this use fails: a stolen code is spent by a wrong try.
                usable = grant is not None and not grant.used and grant.expires > time.time()
                if grant is not None:
                    grant.used = True
            if grant is None or not usable:
                return 400, {"error": "invalid_grant"}
            verifier = form.get("code_verifier", "")
            if (
                grant.redirect_uri != form.get("redirect_uri")
                or grant.client_id != form.get("client_id")
                or not 43 <= len(verifier) <= 128
                or not hmac.compare_digest(s256(verifier), grant.challenge)
            ):
                return 400, {"error": "invalid_grant"}
            refresh = secrets.token_urlsafe(32)
            with self.lock:
                self.refresh_tokens[refresh] = (grant.client_id, grant.username, grant.scope)
            return 200, {
                **self._tokens(grant.client_id, grant.username, grant.scope),
                "refresh_token": refresh,
            }
        if grant_type == "refresh_token":
            with self.lock:
                known = self.refresh_tokens.get(form.get("refresh_token", ""))
            if known is None or known[0] != form.get("client_id"):
                return 400, {"error": "invalid_grant"}
            # Cognito does not rotate refresh tokens: none comes back.
            return 200, self._tokens(*known)
        if not grant_type:
            return 400, {"error": "invalid_request"}
        return 400, {"error": "unsupported_grant_type"}

    def logout(self, query: Mapping[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, HTML) of GET /logout."""
        if query.get("client_id") != self.client_id:
            return 400, {}, _page("Signed out", error="invalid_client: unknown client_id")
        logout_uri = query.get("logout_uri", "")
        if logout_uri not in self.redirect_uris:
            return 400, {}, _page("Signed out", error="redirect_mismatch: logout_uri is not the client's")
        with self.lock:
            self.signed_out.append(logout_uri)
        return 302, {"Location": logout_uri}, ""


def _with_query(url: str, **params: str | None) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + [(k, v) for k, v in params.items() if v is not None]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _page(title: str, content: str = "", error: str | None = None) -> str:
    alert = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>"
        f"{alert}{content}</main></body></html>"
    )


def _sign_in_form(query: Mapping[str, str], error: str | None = None) -> str:
    action = "/login?" + urllib.parse.urlencode(dict(query))
    form = (
        f'<form method="post" action="{html.escape(action)}">'
        '<p><label for="username">Email</label> '
        '<input id="username" name="username" type="email" autocomplete="username" required></p>'
        '<p><label for="password">Password</label> '
        '<input id="password" name="password" type="password" autocomplete="current-password" required></p>'
        '<p><button type="submit">Sign in</button></p></form>'
    )
    return _page("Sign in", form, error)


def _handler(fake: CognitoFake) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _query(self) -> dict[str, str]:
            return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            return dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))

        def _send(self, status: int, headers: Mapping[str, str], body: bytes, content_type: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            # The token endpoint is called by the page's fetch from the console's origin.
            if self.headers.get("Origin"):
                self.send_header("Access-Control-Allow-Origin", self.headers["Origin"])
                self.send_header("Vary", "Origin")
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _send_page(self, answer: tuple[int, dict[str, str], str]) -> None:
            status, headers, text = answer
            self._send(status, headers, text.encode(), "text/html; charset=utf-8")

        def do_GET(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if path == "/oauth2/authorize":
                self._send_page(fake.authorize(self._query()))
            elif path == "/logout":
                self._send_page(fake.logout(self._query()))
            else:
                self._send_page((404, {}, _page("Not found")))

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if path == "/login":
                self._send_page(fake.login(self._query(), self._form()))
            elif path == "/oauth2/token":
                if not (self.headers.get("Content-Type") or "").startswith(
                    "application/x-www-form-urlencoded"
                ):
                    status, body = 400, {"error": "invalid_request"}
                else:
                    status, body = fake.token(self._form())
                self._send(status, {}, json.dumps(body).encode(), "application/json")
            else:
                self._send_page((404, {}, _page("Not found")))

        def do_OPTIONS(self) -> None:
            self._send(
                204,
                {
                    "Access-Control-Allow-Methods": "POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Authorization",
                },
                b"",
                "text/plain",
            )

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the stdlib's 5 resets connections under a browser's bursts


@contextmanager
def cognito_fake(
    *,
    client_id: str = DEFAULT_CLIENT_ID,
    redirect_uris: Iterable[str] = ("http://127.0.0.1:8080/",),
    users: Mapping[str, str] | None = None,
    port: int = 0,
) -> Iterator[CognitoFake]:
    """A fake Hosted UI on 127.0.0.1 (``port`` 0: a free one) for the duration of the block.

    Args:
        client_id: the one public client it knows.
        redirect_uris: the client's callback and sign-out URLs.
        users: email -> password of who may sign in (default: alice@example.com / Correct-Horse-1).
    """
    fake = CognitoFake(
        client_id=client_id,
        redirect_uris=tuple(redirect_uris),
        users={name.lower(): password for name, password in (users or DEFAULT_USERS).items()},
    )
    server = _Server(("127.0.0.1", port), _handler(fake))
    fake.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="cognito-fake", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
