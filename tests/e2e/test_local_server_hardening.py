"""The local server under load and under attack: 64 clients at once, forged or stale links and upload forms,
lying Content-Length headers, header injection, and binding beyond loopback."""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.auth
import pytest
from botocore.config import Config

from tests.support.http import music_upload_offer
from videogen.dal import storage
from videogen_local.api_keys import KeyStore
from videogen_local.cloud import LocalCloud
from videogen_local.demo import post_form
from videogen_local.server import MAX_BODY_BYTES, LocalApiGateway, LocalApiServer, is_loopback
from videogen_local.sigv4 import query_pairs

SECRET_KEY, OTHER_KEY = "projects/p1/secret.txt", "projects/p2/other.txt"
CLIENTS = 64


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _raw(server: LocalApiServer, request: bytes) -> tuple[bytes, bytes]:
    """(head, body) of the answer to raw request bytes; the server must answer and then close."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body


def _status(head: bytes) -> int:
    return int(head.split(b" ", 2)[1])


def _host(server: LocalApiServer) -> str:
    return f"127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def objects(server: LocalApiServer, cloud: LocalCloud) -> Iterator[str]:
    """Two objects of two projects in the media bucket; yields the bucket."""
    bucket = cloud.buckets["MediaBucket"]
    storage.put_bytes(bucket, SECRET_KEY, b"p1 only", "text/plain")
    storage.put_bytes(bucket, OTHER_KEY, b"p2 only", "text/plain")
    yield bucket


def _replace_param(url: str, name: str, value: str) -> str:
    return re.sub(rf"([?&]{name}=)[^&]*", lambda found: found.group(1) + value, url)


# ------------------------------------------------------------------ 64 concurrent clients


def test_64_concurrent_kept_alive_clients_are_all_answered_without_a_reset(server: LocalApiServer) -> None:
    # Given 64 clients for 32 workers, each keeping its connection open until all 64 have their answer
    # (kept-alive connections never time out here: only the server's `Connection: close` while others
    # wait can share the workers),
    server.keep_alive_seconds = 60
    key = KeyStore().add("alice")
    split = urlsplit(server.base_url)
    barrier = threading.Barrier(CLIENTS, timeout=30)
    statuses: list[int] = []
    failures: list[str] = []

    def client(number: int) -> None:
        connection = HTTPConnection("127.0.0.1", split.port, timeout=30)
        try:
            for round_ in range(3):
                barrier.wait()
                path = f"{split.path}/health" if (number + round_) % 2 else f"{split.path}/projects"
                connection.request("GET", path, headers={"Authorization": f"Bearer {key}"})
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, reset or not
            failures.append(f"{type(exc).__name__}: {exc}")
            barrier.abort()
        finally:
            connection.close()

    # When they connect and ask at once, three times,
    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    # then every request is answered 200, no connection is reset, and a fixed pool of threads served them.
    assert failures == []
    assert (len(statuses), set(statuses)) == (3 * CLIENTS, {200})
    workers = [t for t in threading.enumerate() if t.name.startswith("videogen-http-")]
    assert len(workers) == LocalApiServer.workers


def test_a_connection_past_max_waiting_is_answered_503_at_once(server: LocalApiServer) -> None:
    server.max_waiting = 0

    head, _ = _raw(server, f"GET /v1/health HTTP/1.1\r\nHost: {_host(server)}\r\n\r\n".encode())

    assert _status(head) == 503
    assert b"Retry-After: 1" in head


def test_closing_the_server_ends_idle_kept_alive_connections_and_stops_its_workers(cloud: LocalCloud) -> None:
    before = sum(t.name.startswith("videogen-http-") for t in threading.enumerate())
    server = LocalApiServer(LocalApiGateway(cloud, KeyStore()), "127.0.0.1", 0)
    server.keep_alive_seconds = 60
    server.start_background()
    connection = HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.request("GET", "/v1/health")
    response = connection.getresponse()
    assert (response.status, json.loads(response.read())["status"]) == (200, "ok")  # then it sits idle
    assert connection.sock is not None

    server.shutdown()
    server.server_close()

    assert connection.sock.recv(1) == b""  # closed by the server, not left waiting for 60 s
    connection.close()
    assert sum(t.name.startswith("videogen-http-") for t in threading.enumerate()) == before


# ------------------------------------------------------------------ presigned GET


def test_a_genuine_presigned_link_serves_its_object(server: LocalApiServer, objects: str) -> None:
    url = storage.presigned_get(objects, SECRET_KEY, 300, "text/plain; charset=utf-8")

    status, headers, body = _get(url)

    assert (status, body, headers["Content-Type"]) == (200, b"p1 only", "text/plain; charset=utf-8")


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda url: url.replace(SECRET_KEY, OTHER_KEY), "SignatureDoesNotMatch"),
        (lambda url: _replace_param(url, "X-Amz-Expires", "604800"), "SignatureDoesNotMatch"),
        (lambda url: _replace_param(url, "X-Amz-Date", "20991231T000000Z"), "SignatureDoesNotMatch"),
        (lambda url: _replace_param(url, "X-Amz-Signature", "0" * 64), "SignatureDoesNotMatch"),
        (lambda url: url + "&response-content-type=text%2Fhtml", "SignatureDoesNotMatch"),
        (
            lambda url: _replace_param(
                url, "X-Amz-Credential", "someone%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
            ),
            "InvalidAccessKeyId",
        ),
        (lambda url: url.split("?")[0], "AccessDenied"),
    ],
    ids=[
        "other-key",
        "longer-expiry",
        "future-date",
        "made-up-signature",
        "added-param",
        "other-access-key",
        "unsigned",
    ],
)
def test_a_tampered_presigned_link_is_403(
    server: LocalApiServer, objects: str, tamper: Any, code: str
) -> None:
    url = storage.presigned_get(objects, SECRET_KEY, 300)

    status, _, body = _get(tamper(url))

    assert status == 403
    assert f"<Code>{code}</Code>".encode() in body
    assert b"only" not in body


def test_a_link_signed_with_another_secret_or_for_another_host_is_403(
    server: LocalApiServer, objects: str
) -> None:
    url = storage.presigned_get(objects, SECRET_KEY, 300)
    credential = dict(query_pairs(urlsplit(url).query))["X-Amz-Credential"]
    forger = boto3.client(
        "s3",
        endpoint_url=url.split(f"/{objects}/")[0],
        aws_access_key_id=credential.split("/")[0],
        aws_secret_access_key="a guess",
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    forged = forger.generate_presigned_url("get_object", Params={"Bucket": objects, "Key": SECRET_KEY})

    status, _, body = _get(forged)

    assert (status, b"<Code>SignatureDoesNotMatch</Code>" in body) == (403, True)
    assert _get(url)[0] == 200
    assert _get(url, {"Host": "localhost:1"})[0] == 403


@pytest.mark.parametrize(
    ("signed_at", "message"),
    [(timedelta(hours=-1), b"Request has expired"), (timedelta(hours=1), b"Request is not valid yet")],
)
def test_a_link_outside_its_lifetime_is_403(
    server: LocalApiServer,
    objects: str,
    monkeypatch: pytest.MonkeyPatch,
    signed_at: timedelta,
    message: bytes,
) -> None:
    # Given a link genuinely signed an hour ago (or an hour ahead), valid for 5 minutes,
    monkeypatch.setattr(
        botocore.auth, "get_current_datetime", lambda: (datetime.now(UTC) + signed_at).replace(tzinfo=None)
    )
    url = storage.presigned_get(objects, SECRET_KEY, 300)
    monkeypatch.undo()

    status, _, body = _get(url)

    assert (status, b"<Code>AccessDenied</Code>" in body, message in body) == (403, True, True)


def test_a_link_signed_with_motos_well_known_key_is_refused(server: LocalApiServer, objects: str) -> None:
    forger = boto3.client(
        "s3",
        endpoint_url=f"http://{_host(server)}/_s3",
        aws_access_key_id="FOOBARKEY",
        aws_secret_access_key="FOOBARSECRET",
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    forged = forger.generate_presigned_url("get_object", Params={"Bucket": objects, "Key": SECRET_KEY})

    assert _get(forged)[0] == 403


def test_response_content_type_with_crlf_never_reaches_the_headers(
    server: LocalApiServer, objects: str
) -> None:
    # Even a link the API itself signed: a media type is the only thing that goes into Content-Type.
    url = storage.presigned_get(objects, SECRET_KEY, 300, "text/html\r\nX-Injected: yes")
    split = urlsplit(url)
    request = f"GET {split.path}?{split.query} HTTP/1.1\r\nHost: {split.netloc}\r\nConnection: close\r\n\r\n"

    head, body = _raw(server, request.encode())

    assert _status(head) == 400
    assert b"X-Injected" not in head
    assert b"<Code>InvalidArgument</Code>" in body


def test_a_header_with_crlf_from_a_function_is_dropped(
    server: LocalApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = {
        "statusCode": 200,
        "headers": {"X-Name": "a\r\nSet-Cookie: session=evil", "X-Ok": "yes"},
        "body": "",
    }
    monkeypatch.setattr(server.gateway, "handle", lambda *args: answer)

    head, _ = _raw(
        server, f"GET /v1/health HTTP/1.1\r\nHost: {_host(server)}\r\nConnection: close\r\n\r\n".encode()
    )

    assert _status(head) == 200
    assert b"X-Ok: yes" in head
    assert b"Set-Cookie" not in head
    assert b"X-Name" not in head


# ------------------------------------------------------------------ presigned POST


def _with_policy(fields: dict[str, str], edit: Any) -> dict[str, str]:
    policy = json.loads(base64.b64decode(fields["policy"]))
    edit(policy)
    return {**fields, "policy": base64.b64encode(json.dumps(policy).encode()).decode()}


def _pin_key(policy: dict[str, Any], key: str) -> None:
    policy["conditions"] = [
        {"key": key} if isinstance(c, dict) and "key" in c else c for c in policy["conditions"]
    ]


def _widen_size(policy: dict[str, Any]) -> None:
    policy["conditions"] = [
        ["content-length-range", 1, 10**9] if isinstance(c, list) and c[0] == "content-length-range" else c
        for c in policy["conditions"]
    ]


def _extend(policy: dict[str, Any]) -> None:
    policy["expiration"] = "2099-01-01T00:00:00Z"


def test_a_genuine_upload_form_stores_the_file(server: LocalApiServer, cloud: LocalCloud) -> None:
    _, offer = music_upload_offer(server, KeyStore().add("alice"))

    status = post_form(offer["url"], offer["fields"], "a.mp3", b"ID3 music", "audio/mpeg")

    assert status == 204
    stored = storage.read_object(cloud.buckets["MediaBucket"], offer["fields"]["key"])
    assert stored == (b"ID3 music", "audio/mpeg")


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda policy: _pin_key(policy, "inbox/bob/evil.md"), "inbox/bob/evil.md"),
        (_widen_size, None),
        (_extend, None),
    ],
    ids=["another-owners-inbox", "bigger-size-range", "later-expiry"],
)
def test_an_upload_form_whose_policy_the_client_edited_is_403(
    server: LocalApiServer, cloud: LocalCloud, edit: Any, key: str | None
) -> None:
    _, offer = music_upload_offer(server, KeyStore().add("alice"))
    fields = _with_policy(offer["fields"], edit)
    if key:
        fields["key"] = key

    status = post_form(offer["url"], fields, "evil.md", b"## x\nOwned.", "audio/mpeg")

    assert status == 403
    assert not storage.object_exists(cloud.buckets["MediaBucket"], fields["key"])


def test_an_upload_form_with_a_field_its_policy_does_not_name_is_403(
    server: LocalApiServer, cloud: LocalCloud
) -> None:
    _, offer = music_upload_offer(server, KeyStore().add("alice"))
    fields = {**offer["fields"], "x-amz-meta-owner": "bob"}
    unsigned = {name: value for name, value in offer["fields"].items() if name != "x-amz-signature"}

    assert post_form(offer["url"], fields, "a.mp3", b"ID3", "audio/mpeg") == 403
    assert post_form(offer["url"], unsigned, "a.mp3", b"ID3", "audio/mpeg") == 403
    assert not storage.object_exists(cloud.buckets["MediaBucket"], offer["fields"]["key"])


# ------------------------------------------------------------------ Content-Length


@pytest.mark.parametrize(
    ("lengths", "status"),
    [
        (["-1"], 400),
        (["abc"], 400),
        (["+5"], 400),
        (["1e3"], 400),
        (["5", "6"], 400),
        (["9" * 5000], 413),
        ([str(MAX_BODY_BYTES + 1)], 413),
    ],
    ids=["negative", "not-a-number", "signed", "exponent", "two-values", "thousands-of-digits", "over-10-mb"],
)
def test_a_bad_or_huge_content_length_is_refused_without_reading_the_body(
    server: LocalApiServer, lengths: list[str], status: int
) -> None:
    key = KeyStore().add("alice")
    declared = "".join(f"Content-Length: {length}\r\n" for length in lengths)
    # No body follows, and the socket stays open: a server that tried to read one would never answer.
    request = (
        f"POST /v1/projects HTTP/1.1\r\nHost: {_host(server)}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\n{declared}\r\n"
    ).encode()

    head, body = _raw(server, request)

    assert _status(head) == status
    assert json.loads(body)["error"]["code"] == ("PAYLOAD_TOO_LARGE" if status == 413 else "BAD_REQUEST")
    assert b"Connection: close" in head


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        ("Content-Length: 99999999999", 400, b"EntityTooLarge"),
        ("Content-Length: -1", 400, b"InvalidArgument"),
        ("Transfer-Encoding: chunked", 411, b"MissingContentLength"),
    ],
)
def test_an_upload_with_a_bad_length_is_refused_without_reading_it(
    server: LocalApiServer, objects: str, header: str, status: int, code: bytes
) -> None:
    request = f"POST /_s3/{objects} HTTP/1.1\r\nHost: {_host(server)}\r\n{header}\r\n\r\n".encode()

    head, body = _raw(server, request)

    assert (_status(head), code in body) == (status, True)


# ------------------------------------------------------------------ binding


def test_binding_beyond_loopback_prints_a_loud_warning(
    cloud: LocalCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    for host in ("127.0.0.1", "0.0.0.0"):  # noqa: S104 - the point of the test
        server = LocalApiServer(LocalApiGateway(cloud, KeyStore()), host, 0)
        server.server_close()
        warned = capsys.readouterr().err
        assert ("WARNING" in warned and "0.0.0.0" in warned and "beyond loopback" in warned) == (
            host == "0.0.0.0"  # noqa: S104
        )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
