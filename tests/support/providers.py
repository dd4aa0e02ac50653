"""What the image provider tests share: a scene's image request, the reading of a multipart form (what
Stability's REST API receives), and a port where no server listens."""

from __future__ import annotations

import email.parser
import email.policy
import socket
from typing import Any

from videogen.providers.base import ImageRequest


def image_request(**changes: Any) -> ImageRequest:
    """A styled 16:9 request with a negative prompt; ``changes`` replace any of its fields."""
    fields: dict[str, Any] = {
        "prompt": "a lighthouse at dusk",
        "width": 1280,
        "height": 720,
        "seed": 1234,
        "style": "watercolor",
        "negative_prompt": "blurry, text",
    }
    return ImageRequest(**(fields | changes))


def parse_form(content_type: str, body: bytes) -> dict[str, str]:
    """The text fields of a multipart/form-data body, by name, as a server would read them."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    assert message.is_multipart()
    fields: dict[str, str] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        fields[name] = payload.decode()
    return fields


def closed_port() -> int:
    """A local port no server listens on (just released by the system): a provider that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
