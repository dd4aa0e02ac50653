"""The local S3's signature checks (videogen_local.sigv4) against what botocore itself signs."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from videogen_local.sigv4 import Credentials, post_policy_refusal, presigned_url_refusal, signing_key

KEYS = Credentials("AKIDLOCAL", "per-process-secret")
ENDPOINT = "http://127.0.0.1:8123/_s3"


def _client(secret: str = KEYS.secret_key) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=KEYS.access_key,
        aws_secret_access_key=secret,
        aws_session_token="token",
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def _check(url: str, *, now: datetime | None = None, host: str | None = None) -> str | None:
    split = urlsplit(url)
    refusal = presigned_url_refusal(
        "GET", f"{split.path}?{split.query}", {"Host": host or split.netloc}, KEYS, now or datetime.now(UTC)
    )
    return None if refusal is None else refusal.code


def test_signing_key_matches_the_aws_documentation_example() -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html (the worked example)
    key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam")
    assert key.hex() == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"


@pytest.mark.parametrize(
    "key", ["a/b.txt", "projects/x y/ü é+~!*'()%.mp4", "outbox/alice/Light house/video.mp4", "a//b/../c"]
)
@pytest.mark.parametrize("content_type", [None, "text/plain; charset=utf-8", "text/plain\r\nX-Injected: 1"])
def test_links_botocore_signs_hold(key: str, content_type: str | None) -> None:
    params = {
        "Bucket": "media",
        "Key": key,
        **({"ResponseContentType": content_type} if content_type else {}),
    }

    assert _check(_client().generate_presigned_url("get_object", Params=params, ExpiresIn=60)) is None


def test_a_link_signed_with_another_secret_or_for_another_host_does_not_match() -> None:
    params = {"Bucket": "media", "Key": "a/b.txt"}
    url = _client().generate_presigned_url("get_object", Params=params, ExpiresIn=60)
    forged = _client("a guess").generate_presigned_url("get_object", Params=params, ExpiresIn=60)

    assert _check(forged) == "SignatureDoesNotMatch"
    assert _check(url, host="127.0.0.1:9999") == "SignatureDoesNotMatch"


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda url: url.replace("a/b.txt", "a/c.txt"), "SignatureDoesNotMatch"),
        (lambda url: url.replace("X-Amz-Expires=60", "X-Amz-Expires=600"), "SignatureDoesNotMatch"),
        (lambda url: url + "&response-content-type=text%2Fhtml", "SignatureDoesNotMatch"),
        (lambda url: url + "&X-Amz-Expires=600", "InvalidArgument"),
        (
            lambda url: url.replace("X-Amz-Expires=60", "X-Amz-Expires=-1"),
            "AuthorizationQueryParametersError",
        ),
        (
            lambda url: url.replace("X-Amz-Credential=AKIDLOCAL", "X-Amz-Credential=OTHER"),
            "InvalidAccessKeyId",
        ),
        (lambda url: url.replace("X-Amz-Date=", "X-Amz-Date=x"), "AuthorizationQueryParametersError"),
        (lambda url: url.replace("&X-Amz-Signature=", "&X-Amz-Nothing="), "AccessDenied"),
    ],
)
def test_an_edited_link_is_refused(edit: Any, code: str) -> None:
    url = _client().generate_presigned_url(
        "get_object", Params={"Bucket": "media", "Key": "a/b.txt"}, ExpiresIn=60
    )

    assert _check(edit(url)) == code


def test_a_link_is_good_from_its_signing_time_to_its_expiry_only() -> None:
    url = _client().generate_presigned_url(
        "get_object", Params={"Bucket": "media", "Key": "a/b.txt"}, ExpiresIn=60
    )
    signed = datetime.strptime(
        dict(p.split("=") for p in urlsplit(url).query.split("&"))["X-Amz-Date"], "%Y%m%dT%H%M%SZ"
    ).replace(tzinfo=UTC)

    assert _check(url, now=signed + timedelta(seconds=60)) is None
    assert _check(url, now=signed + timedelta(seconds=61)) == "AccessDenied"
    assert _check(url, now=signed - timedelta(minutes=14)) is None  # clock skew
    assert _check(url, now=signed - timedelta(minutes=16)) == "AccessDenied"


def _form(secret: str = KEYS.secret_key) -> dict[str, str]:
    post = _client(secret).generate_presigned_post(
        "media",
        "uploads/p/1",
        Fields={"Content-Type": "audio/mpeg"},
        Conditions=[{"Content-Type": "audio/mpeg"}, ["content-length-range", 1, 100]],
        ExpiresIn=60,
    )
    return {name.lower(): str(value) for name, value in post["fields"].items()}


def test_a_genuine_upload_form_holds_and_an_edited_or_forged_one_does_not() -> None:
    fields = _form()
    policy = json.loads(base64.b64decode(fields["policy"]))
    policy["conditions"][1] = ["content-length-range", 1, 10**9]
    edited = {**fields, "policy": base64.b64encode(json.dumps(policy).encode()).decode()}
    unsigned = {name: value for name, value in fields.items() if name != "x-amz-signature"}

    assert post_policy_refusal(fields, KEYS) is None
    assert getattr(post_policy_refusal(edited, KEYS), "code", None) == "SignatureDoesNotMatch"
    assert getattr(post_policy_refusal(_form("a guess"), KEYS), "code", None) == "SignatureDoesNotMatch"
    assert getattr(post_policy_refusal(unsigned, KEYS), "code", None) == "AccessDenied"
