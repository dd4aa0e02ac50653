"""A local fake of Stability AI's v2beta Stable Image endpoint, on real HTTP: the REST provider's tests
and the fallback tests (a Stability that is down, throttles or refuses the key) use it with the real
client."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

from tests.support.providers import parse_form

KEY = "sk-rest-test-key"
Reply = tuple[int, dict[str, str], bytes]


def png(width: int, height: int, color: tuple[int, int, int] = (20, 120, 220)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def image_reply(finish_reason: str = "SUCCESS", width: int = 1344, height: int = 768) -> Reply:
    headers = {"Content-Type": "image/png", "finish-reason": finish_reason, "seed": "1234"}
    return 200, headers, png(width, height)


def error_reply(status: int, name: str, extra_headers: dict[str, str] | None = None) -> Reply:
    body = {"id": "e-1", "name": name, "errors": ["the provider's own words: do not show me"]}
    return status, {"Content-Type": "application/json", **(extra_headers or {})}, json.dumps(body).encode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    fields: dict[str, str]


@dataclass
class FakeStability:
    """Records every request and answers with whatever the test put in ``respond``."""

    received: list[Received] = field(default_factory=list)
    respond: Callable[[Received], Reply | None] = lambda received: image_reply()
    release: threading.Event = field(default_factory=threading.Event)


def handler_for(fake: FakeStability) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received = Received(
                path=self.path,
                headers={key.lower(): value for key, value in self.headers.items()},
                fields=parse_form(self.headers["Content-Type"], body),
            )
            fake.received.append(received)
            reply = fake.respond(received)
            if reply is None:
                # Drop the connection without a response, like a crashed load balancer.
                self.close_connection = True
                return
            status, headers, payload = reply
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            """Keep the test output quiet."""

    return Handler


@contextmanager
def serving_stability() -> Iterator[tuple[FakeStability, str]]:
    """A fake Stability on a free loopback port: the fake (set its ``respond``) and its base URL."""
    fake = FakeStability()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
