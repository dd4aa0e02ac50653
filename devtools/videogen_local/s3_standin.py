"""The local stand-in for S3's presigned links and upload forms, served by `videogen serve` under /_s3.

As S3 does, it recomputes the SigV4 signature (with the cloud's secret key) of every link and form, checks
expiry and every condition of an upload policy, and answers with S3's status codes and XML errors.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email import policy as email_policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from videogen.dal import storage
from videogen.exceptions import VideoGeneratorException
from videogen_local import sigv4
from videogen_local.cloud import LocalCloud

PRESIGN_PREFIX = "/_s3"
#: The local S3 takes form uploads up to this size; the presigned policy then applies its own limit.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
_OCTET_STREAM = "application/octet-stream"
#: Form fields a POST policy need not name (S3's list; x-ignore-* too).
_UNSIGNED_FIELDS = {"file", "policy", "x-amz-signature"}
#: An HTTP token (RFC 9110): header names, media type names and parameter names.
TOKEN_TEXT = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
#: type/subtype, then `; name=value` parameters (a token or a quoted string): no CR, LF or control byte.
_QUOTED_TEXT = r'"[\t\x20\x21\x23-\x5b\x5d-\x7e]*"'
_MEDIA_TYPE = re.compile(
    rf"{TOKEN_TEXT}/{TOKEN_TEXT}(?:[ \t]*;[ \t]*{TOKEN_TEXT}=(?:{TOKEN_TEXT}|{_QUOTED_TEXT}))*"
)
_MAX_MEDIA_TYPE = 200


def is_presigned_path(path: str) -> bool:
    """Whether a request path is one of the stand-in's (a presigned link or an upload form's target)."""
    return path.startswith(PRESIGN_PREFIX + "/")


class LocalS3Endpoint:
    """S3's answers to presigned GETs and POSTs of upload forms, for the buckets of one local cloud."""

    def __init__(self, cloud: LocalCloud) -> None:
        self.cloud = cloud

    def _credentials(self) -> sigv4.Credentials:
        """The key pair this cloud's links and upload forms are signed with: the functions' own (in this
        process and in built functions' workers alike)."""
        access_key, secret_key = self.cloud.signing_credentials
        return sigv4.Credentials(access_key, secret_key)

    def serve(self, raw_path: str, headers: Mapping[str, str]) -> dict[str, Any]:
        """GET of a presigned URL: the local stand-in for S3 serving one object until the URL expires.

        As S3 does, the SigV4 signature is recomputed (with the cloud's secret key) and must match, then the
        link must be live; answers are S3's (the object, or an XML error).
        """
        refusal = sigv4.presigned_url_refusal(
            "GET", raw_path, headers, self._credentials(), datetime.now(UTC)
        )
        if refusal is not None:
            return s3_error(refusal.status, refusal.code, refusal.message)
        split = urlsplit(raw_path)
        bucket, _, key = split.path[len(PRESIGN_PREFIX) + 1 :].partition("/")
        if bucket not in self.cloud.buckets.values():
            return s3_error(404, "NoSuchBucket", "The specified bucket does not exist.")
        # The signed query, read the way it was signed (sigv4.query_pairs), is the only one served.
        requested_type = dict(sigv4.query_pairs(split.query)).get("response-content-type")
        if requested_type is not None and not is_media_type(requested_type):
            return s3_error(400, "InvalidArgument", "response-content-type must be a media type.")
        try:
            data, stored_type = storage.read_object(bucket, unquote(key))
        except VideoGeneratorException:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.")
        content_type = requested_type or (stored_type if is_media_type(stored_type) else _OCTET_STREAM)
        return {"statusCode": 200, "headers": {"Content-Type": content_type}, "body": data}

    def receive(self, raw_path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        """POST of a presigned upload form: the local stand-in for S3 storing one object.

        S3's checks are made: the signature of the policy (so the policy is exactly the one the API
        signed), its expiry, every condition (the key, the content type, the metadata,
        content-length-range), and no form field the policy does not name. Answers as S3 does: 204 when
        stored, an XML error otherwise.
        """
        bucket = urlsplit(raw_path).path[len(PRESIGN_PREFIX) + 1 :].strip("/")
        if bucket not in self.cloud.buckets.values():
            return s3_error(404, "NoSuchBucket", "The specified bucket does not exist.")
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        try:
            named, data = parse_form(content_type, body)
        except (ValueError, TypeError):
            return s3_error(400, "MalformedPOSTRequest", "The body of the POST request is not well-formed.")
        fields = {name.lower(): value for name, value in named.items()}
        if len(fields) != len(named):
            return s3_error(400, "InvalidArgument", "A form field is given more than once.")
        refusal = sigv4.post_policy_refusal(fields, self._credentials())
        if refusal is not None:
            return s3_error(refusal.status, refusal.code, refusal.message)
        try:
            policy = json.loads(base64.b64decode(fields["policy"], validate=True))
            expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            conditions = list(policy.get("conditions", []))
        except (KeyError, ValueError, TypeError, AttributeError):
            return s3_error(400, "InvalidPolicyDocument", "The upload form's policy is malformed.")
        if datetime.now(UTC) > expires:
            return s3_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        extra = _fields_outside_policy(conditions, fields)
        if extra:
            return s3_error(
                403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(extra)}"
            )
        for condition in conditions:
            problem = _policy_violation(condition, {**fields, "bucket": bucket}, len(data))
            if problem:
                code = "EntityTooLarge" if problem == "EntityTooLarge" else "AccessDenied"
                status = 400 if code == "EntityTooLarge" else 403
                return s3_error(status, code, f"Invalid according to Policy: {problem}")
        if "key" not in fields:
            return s3_error(400, "InvalidArgument", "Bucket POST must contain a field named 'key'.")
        metadata = {k[len("x-amz-meta-") :]: v for k, v in fields.items() if k.startswith("x-amz-meta-")}
        storage.put_bytes(
            bucket, fields["key"], data, fields.get("content-type", "binary/octet-stream"), metadata=metadata
        )
        return {"statusCode": 204, "headers": {}, "body": ""}


def refuse_unread_upload(status: int, message: str) -> dict[str, Any]:
    """S3's answer to an upload whose body is refused unread (``status`` as the API would answer it)."""
    if status == 413:
        return s3_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
    if status == 411:
        return s3_error(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
    return s3_error(400, "InvalidArgument", message)


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


def _fields_outside_policy(conditions: list[Any], fields: dict[str, str]) -> list[str]:
    """The form fields no condition of the policy names: S3 refuses them (a policy states every field)."""
    named: set[str] = set()
    for condition in conditions:
        if isinstance(condition, dict):
            named.update(str(name).lower() for name in condition)
        elif isinstance(condition, list) and str(condition[0]).lower() in {"eq", "starts-with"}:
            named.add(str(condition[1]).lstrip("$").lower())
    return sorted(
        name
        for name in fields
        if name not in named and name not in _UNSIGNED_FIELDS and not name.startswith("x-ignore-")
    )


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


def s3_error(status: int, code: str, message: str) -> dict[str, Any]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    )
    return {"statusCode": status, "headers": {"Content-Type": "application/xml"}, "body": body}


def is_media_type(text: str) -> bool:
    """Whether ``text`` is a well-formed media type (``type/subtype; name=value``), fit for a header."""
    return len(text) <= _MAX_MEDIA_TYPE and _MEDIA_TYPE.fullmatch(text) is not None
