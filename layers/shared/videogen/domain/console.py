"""The web console's deployed form: what its config.json says, and how its static files are published.

The console (layers/console/site) reads ``config.json`` at the site's root to learn where the API is and how
to sign in. Deployed (template.yaml, PublishConsole), it names the API stage and the Cognito Hosted UI;
locally (``videogen serve``) it is ``ConsoleConfig.local()``. One model for both, so the two cannot drift.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The file the console fetches at start-up; written by the publisher (deployed) or served (locally).
CONFIG_FILE = "config.json"
#: What a browser may not keep without asking again: the page that names the assets, and the config.
#: Every other file of the site is not content-hashed either, so it too is revalidated on each load
#: (``no-cache`` means "ask first": an unchanged file costs a 304 with no body). A deploy is then seen at
#: once, and a new index.html can never run with an old app.js. CloudFront's managed CachingOptimized
#: policy keeps a copy for its minimum TTL (1 s), so S3 sees about one revalidation per second per edge.
CACHE_CONTROL = "no-cache"

# Types by file extension, so the publisher does not depend on the host's /etc/mime.types (Lambda's has
# few); anything unlisted falls back to the standard library's table, then to octet-stream.
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}


class LocalAuth(BaseModel):
    """Signing in on one machine: the one-time token URL ``videogen serve`` prints."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["local"] = Field("local", description="Sign in with the token URL of `videogen serve`.")


class CognitoAuth(BaseModel):
    """Signing in through the Cognito Hosted UI (authorization code + PKCE, a public client)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["cognito"] = Field("cognito", description="Sign in through the Cognito Hosted UI.")
    authorize_url: str = Field(description="The Hosted UI's /oauth2/authorize endpoint.")
    token_url: str = Field(description="The /oauth2/token endpoint (code and refresh token exchanges).")
    logout_url: str = Field(description="The Hosted UI's /logout endpoint.")
    client_id: str = Field(description="The console's app client (public: no secret).")
    redirect_uri: str = Field(description="Where the Hosted UI sends the browser back: the console's root.")
    scopes: list[str] = Field(
        default_factory=lambda: ["openid", "email", "profile"], description="The OAuth scopes asked for."
    )


class ConsoleConfig(BaseModel):
    """The console's config.json."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_base: str = Field(description="The API's base URL (the stage, e.g. .../v1), or /v1 on one machine.")
    auth: Annotated[LocalAuth | CognitoAuth, Field(discriminator="kind")] = Field(
        description="How the console signs a person in."
    )

    @classmethod
    def local(cls, api_base: str = "/v1") -> ConsoleConfig:
        """The config `videogen serve` gives the console: the API on the same origin, token sign-in."""
        return cls(api_base=api_base, auth=LocalAuth())

    def to_json(self) -> bytes:
        """The bytes served as config.json."""
        return self.model_dump_json(indent=2).encode()


def content_type(path: str) -> str:
    """The Content-Type a site file is served with."""
    suffix = path[path.rfind(".") :].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class SiteUpload:
    """One object the publisher writes: its key and how it is served."""

    key: str
    content_type: str
    cache_control: str = CACHE_CONTROL


@dataclass(frozen=True, slots=True)
class PublishPlan:
    """What publishing a site does to its bucket: the files to write (config.json last, after the files
    it describes) and the keys no longer in the site."""

    uploads: tuple[SiteUpload, ...]
    stale: tuple[str, ...]


def plan_publish(site_files: Iterable[str], existing_keys: Iterable[str]) -> PublishPlan:
    """Decide what to write and what to delete, from the site's relative paths (``assets/app.js``) and the
    keys the bucket holds now. A config.json in the site is replaced by the generated one.

    Raises:
        ValueError: a path is absolute or climbs out of the site.
    """
    files = sorted(set(site_files) - {CONFIG_FILE})
    for path in files:
        if path.startswith("/") or ".." in path.split("/") or not path:
            raise ValueError(f"not a relative site path: {path!r}")
    uploads = [SiteUpload(path, content_type(path)) for path in files]
    uploads.append(SiteUpload(CONFIG_FILE, content_type(CONFIG_FILE)))
    wanted = {upload.key for upload in uploads}
    stale = sorted(set(existing_keys) - wanted)
    return PublishPlan(uploads=tuple(uploads), stale=tuple(stale))


def cognito_config(
    *, api_base: str, hosted_ui: str, client_id: str, console_url: str, scopes: Iterable[str] | None = None
) -> ConsoleConfig:
    """The deployed config: ``hosted_ui`` is the Hosted UI's origin (https://<prefix>.auth.<region>.
    amazoncognito.com), ``console_url`` the console's (its root, where Cognito redirects back to)."""
    base = hosted_ui.rstrip("/")
    auth = CognitoAuth(
        authorize_url=f"{base}/oauth2/authorize",
        token_url=f"{base}/oauth2/token",
        logout_url=f"{base}/logout",
        client_id=client_id,
        redirect_uri=console_url.rstrip("/") + "/",
    )
    if scopes is not None:
        auth = auth.model_copy(update={"scopes": list(scopes)})
    return ConsoleConfig(api_base=api_base.rstrip("/"), auth=auth)
