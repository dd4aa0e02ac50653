"""AWS Signature Version 4 as S3 checks it, for the local S3 stand-in: presigned GET URLs and POST policies.

The local cloud gives its process a secret access key of its own (random, made at start-up); boto3 signs
the links and upload forms the API hands out with it, as on AWS. The local server recomputes every
signature with the same secret and compares in constant time, so a link or a form is good only exactly as
the API made it, and a link only until it expires. Pure functions: no I/O, the clock is an argument.

    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
#: The longest a presigned URL may live (S3's limit for X-Amz-Expires: one week).
MAX_EXPIRES_SECONDS = 7 * 24 * 3600
#: How far ahead of this clock a signing time may lie (S3 tolerates 15 minutes of clock skew).
CLOCK_SKEW = timedelta(minutes=15)
_QUERY_AUTH = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
)


@dataclass(frozen=True, slots=True)
class Credentials:
    """The key pair the local cloud signs with (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)."""

    access_key: str
    secret_key: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why S3 refuses a request: its HTTP status, S3's error code and message."""

    status: int
    code: str
    message: str


def _denied(message: str = "Access Denied") -> Refusal:
    return Refusal(403, "AccessDenied", message)


_MISMATCH = Refusal(
    403,
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided.",
)
_UNKNOWN_KEY = Refusal(
    403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The SigV4 signing key of one day, region and service (the HMAC chain from the secret)."""
    key = _hmac(f"AWS4{secret_key}".encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def _matches(expected: str, given: str) -> bool:
    # Constant time, so the answer's timing tells nothing about how much of a guess was right.
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "surrogateescape"))


def _scope(credential: str, access_key: str) -> tuple[str, str, str] | Refusal:
    """(date, region, service) of an `<access key>/<date>/<region>/<service>/aws4_request` credential."""
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts):
        return Refusal(400, "AuthorizationQueryParametersError", "The credential is malformed.")
    if not _matches(access_key, parts[0]):
        return _UNKNOWN_KEY
    return parts[1], parts[2], parts[3]


def query_pairs(raw_query: str) -> list[tuple[str, str]]:
    """The decoded (name, value) pairs of a query string, in order. `+` stays `+`: S3 reads the query the
    way it signs it, and boto3 encodes a space as %20."""
    return [
        (unquote(name), unquote(value))
        for name, _, value in (pair.partition("=") for pair in raw_query.split("&") if pair)
    ]


def _encode(text: str, safe: str = "-_.~") -> str:
    return quote(text, safe=safe)


def canonical_request(
    method: str, raw_path: str, pairs: list[tuple[str, str]], headers: Mapping[str, str], signed: list[str]
) -> str:
    """The canonical request of a presigned S3 URL (query without X-Amz-Signature, UNSIGNED-PAYLOAD).

    S3 does not normalise the path: it is the object's key percent-encoded once, as boto3 sends it, so any
    other spelling of the same characters signs alike.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    query = "&".join(
        f"{name}={value}"
        for name, value in sorted(
            (_encode(name), _encode(value)) for name, value in pairs if name != "X-Amz-Signature"
        )
    )
    canonical_headers = "".join(f"{name}:{' '.join(lowered.get(name, '').split())}\n" for name in signed)
    path = _encode(unquote(urlsplit(raw_path).path), safe="/~")
    return "\n".join([method, path, query, canonical_headers, ";".join(signed), UNSIGNED_PAYLOAD])


def presigned_url_signature(
    secret_key: str, amz_date: str, scope: tuple[str, str, str], canonical: str
) -> str:
    """The hex signature of a canonical request made at ``amz_date`` within ``scope``."""
    date, region, service = scope
    string_to_sign = "\n".join(
        [
            ALGORITHM,
            amz_date,
            f"{date}/{region}/{service}/aws4_request",
            hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        ]
    )
    return hmac.new(
        signing_key(secret_key, date, region, service), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def presigned_url_refusal(
    method: str, raw_path: str, headers: Mapping[str, str], credentials: Credentials, now: datetime
) -> Refusal | None:
    """Why S3 would refuse this presigned URL request (None: the signature holds and the link is live).

    Args:
        method: the HTTP method (it is signed: a GET link does not work for anything else).
        raw_path: the request target as sent, path and query still percent-encoded.
        headers: the request's headers (the signed ones, at least Host, are part of the signature).
        credentials: the key pair the links were signed with.
        now: the current time (UTC).
    """
    pairs = query_pairs(urlsplit(raw_path).query)
    names = [name for name, _ in pairs]
    params = dict(pairs)
    if not all(name in params for name in _QUERY_AUTH):
        return _denied(
            "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
            "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
        )
    if len(set(names)) != len(names):
        return Refusal(400, "InvalidArgument", "A query parameter is given more than once.")
    if params["X-Amz-Algorithm"] != ALGORITHM:
        return Refusal(400, "AuthorizationQueryParametersError", f"X-Amz-Algorithm must be {ALGORITHM}.")
    scope = _scope(params["X-Amz-Credential"], credentials.access_key)
    if isinstance(scope, Refusal):
        return scope
    signed = params["X-Amz-SignedHeaders"].split(";")
    if "host" not in signed or signed != sorted(set(signed)):
        return Refusal(
            400, "AuthorizationQueryParametersError", "X-Amz-SignedHeaders must list host, sorted."
        )
    try:
        signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return Refusal(
            400, "AuthorizationQueryParametersError", "X-Amz-Date must be in the form yyyyMMddTHHmmssZ."
        )
    lifetime = params["X-Amz-Expires"]
    if not (lifetime.isascii() and lifetime.isdigit() and 1 <= int(lifetime) <= MAX_EXPIRES_SECONDS):
        return Refusal(
            400,
            "AuthorizationQueryParametersError",
            f"X-Amz-Expires must be a number of seconds from 1 to {MAX_EXPIRES_SECONDS}.",
        )
    canonical = canonical_request(method, raw_path, pairs, headers, signed)
    expected = presigned_url_signature(credentials.secret_key, params["X-Amz-Date"], scope, canonical)
    if not _matches(expected, params["X-Amz-Signature"]):
        return _MISMATCH
    # Only a signed time is worth judging: before the signature holds, these values are anyone's.
    if signed_at > now + CLOCK_SKEW:
        return _denied("Request is not valid yet")
    if now > signed_at + timedelta(seconds=int(lifetime)):
        return _denied("Request has expired")
    return None


def post_policy_refusal(fields: Mapping[str, str], credentials: Credentials) -> Refusal | None:
    """Why S3 would refuse this upload form's signature (None: the policy is exactly as it was signed).

    ``fields`` are the form's text fields, names lower-cased. Only the signature is judged here; the
    policy's expiry and conditions are the caller's to enforce, now that they are known to be genuine.
    """
    for name in ("policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"):
        if name not in fields:
            return _denied(f"Bucket POST must contain a field named '{name}'.")
    if fields["x-amz-algorithm"] != ALGORITHM:
        return Refusal(400, "InvalidArgument", f"x-amz-algorithm must be {ALGORITHM}.")
    scope = _scope(fields["x-amz-credential"], credentials.access_key)
    if isinstance(scope, Refusal):
        return scope
    # POST policy signing: the string to sign is the base64 policy itself, as it appears in the form.
    expected = hmac.new(
        signing_key(credentials.secret_key, *scope), fields["policy"].encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return None if _matches(expected, fields["x-amz-signature"]) else _MISMATCH
