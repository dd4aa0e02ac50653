"""The local API Gateway: HTTP on localhost → the proxy event API Gateway would send → the real handler.

Routes, the stage, which routes need a caller, CORS and the 401 answer all come from template.yaml.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from videogen.dal import storage
from videogen.exceptions import VideoGeneratorException
from videogen_local.cloud import LocalCloud, LocalFunction
from videogen_local.keys import KeyStore
from videogen_local.workers import FunctionError

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own limit
#: The local S3 takes form uploads up to this size; the presigned policy then applies its own limit.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
PRESIGN_PREFIX = "/_s3"
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

    def serve_presigned(self, raw_path: str) -> dict[str, Any]:
        """GET of a presigned URL: the local stand-in for S3 serving one object until the URL expires.

        Loopback only and single-user: the expiry and the bucket are checked, the signature is not.
        """
        split = urlsplit(raw_path)
        parts = split.path[len(PRESIGN_PREFIX) + 1 :].split("/", 1)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        request_id = str(uuid.uuid4())
        if len(parts) != 2 or parts[0] not in self.cloud.buckets.values():
            return self._error(404, "RESOURCE_NOT_FOUND", "No such file.", request_id)
        try:
            signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            lifetime = int(query["X-Amz-Expires"])
        except (KeyError, ValueError):
            return self._error(403, "FORBIDDEN", "The link is not a presigned URL.", request_id)
        if datetime.now(UTC) > signed_at + timedelta(seconds=lifetime):
            return self._error(
                403, "FORBIDDEN", "The link has expired: ask the API for a new one.", request_id
            )
        try:
            data, content_type = storage.read_object(parts[0], unquote(parts[1]))
        except VideoGeneratorException:
            return self._error(404, "RESOURCE_NOT_FOUND", "No such file.", request_id)
        return {
            "statusCode": 200,
            "headers": {"Content-Type": query.get("response-content-type", content_type)},
            "body": data,
        }

    def receive_presigned_post(self, raw_path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        """POST of a presigned upload form: the local stand-in for S3 storing one object.

        S3's checks that matter to a caller are made: the policy's expiry and every condition (the key,
        the content type, the metadata, content-length-range). The signature is not checked (loopback).
        Answers as S3 does: 204 when stored, an XML error otherwise.
        """
        bucket = urlsplit(raw_path).path[len(PRESIGN_PREFIX) + 1 :].strip("/")
        if bucket not in self.cloud.buckets.values():
            return _s3_error(404, "NoSuchBucket", "The specified bucket does not exist.")
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        try:
            fields, data = parse_form(content_type, body)
            policy = json.loads(base64.b64decode(fields["policy"]))
            expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except (KeyError, ValueError, TypeError):
            return _s3_error(400, "InvalidPolicyDocument", "The upload form or its policy is malformed.")
        if datetime.now(UTC) > expires:
            return _s3_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        fields = {name.lower(): value for name, value in fields.items()}
        for condition in policy.get("conditions", []):
            problem = _policy_violation(condition, {**fields, "bucket": bucket}, len(data))
            if problem:
                code = "EntityTooLarge" if problem == "EntityTooLarge" else "AccessDenied"
                status = 400 if code == "EntityTooLarge" else 403
                return _s3_error(status, code, f"Invalid according to Policy: {problem}")
        metadata = {k[len("x-amz-meta-") :]: v for k, v in fields.items() if k.startswith("x-amz-meta-")}
        storage.put_bytes(
            bucket, fields["key"], data, fields.get("content-type", "binary/octet-stream"), metadata
        )
        return {"statusCode": 204, "headers": {}, "body": ""}

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes | None, source_ip: str
    ) -> dict[str, Any]:
        """Answer one HTTP request the way API Gateway and the function behind it would."""
        request_id = str(uuid.uuid4())
        split = urlsplit(raw_path)
        if method == "GET" and split.path.startswith(PRESIGN_PREFIX + "/"):
            return self.serve_presigned(raw_path)
        if method == "POST" and split.path.startswith(PRESIGN_PREFIX + "/"):
            return self.receive_presigned_post(raw_path, headers, body or b"")
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
            logging.getLogger("videogen.local").error("%s failed: %s", route.function.logical_id, exc)
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
        return self.keys.owner_of(token.strip())


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], bytes]:
    """The text fields and the file of a multipart/form-data body (the file is the field named 'file')."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise ValueError("not a form upload")
    message = BytesParser(policy=email_policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
    )
    fields: dict[str, str] = {}
    data: bytes | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if name == "file":
            data = payload
        else:
            fields[name] = payload.decode("utf-8")
    if data is None:
        raise ValueError("the form has no file")
    return fields, data


def _policy_violation(condition: Any, fields: dict[str, str], size: int) -> str | None:
    """What a POST policy condition finds wrong with a form (None when it holds)."""
    if isinstance(condition, dict):
        (name, expected), *_ = condition.items()
        value = fields.get(name.lower())
        return None if value == expected else f'Condition failed: ["eq", "${name}", "{expected}"]'
    kind = str(condition[0]).lower()
    if kind == "content-length-range":
        low, high = int(condition[1]), int(condition[2])
        if size > high:
            return "EntityTooLarge"
        return None if size >= low else "Your proposed upload is smaller than the minimum allowed size"
    name = str(condition[1]).lstrip("$").lower()
    value = fields.get(name, "")
    if kind == "eq":
        return None if value == condition[2] else f"Condition failed: {condition}"
    if kind == "starts-with":
        return None if value.startswith(condition[2]) else f"Condition failed: {condition}"
    return f"Unknown condition: {condition}"


def _s3_error(status: int, code: str, message: str) -> dict[str, Any]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    )
    return {"statusCode": status, "headers": {"Content-Type": "application/xml"}, "body": body}


def _handler_class(gateway: LocalApiGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "videogen-local"
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm the body would wait for the
        # client's delayed ACK of the headers, adding ~40 ms to every answer on a kept-alive connection.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            upload = self.command == "POST" and self.path.startswith(PRESIGN_PREFIX + "/")
            if upload and length > MAX_UPLOAD_BYTES:
                result = _s3_error(
                    400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
                )
                self.close_connection = True
            elif not upload and length > MAX_BODY_BYTES:
                result = gateway._error(413, "PAYLOAD_TOO_LARGE", "Request bodies are limited to 10 MB.", "-")
                self.close_connection = True
            else:
                body = self.rfile.read(length) if length else None
                headers = {name: value for name, value in self.headers.items()}
                result = gateway.handle(self.command, self.path, headers, body, self.client_address[0])
            self._write(result)

        def _write(self, result: dict[str, Any]) -> None:
            body = result.get("body") or ""
            payload = body if isinstance(body, bytes) else body.encode("utf-8")
            self.send_response(int(result.get("statusCode", 500)))
            sent = set()
            for name, values in (result.get("multiValueHeaders") or {}).items():
                for value in values:
                    self.send_header(name, str(value))
                sent.add(name.lower())
            for name, value in (result.get("headers") or {}).items():
                if name.lower() not in sent and name.lower() != "content-length":
                    self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(payload)))
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


class LocalApiServer(ThreadingHTTPServer):
    """The local API on http://host:port/{stage}/..."""

    daemon_threads = True

    def __init__(
        self, gateway: LocalApiGateway, host: str = "127.0.0.1", port: int = 8080, verbose: bool = False
    ):
        super().__init__((host, port), _handler_class(gateway))
        self.gateway = gateway
        self.verbose = verbose
        # Download links handed out by the API point here while this server runs.
        gateway.cloud.set_presign_endpoint(
            f"http://{self._url_host()}:{self.server_address[1]}{PRESIGN_PREFIX}"
        )

    def _url_host(self) -> str:
        host = str(self.server_address[0])
        return "127.0.0.1" if host in {"0.0.0.0", ""} else host  # noqa: S104 - mapping, not binding

    def server_close(self) -> None:
        self.gateway.cloud.set_presign_endpoint(None)
        super().server_close()

    @property
    def base_url(self) -> str:
        return f"http://{self._url_host()}:{self.server_address[1]}/{self.gateway.stage}"

    def start_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="videogen-api", daemon=True)
        thread.start()
        return thread
