"""The web console on the local server: its static files at /, its config, and signing a browser in.

`videogen serve` prints a one-time sign-in URL (``/?token=...``, the way Jupyter does). The console's page
trades the token, once, for a session: a bearer credential the local API accepts as it accepts a key,
for its owner, until it expires or the server stops. A key from `videogen keys add` can be traded the same
way (the sign-in page asks for one when the link is used up). Deployed, the same files are served by
CloudFront and the browser signs in with Cognito instead (template.yaml's console resources).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from videogen.domain.console import CACHE_CONTROL, CONFIG_FILE, CognitoAuth, ConsoleConfig, content_type
from videogen_local.api_keys import KeyStore
from videogen_local.template import Template

#: The template's layer that carries the console's files (published to S3 when deployed, as /opt/site).
CONSOLE_LAYER = "ConsoleSiteLayer"
#: Where the files sit inside that layer's content.
SITE_FOLDER = "site"
#: How long a printed sign-in link works, and how long a browser stays signed in.
SIGNIN_TOKEN_SECONDS = 3600.0
SESSION_SECONDS = 12 * 3600.0
SESSION_PREFIX = "vgs_"
SESSION_PATH = "/_console/session"
#: The Content-Security-Policy of every console file: scripts and styles only from the console's own files
#: (no inline code, no eval), media and API on this origin, no framing, no plugins. Signing in through a
#: Hosted UI adds its token endpoint to connect-src (see ``content_security_policy``).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The sign-in token travels in the page's URL: no request may carry it away as a referrer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(config: ConsoleConfig) -> str:
    """The console's policy for ``config``: the token endpoint of a Hosted UI is the one other origin the
    page may call."""
    if isinstance(config.auth, CognitoAuth):
        token = urlsplit(config.auth.token_url)
        return CONTENT_SECURITY_POLICY.replace(
            "connect-src 'self'", f"connect-src 'self' {token.scheme}://{token.netloc}"
        )
    return CONTENT_SECURITY_POLICY


def site_dir(template: Template) -> Path:
    """The console's files: the ``site`` folder of the template's console layer."""
    layer = template.resources.get(CONSOLE_LAYER)
    if layer is None:
        raise LookupError(f"template.yaml has no {CONSOLE_LAYER}: the console's files are not declared")
    content = Path(str(layer["Properties"]["ContentUri"]))
    return (template.path.parent / content / SITE_FOLDER).resolve()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    owner: str
    expires_at: float


class ConsoleSessions:
    """One-time sign-in tokens and the sessions they open, in memory (they end with the server). Only
    hashes are kept, compared in constant time."""

    def __init__(self, keys: KeyStore, clock: Any = time.time) -> None:
        self.keys = keys
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, Session] = {}
        self._sessions: dict[str, Session] = {}

    def issue_signin_token(self, owner: str, ttl: float = SIGNIN_TOKEN_SECONDS) -> str:
        """A token that signs one browser in as ``owner``, once, within ``ttl`` seconds."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[_digest(token)] = Session(owner, self._clock() + ttl)
        return token

    def _take(self, table: dict[str, Session], secret: str, *, remove: bool) -> Session | None:
        wanted = _digest(secret)
        now = self._clock()
        with self._lock:
            found = next((key for key in table if hmac.compare_digest(key, wanted)), None)
            if found is None:
                return None
            entry = table.pop(found) if remove else table[found]
            if entry.expires_at <= now:
                table.pop(found, None)
                return None
            return entry

    def sign_in(self, token: str | None = None, api_key: str | None = None) -> tuple[str, Session] | None:
        """A new session for a valid one-time token (which is used up) or API key; None otherwise."""
        owner = None
        if token:
            entry = self._take(self._tokens, token, remove=True)
            owner = entry.owner if entry else None
        elif api_key:
            owner = self.keys.owner_of(api_key)
        if owner is None:
            return None
        session = SESSION_PREFIX + secrets.token_urlsafe(32)
        entry = Session(owner, self._clock() + SESSION_SECONDS)
        with self._lock:
            self._sessions[_digest(session)] = entry
        return session, entry

    def owner_of(self, session: str) -> str | None:
        """The owner a live session belongs to, or None."""
        if not session.startswith(SESSION_PREFIX):
            return None
        entry = self._take(self._sessions, session, remove=False)
        return entry.owner if entry else None

    def sign_out(self, session: str) -> None:
        self._take(self._sessions, session, remove=True)


class LocalConsole:
    """Answers the console's requests: its files, ``/config.json`` and ``/_console/session``."""

    def __init__(self, root: Path, sessions: ConsoleSessions, config: ConsoleConfig) -> None:
        self.root = root
        self.sessions = sessions
        self.config = config.to_json()
        self.headers = {**_SECURITY_HEADERS, "Content-Security-Policy": content_security_policy(config)}

    def owns(self, path: str) -> bool:
        """Whether a request path is the console's rather than the API's or the S3 stand-in's."""
        return path in {"/", "/index.html", f"/{CONFIG_FILE}", SESSION_PATH} or path.startswith("/assets/")

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None, request_id: str
    ) -> dict[str, Any]:
        if path == SESSION_PATH:
            return self._session(method, headers, body, request_id)
        if method not in {"GET", "HEAD"}:
            return _error(405, "METHOD_NOT_ALLOWED", "The console's files are read with GET.", request_id)
        if path == f"/{CONFIG_FILE}":
            return self._reply(self.config, content_type(CONFIG_FILE))
        found = self._file(path)
        if found is None:
            return _error(404, "ROUTE_NOT_FOUND", f"The console has no file {path}.", request_id)
        return self._reply(found.read_bytes(), content_type(found.name))

    def _reply(self, payload: bytes, kind: str) -> dict[str, Any]:
        return {
            "statusCode": 200,
            # As published: each load checks for a newer file (they are small and not fingerprinted).
            "headers": {"Content-Type": kind, "Cache-Control": CACHE_CONTROL, **self.headers},
            "body": payload,
        }

    def _file(self, path: str) -> Path | None:
        relative = "index.html" if path in {"/", "/index.html"} else path.lstrip("/")
        candidate = (self.root / relative).resolve()
        # Only files inside the site: no ../, no symlink out of it.
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def _session(
        self, method: str, headers: dict[str, str], body: bytes | None, request_id: str
    ) -> dict[str, Any]:
        if method == "DELETE":
            value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
            self.sessions.sign_out(value.partition(" ")[2].strip())
            return {"statusCode": 204, "headers": {"Cache-Control": "no-store"}, "body": ""}
        if method != "POST":
            return _error(405, "METHOD_NOT_ALLOWED", "Sign in with POST, sign out with DELETE.", request_id)
        try:
            sent = json.loads(body or b"{}")
        except ValueError:
            sent = None
        if not isinstance(sent, dict) or not any(isinstance(sent.get(k), str) for k in ("token", "api_key")):
            return _error(400, "BAD_REQUEST", 'Send {"token": ...} or {"api_key": ...} as JSON.', request_id)
        token, api_key = sent.get("token"), sent.get("api_key")
        opened = self.sessions.sign_in(
            token=token if isinstance(token, str) else None,
            api_key=api_key if isinstance(api_key, str) else None,
        )
        if opened is None:
            message = (
                "This sign-in link has expired or was already used. Sign in with an API key "
                "(`videogen keys add <owner>` prints one), or restart `videogen serve` for a new link."
                if token
                else "That API key is not valid here. `videogen keys add <owner>` prints a new one."
            )
            return _error(401, "UNAUTHENTICATED", message, request_id)
        session, entry = opened
        reply = {"session": session, "owner": entry.owner, "expires_in": int(entry.expires_at - time.time())}
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
            "body": json.dumps(reply),
        }


def _error(status: int, code: str, message: str, request_id: str) -> dict[str, Any]:
    body = {"error": {"code": code, "message": message, "details": {}, "request_id": request_id}}
    return {
        "statusCode": status,
        "headers": {
            "Content-Type": "application/json",
            "X-Request-Id": request_id,
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            **_SECURITY_HEADERS,
        },
        "body": json.dumps(body),
    }
