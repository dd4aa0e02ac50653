"""The local API on real HTTP (`videogen serve`), and a client for it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from videogen_local.api_keys import KeyStore
from videogen_local.cloud import LocalCloud
from videogen_local.server import LocalApiGateway, LocalApiServer


@contextmanager
def serving(cloud: LocalCloud) -> Iterator[LocalApiServer]:
    """`videogen serve` on a free loopback port, over a started local cloud."""
    http_server = LocalApiServer(LocalApiGateway(cloud, KeyStore()), "127.0.0.1", 0)
    http_server.start_background()
    try:
        yield http_server
    finally:
        http_server.shutdown()
        http_server.server_close()


def http(
    url: str, method: str = "GET", body: Any = None, key: str = "", headers: dict[str, str] | None = None
) -> Any:
    """(status, body) of a call that must succeed: JSON bodies parsed, others as bytes; raises on 4xx/5xx."""
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None, method=method)
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=30) as response:
        data = response.read()
        return response.status, (
            json.loads(data) if data and response.headers.get_content_type() == "application/json" else data
        )


def create_over_http(server: LocalApiServer, owner: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A new API key of ``owner``, and the project that key creates through the server: (key, project)."""
    key = KeyStore().add(owner)
    _, created = http(f"{server.base_url}/projects", "POST", body, key)
    return key, dict(created)


def music_upload_offer(server: LocalApiServer, key: str) -> tuple[str, dict[str, Any]]:
    """A new project of the key's owner, and the presigned upload form the API offers it for 100 bytes of
    MP3 music: (project id, offer)."""
    base = server.base_url
    _, created = http(
        f"{base}/projects", "POST", {"title": "Harbour", "script": "## Dawn\nThe harbour wakes.\n"}, key
    )
    _, offer = http(
        f"{base}/projects/{created['id']}/music/uploads",
        "POST",
        {"filename": "a.mp3", "content_type": "audio/mpeg", "size": 100},
        key,
    )
    return str(created["id"]), dict(offer)
