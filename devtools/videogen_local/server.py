"""The local API Gateway: HTTP on localhost → the proxy event API Gateway would send → the real handler.

Routes, the stage, which routes need a caller, CORS and the 401 answer all come from template.yaml.
"""

from __future__ import annotations

import io
import ipaddress
import json
import logging
import queue
import re
import select
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from videogen.domain.console import ConsoleConfig
from videogen.exceptions import PayloadTooLargeException, ValidationException
from videogen_local.api_keys import KeyStore
from videogen_local.cloud import LocalCloud, LocalFunction
from videogen_local.console import ConsoleSessions, LocalConsole, site_dir
from videogen_local.s3_standin import (
    MAX_UPLOAD_BYTES,
    PRESIGN_PREFIX,
    TOKEN_TEXT,
    LocalS3Endpoint,
    is_presigned_path,
    refuse_unread_upload,
)
from videogen_local.workers import FunctionError

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own limit
#: A client that stalls mid-request, or does not read its answer, frees its worker after this long.
STALLED_CLIENT_SECONDS = 30.0
#: How long closing the server waits for the requests in flight.
CLOSE_GRACE_SECONDS = 30.0
#: Hop-by-hop and framing headers are the server's to write, whatever a function returns.
_SERVER_HEADERS = {"connection", "content-length", "keep-alive", "transfer-encoding"}
_TOKEN = re.compile(TOKEN_TEXT)
#: What a header value may hold: visible ASCII, space, tab and Latin-1 (what HTTP/1.1 sends as is).
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
_OVERLOADED = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
)
_CORS_HEADERS = {
    "AllowOrigin": "Access-Control-Allow-Origin",
    "AllowHeaders": "Access-Control-Allow-Headers",
    "AllowMethods": "Access-Control-Allow-Methods",
    "ExposeHeaders": "Access-Control-Expose-Headers",
    "MaxAge": "Access-Control-Max-Age",
}


@dataclass(frozen=True)
class ApiRoute:
    """One `Type: Api` event of a function."""

    resource: str
    method: str
    function: LocalFunction
    needs_auth: bool
    pattern: re.Pattern[str]
    greedy: bool

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in {"ANY", method}:
            return None
        found = self.pattern.match(path)
        return None if found is None else found.groupdict()


def _compile(resource: str) -> tuple[re.Pattern[str], bool]:
    greedy = False
    parts = []
    for segment in resource.strip("/").split("/"):
        param = re.fullmatch(r"\{(\w+)(\+?)\}", segment)
        if param and param.group(2):
            greedy = True
            parts.append(f"(?P<{param.group(1)}>.+)")
        elif param:
            parts.append(f"(?P<{param.group(1)}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("^/" + "/".join(parts) + "$"), greedy


class LocalApiGateway:
    """The API of one `AWS::Serverless::Api` resource, served by the functions that declare its events."""

    def __init__(self, cloud: LocalCloud, keys: KeyStore, api_logical_id: str = "VideogenApi") -> None:
        self.cloud = cloud
        self.keys = keys
        api = cloud.template.resources[api_logical_id]["Properties"]
        self.stage = str(api.get("StageName", "v1"))
        auth = api.get("Auth") or {}
        default_auth = auth.get("DefaultAuthorizer")
        self.cors = {
            header: str(cloud.template.resolve(value)).strip("'")
            for name, value in (api.get("Cors") or {}).items()
            if (header := _CORS_HEADERS.get(name))
        }
        templates = (api.get("GatewayResponses") or {}).get("UNAUTHORIZED", {}).get("ResponseTemplates", {})
        self.unauthorized_template = str(templates.get("application/json", '{"message": "Unauthorized"}'))
        self.routes: list[ApiRoute] = []
        for function, _name, props in cloud.function_for_event("Api"):
            if (props.get("RestApiId") or {}).get("Ref") != api_logical_id:
                continue
            event_auth = (props.get("Auth") or {}).get("Authorizer", default_auth)
            pattern, greedy = _compile(str(props["Path"]))
            self.routes.append(
                ApiRoute(
                    resource=str(props["Path"]),
                    method=str(props["Method"]).upper(),
                    function=function,
                    needs_auth=event_auth not in (None, "NONE"),
                    pattern=pattern,
                    greedy=greedy,
                )
            )
        # API Gateway prefers the most specific resource: literal paths before greedy ones.
        self.routes.sort(key=lambda route: (route.greedy, -len(route.resource)))
        self._invoke_lock = threading.Lock()
        self.s3 = LocalS3Endpoint(cloud)
        #: The web console at /: its files, its config, and browser sessions (accepted like keys).
        self.sessions = ConsoleSessions(keys)
        self.console = LocalConsole(
            site_dir(cloud.template), self.sessions, ConsoleConfig.local(f"/{self.stage}")
        )

    def _find_route(self, method: str, path: str) -> tuple[ApiRoute, dict[str, str]] | None:
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None

    def _error(self, status: int, code: str, message: str, request_id: str) -> dict[str, Any]:
        body = {"error": {"code": code, "message": message, "details": {}, "request_id": request_id}}
        return {
            "statusCode": status,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body),
        }

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes | None, source_ip: str
    ) -> dict[str, Any]:
        """Answer one HTTP request the way API Gateway and the function behind it would."""
        request_id = str(uuid.uuid4())
        split = urlsplit(raw_path)
        if method == "GET" and is_presigned_path(split.path):
            return self.s3.serve(raw_path, headers)
        if method == "POST" and is_presigned_path(split.path):
            return self.s3.receive(raw_path, headers, body or b"")
        if self.console.owns(split.path):
            return self.console.handle(method, split.path, headers, body, request_id)
        prefix = f"/{self.stage}"
        if split.path != prefix and not split.path.startswith(prefix + "/"):
            return self._error(404, "ROUTE_NOT_FOUND", f"The API lives under {prefix}/.", request_id)
        path = split.path[len(prefix) :] or "/"
        if method == "OPTIONS" and self.cors:
            return {"statusCode": 204, "headers": dict(self.cors), "body": ""}
        found = self._find_route(method, path)
        if found is None:
            return self._error(404, "ROUTE_NOT_FOUND", f"No operation {method} {split.path}.", request_id)
        route, path_params = found
        claims = None
        if route.needs_auth:
            owner = self._authorize(headers)
            if owner is None:
                text = self.unauthorized_template.replace("$context.requestId", request_id)
                return {
                    "statusCode": 401,
                    "headers": {"Content-Type": "application/json", "X-Request-Id": request_id},
                    "body": text,
                }
            claims = {"sub": owner, "cognito:username": owner}
        query = parse_qs(split.query, keep_blank_values=True)
        event = {
            "resource": route.resource,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": path_params or None,
            "stageVariables": None,
            "requestContext": {
                "accountId": self.cloud.template.account_id,
                "apiId": "local",
                "stage": self.stage,
                "path": split.path,
                "resourcePath": route.resource,
                "httpMethod": method,
                "requestId": request_id,
                "requestTimeEpoch": int(time.time() * 1000),
                "protocol": "HTTP/1.1",
                "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent")},
                "authorizer": {"claims": claims} if claims else None,
            },
            "body": body.decode("utf-8", errors="replace") if body else None,
            "isBase64Encoded": False,
        }
        try:
            result: dict[str, Any] = self._invoke(route.function.logical_id, event)
        except FunctionError as exc:
            # API Gateway answers a function that failed (crashed, timed out) with a 502 of its own.
            logging.getLogger("videogen_local").error("%s failed: %s", route.function.logical_id, exc)
            return self._error(
                502, "INTERNAL_ERROR", "Something went wrong on our side; retry later.", request_id
            )
        if self.cors:
            result.setdefault("headers", {})["Access-Control-Allow-Origin"] = self.cors.get(
                "Access-Control-Allow-Origin", "*"
            )
        return result

    def _invoke(self, logical_id: str, event: dict[str, Any]) -> dict[str, Any]:
        if self.cloud.pools:
            # Built functions: each worker is one container, and the pool runs several at once.
            return dict(self.cloud.invoke(logical_id, event))
        # In process there is one warm container per function: Lambda never runs two events at once in
        # one container.
        with self._invoke_lock:
            return dict(self.cloud.invoke(logical_id, event))

    def _authorize(self, headers: dict[str, str]) -> str | None:
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.sessions.owner_of(token.strip()) or self.keys.owner_of(token.strip())


def _header_is_safe(name: str, value: str) -> bool:
    return _TOKEN.fullmatch(name) is not None and _HEADER_VALUE.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class BodyProblem:
    """Why a request's body is refused before a byte of it is read."""

    status: int  # 400: no valid Content-Length; 411: a Transfer-Encoding instead; 413: over the limit
    message: str

    @property
    def error_code(self) -> str:
        return PayloadTooLargeException.error_code if self.status == 413 else ValidationException.error_code


def declared_length(headers: Message, limit: int) -> int | BodyProblem:
    """The body length a request declares (0 without a body), or why it is refused: a Content-Length
    that is not one whole number of bytes, a chunked body, or more than ``limit`` bytes."""
    if headers.get_all("Transfer-Encoding"):
        return BodyProblem(411, "Send the body with a Content-Length; chunked bodies are not accepted.")
    values = {value.strip() for value in headers.get_all("Content-Length") or []}
    if not values:
        return 0
    value = values.pop() if len(values) == 1 else ""  # two different lengths: which body is the real one?
    if not value.isascii() or not value.isdigit():
        return BodyProblem(400, "Content-Length must be one whole number of bytes.")
    # Compared as text first: a number of thousands of digits is not worth converting.
    if len(value.lstrip("0")) > len(str(limit)) or int(value) > limit:
        return BodyProblem(413, f"Request bodies are limited to {limit // 2**20} MB.")
    return int(value)


def _handler_class(gateway: LocalApiGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "videogen-local"
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm the body would wait for the
        # client's delayed ACK of the headers, adding ~40 ms to every answer on a kept-alive connection.
        disable_nagle_algorithm = True
        # A client that stalls mid-request (headers, body) or does not read its answer frees its worker
        # after this long.
        timeout = STALLED_CLIENT_SECONDS

        @property
        def _server(self) -> LocalApiServer:
            return cast("LocalApiServer", self.server)

        def handle(self) -> None:
            # The stdlib's loop, except that between two requests a kept-alive connection waits here, where
            # closing the server can end it (see _next_request_arrives).
            self.close_connection = True
            self.handle_one_request()
            while not self.close_connection and self._next_request_arrives():
                self.handle_one_request()

        def _next_request_arrives(self) -> bool:
            """Wait for the next request on a kept-alive connection: False (close it) once the server
            closes, or after keep_alive_seconds idle. An idle connection is not closed because others
            wait: its client may be sending at that very moment and would see its request dropped; the
            answer before it said whether to reconnect (see _write)."""
            # Bytes already received (perhaps already buffered, where select cannot see them): a request.
            self.connection.settimeout(0)
            try:
                if cast(io.BufferedReader, self.rfile).peek(1):
                    return True
            finally:
                self.connection.settimeout(self.timeout)
            deadline = time.monotonic() + self._server.keep_alive_seconds
            while not self._server.closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                readable, _, _ = select.select([self.connection], [], [], min(remaining, 0.2))
                if readable:
                    return True
            return False

        def _serve(self) -> None:
            upload = self.command == "POST" and is_presigned_path(urlsplit(self.path).path)
            length = declared_length(self.headers, MAX_UPLOAD_BYTES if upload else MAX_BODY_BYTES)
            if isinstance(length, BodyProblem):
                # The body stays unread, so the connection must end: its bytes are not a next request.
                self.close_connection = True
                self._write(
                    refuse_unread_upload(length.status, length.message)
                    if upload
                    else gateway._error(length.status, length.error_code, length.message, "-")
                )
                return
            body = self.rfile.read(length) if length else None
            if body is not None and len(body) < length:
                self.close_connection = True  # the client left mid-body: nobody to answer
                return
            headers = {name: value for name, value in self.headers.items()}
            result = gateway.handle(self.command, self.path, headers, body, self.client_address[0])
            self._write(result)

        def _write(self, result: dict[str, Any]) -> None:
            body = result.get("body") or ""
            payload = body if isinstance(body, bytes) else body.encode("utf-8")
            self.send_response(int(result.get("statusCode", 500)))
            lines: list[tuple[str, str]] = []
            for name, values in (result.get("multiValueHeaders") or {}).items():
                lines.extend((name, str(value)) for value in values)
            sent = {name.lower() for name, _ in lines}
            lines.extend(
                (name, str(value))
                for name, value in (result.get("headers") or {}).items()
                if name.lower() not in sent
            )
            for name, value in lines:
                if name.lower() in _SERVER_HEADERS:
                    continue
                if not _header_is_safe(name, value):
                    # A header is never a way to inject another: CR, LF or another control byte drops it.
                    logging.getLogger("videogen_local").warning("Dropped a malformed %r header", name[:40])
                    continue
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            if self._server.should_yield():
                # Others wait for a worker (or the server closes): this client reconnects to the queue.
                self.close_connection = True
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, QUERY...) reaches the gateway too, and the API answers it with its
            # envelope (405 and Allow on a known path), instead of http.server's HTML 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            if getattr(self.server, "verbose", False):
                super().log_message(format, *args)

    return Handler


def is_loopback(host: str) -> bool:
    """Whether an address is loopback (127.0.0.0/8, ::1): reachable from this machine only."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LocalApiServer(HTTPServer):
    """The local API on http://host:port/{stage}/...: a fixed pool of worker threads serves the connections.

    Accepted connections wait in a queue for a worker. A kept-alive connection keeps its worker between
    requests, except that while others wait each answer ends its connection (`Connection: close`): the
    client reconnects and queues in turn, so 64 kept-alive clients share 32 workers. Past ``max_waiting``
    waiting connections, a new one is answered 503 at once.
    """

    #: The listen backlog: connections the kernel holds until they are accepted. The stdlib's 5 reset 2 of
    #: 20 clients that connected at once.
    request_queue_size = 128
    #: Worker threads: how many connections are served at once.
    workers = 32
    #: Accepted connections that may wait for a worker; past them a new one is answered 503 at once.
    max_waiting = 1024
    #: How long a kept-alive connection may sit idle between two requests before it is closed.
    keep_alive_seconds = 5.0

    def __init__(
        self, gateway: LocalApiGateway, host: str = "127.0.0.1", port: int = 8080, verbose: bool = False
    ):
        super().__init__((host, port), _handler_class(gateway))
        self.gateway = gateway
        self.verbose = verbose
        self._waiting: queue.SimpleQueue[tuple[socket.socket, Any] | None] = queue.SimpleQueue()
        self._closing = threading.Event()
        if not is_loopback(str(self.server_address[0])):
            print(_exposed_warning(str(self.server_address[0]), self.server_address[1]), file=sys.stderr)
        # Download links handed out by the API point here while this server runs.
        gateway.cloud.set_presign_endpoint(
            f"http://{self._url_host()}:{self.server_address[1]}{PRESIGN_PREFIX}"
        )
        self._threads = [
            threading.Thread(target=self._work, name=f"videogen-http-{number}", daemon=True)
            for number in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()

    def _url_host(self) -> str:
        host = str(self.server_address[0])
        return "127.0.0.1" if host in {"0.0.0.0", ""} else host  # noqa: S104 - mapping, not binding

    def process_request(self, request: Any, client_address: Any) -> None:
        """Queue an accepted connection for the worker pool (the accepting thread never serves one)."""
        if self._waiting.qsize() >= self.max_waiting:
            try:
                request.settimeout(1)
                request.sendall(_OVERLOADED)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        self._waiting.put((request, client_address))

    def _work(self) -> None:
        while (item := self._waiting.get()) is not None:
            request, client_address = item
            try:
                if not self._closing.is_set():
                    self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    @property
    def closing(self) -> bool:
        return self._closing.is_set()

    def should_yield(self) -> bool:
        """Whether a kept-alive connection should end after its answer: others wait, or the server closes."""
        return self.closing or not self._waiting.empty()

    def server_close(self) -> None:
        """Stop accepting, let the requests in flight finish (waiting connections are closed unanswered),
        stop the workers, and point download links back at S3."""
        self._closing.set()
        super().server_close()
        for _ in self._threads:
            self._waiting.put(None)
        deadline = time.monotonic() + CLOSE_GRACE_SECONDS
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.gateway.cloud.set_presign_endpoint(None)

    @property
    def base_url(self) -> str:
        return f"http://{self._url_host()}:{self.server_address[1]}/{self.gateway.stage}"

    @property
    def console_url(self) -> str:
        return f"http://{self._url_host()}:{self.server_address[1]}/"

    def signin_url(self, owner: str) -> str:
        """A one-time link that signs a browser into the console as ``owner``."""
        return f"{self.console_url}?token={self.gateway.sessions.issue_signin_token(owner)}"

    def start_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="videogen-api", daemon=True)
        thread.start()
        return thread


def _exposed_warning(host: str, port: int) -> str:
    rule = "!" * 78
    return (
        f"{rule}\n"
        f"WARNING: the videogen API listens on {host}:{port}, beyond loopback.\n"
        "Anyone who can reach this machine on that port can call it: plain HTTP (keys and data travel\n"
        "unencrypted), a development server, not built to face a network. Use --host 127.0.0.1 unless\n"
        "this is what you mean.\n"
        f"{rule}"
    )
