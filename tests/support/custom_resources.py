"""CloudFormation's side of a custom resource, on loopback: the events it sends a function and a
stand-in for the presigned S3 URL it waits on for the answer."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ResponseReceiver:
    """A running stand-in for CloudFormation's ResponseURL: every PUT it got, parsed."""

    port: int
    responses: list[dict[str, Any]] = field(default_factory=list)
    #: The request headers of each PUT, in order (lower-cased names).
    headers: list[dict[str, str]] = field(default_factory=list)

    def url(self, request_id: str = "req-1") -> str:
        # Shaped like CloudFormation's: a presigned S3 URL with a query string.
        return f"http://127.0.0.1:{self.port}/cloudformation-custom-resource-response/{request_id}?X-Amz-Signature=x"


@contextmanager
def receiving_responses() -> Iterator[ResponseReceiver]:
    """A ResponseURL stand-in on a free loopback port for the duration of the block."""
    receiver = ResponseReceiver(port=0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.headers.append({name.lower(): value for name, value in self.headers.items()})
            receiver.responses.append(json.loads(body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def console_properties(bucket: str) -> dict[str, Any]:
    """PublishConsole's properties as CloudFormation sends them (template.yaml's, resolved)."""
    return {
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:publish",
        "ServiceTimeout": "300",
        "BucketName": bucket,
        "SiteVersion": "arn:aws:lambda:us-east-1:123456789012:layer:console-site:7",
        "ApiBase": "https://abc123.execute-api.us-east-1.amazonaws.com/v1",
        "HostedUi": "https://videogen-dev-123456789012.auth.us-east-1.amazoncognito.com",
        "ClientId": "client-123",
        "ConsoleUrl": "https://d111111abcdef8.cloudfront.net/",
    }


def custom_resource_event(
    request_type: str,
    response_url: str,
    properties: dict[str, Any],
    *,
    physical_id: str | None = None,
    request_id: str = "req-1",
) -> dict[str, Any]:
    """An event CloudFormation sends a custom resource's function."""
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": properties.get("ServiceToken", ""),
        "ResponseURL": response_url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/videogen-dev/1",
        "RequestId": request_id,
        "LogicalResourceId": "PublishConsole",
        "ResourceType": "Custom::ConsoleSite",
        "ResourceProperties": properties,
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if request_type == "Update":
        event["OldResourceProperties"] = properties
    return event
