"""One delivery attempt over real loopback sockets: what arrives, what a failure reads like, and that TLS
checks the certificate against the URL's name while the connection goes to the resolved address."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from tests.support.webhooks import Answer, Certificates, make_certificates, receiving, resolving_to
from videogen.webhooks.sender import MAX_RESPONSE_BYTES, USER_AGENT, post

BODY = b'{"id":"evt_1","type":"render.completed","created_at":"2026-12-06T09:00:00Z","data":{}}'
HEADERS = {"Videogen-Event-Id": "evt_1", "Videogen-Signature": "t=1,v1=00"}
#: A name that does not exist anywhere: only the injected resolver can make it reach the receiver.
NAME = "hooks.videogen.test"


def test_a_delivery_arrives_as_sent() -> None:
    with receiving() as receiver:
        attempt = post(receiver.url("/hook?source=videogen"), BODY, HEADERS, allow_local=True)

    assert (attempt.status, attempt.error, attempt.delivered) == (200, None, True)
    assert attempt.latency_ms > 0
    [received] = receiver.received
    assert (received.method, received.path, received.body) == ("POST", "/hook?source=videogen", BODY)
    assert received.headers["Videogen-Event-Id"] == "evt_1"
    assert received.headers["Videogen-Signature"] == "t=1,v1=00"
    assert received.headers["User-Agent"] == USER_AGENT
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["Content-Length"] == str(len(BODY))
    assert received.headers["Host"] == f"127.0.0.1:{receiver.port}"


def test_the_host_header_names_the_url_host_while_the_connection_goes_to_the_resolved_address() -> None:
    with receiving() as receiver:
        attempt = post(
            receiver.url(host=NAME), BODY, HEADERS, allow_local=True, resolve=resolving_to("127.0.0.1")
        )

    assert attempt.error is None
    assert receiver.received[0].headers["Host"] == f"{NAME}:{receiver.port}"


def test_the_sender_sets_its_own_user_agent_content_type_and_host() -> None:
    forged = {"user-agent": "curl", "Content-Type": "text/plain", "Host": "internal", **HEADERS}

    with receiving() as receiver:
        post(receiver.url(), BODY, forged, allow_local=True)

    headers = {name.lower(): value for name, value in receiver.received[0].headers.items()}
    assert headers["user-agent"] == USER_AGENT
    assert headers["content-type"] == "application/json"
    assert headers["host"] == f"127.0.0.1:{receiver.port}"


def test_a_server_error_is_a_failed_attempt_with_its_status() -> None:
    with receiving(Answer(status=500)) as receiver:
        attempt = post(receiver.url(), BODY, HEADERS, allow_local=True)

    assert (attempt.status, attempt.error, attempt.delivered) == (500, "HTTP 500", False)


def test_a_redirect_is_not_followed() -> None:
    with receiving(Answer(status=302, location="/elsewhere")) as receiver:
        attempt = post(receiver.url(), BODY, HEADERS, allow_local=True)

    assert (attempt.status, attempt.error) == (302, "redirect not followed (302)")
    assert [received.path for received in receiver.received] == ["/hook"]


def test_a_receiver_slower_than_the_timeout_is_a_timeout() -> None:
    with receiving(Answer(delay=5)) as receiver:
        attempt = post(receiver.url(), BODY, HEADERS, allow_local=True, timeout=0.5)

    assert (attempt.status, attempt.error) == (None, "timeout")
    assert 500 <= attempt.latency_ms < 1500
    assert len(receiver.received) == 1  # it arrived; the answer did not


@pytest.fixture
def dripping() -> Iterator[int]:
    """A port where a server answers one byte every 0.1 s (for 10 s): each read is quick, their sum is not."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"x" * 70:
                if stop.wait(0.1):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        thread.join(5)


def test_a_receiver_answering_a_byte_at_a_time_is_cut_at_the_timeout(dripping: int) -> None:
    attempt = post(f"http://127.0.0.1:{dripping}/hook", BODY, HEADERS, allow_local=True, timeout=0.5)

    assert (attempt.status, attempt.error) == (None, "timeout")
    assert 500 <= attempt.latency_ms < 1500


def test_an_endless_response_body_is_not_read_to_its_end() -> None:
    # At most MAX_RESPONSE_BYTES are read: the attempt ends with the status long before its timeout.
    with receiving(Answer(endless=True)) as receiver:
        attempt = post(receiver.url(), BODY, HEADERS, allow_local=True, timeout=30)

    assert (attempt.status, attempt.error) == (200, None)
    assert attempt.latency_ms < 15_000
    assert MAX_RESPONSE_BYTES == 64 * 1024


def test_a_port_where_nothing_listens_is_connection_refused() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]

    attempt = post(f"http://127.0.0.1:{port}/hook", BODY, HEADERS, allow_local=True)

    assert (attempt.status, attempt.error) == (None, "connection refused")


def test_a_server_that_closes_without_answering_is_a_failed_attempt() -> None:
    listener = socket.create_server(("127.0.0.1", 0))

    def hang_up() -> None:
        connection, _ = listener.accept()
        request = b""
        while not request.endswith(BODY):  # all of it: closing on unread data would reset instead
            request += connection.recv(65536)
        connection.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    with listener:
        attempt = post(f"http://127.0.0.1:{listener.getsockname()[1]}/h", BODY, HEADERS, allow_local=True)
    thread.join(5)

    assert (attempt.status, attempt.error) == (None, "connection closed without a response")


@pytest.fixture
def answering_garbage() -> Iterator[int]:
    """A port where a server reads a request and answers with something that is not HTTP."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n" * 3)
                connection.shutdown(socket.SHUT_WR)
                connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(5)


def test_an_answer_that_is_not_http_is_an_invalid_response(answering_garbage: int) -> None:
    attempt = post(f"http://127.0.0.1:{answering_garbage}/hook", BODY, HEADERS, allow_local=True, timeout=3)

    assert (attempt.status, attempt.error) == (None, "invalid HTTP response")


def test_an_answer_that_is_not_tls_is_a_tls_error(answering_garbage: int) -> None:
    attempt = post(f"https://127.0.0.1:{answering_garbage}/hook", BODY, HEADERS, allow_local=True, timeout=3)

    assert (attempt.status, attempt.error) == (None, "TLS error")


@pytest.mark.parametrize("url_host", ["127.0.0.1", NAME])
def test_loopback_is_refused_when_deployed_before_any_connection(url_host: str) -> None:
    with receiving() as receiver:
        attempt = post(
            receiver.url(host=url_host, scheme="https"),
            BODY,
            HEADERS,
            allow_local=False,
            resolve=resolving_to("127.0.0.1"),
        )

    assert (attempt.status, attempt.error) == (None, "refused address 127.0.0.1 (loopback)")
    assert receiver.received == []


# ------------------------------------------------------------------------------------------------- TLS


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    pytest.importorskip("cryptography", reason="the TLS tests make their certificates with `cryptography`")
    return make_certificates(tmp_path, [NAME])


def test_tls_sends_the_name_and_verifies_the_certificate_against_it(certificates: Certificates) -> None:
    with receiving(tls=certificates.server_context()) as receiver:
        attempt = post(
            receiver.url(host=NAME, scheme="https"),
            BODY,
            HEADERS,
            allow_local=True,
            resolve=resolving_to("127.0.0.1"),
            ssl_context=certificates.client_context(),
        )

    assert (attempt.status, attempt.error) == (200, None)
    assert receiver.server_names == [NAME]  # SNI: the URL's name, not the address connected to
    [received] = receiver.received
    assert (received.body, received.headers["Host"]) == (BODY, f"{NAME}:{receiver.port}")


def test_tls_refuses_a_certificate_for_another_name(certificates: Certificates) -> None:
    with receiving(tls=certificates.server_context()) as receiver:
        attempt = post(
            receiver.url(host="other.videogen.test", scheme="https"),
            BODY,
            HEADERS,
            allow_local=True,
            resolve=resolving_to("127.0.0.1"),
            ssl_context=certificates.client_context(),
        )

    assert (attempt.status, attempt.error) == (None, "TLS certificate rejected")
    assert receiver.received == []


def test_tls_refuses_a_certificate_from_an_unknown_authority(certificates: Certificates) -> None:
    with receiving(tls=certificates.server_context()) as receiver:
        attempt = post(
            receiver.url(host=NAME, scheme="https"),
            BODY,
            HEADERS,
            allow_local=True,
            resolve=resolving_to("127.0.0.1"),
        )

    assert (attempt.status, attempt.error) == (None, "TLS certificate rejected")
    assert receiver.received == []


def test_plain_http_to_a_tls_port_is_a_failed_attempt(certificates: Certificates) -> None:
    with receiving(tls=certificates.server_context()) as receiver:
        attempt = post(receiver.url(), BODY, HEADERS, allow_local=True, timeout=3)

    assert attempt.status is None
    assert attempt.error in {
        "connection closed without a response",
        "connection reset",
        "invalid HTTP response",
    }


def test_a_header_http_cannot_carry_is_the_callers_error_not_an_attempt() -> None:
    with receiving() as receiver, pytest.raises(ValueError):
        post(receiver.url(), BODY, {"Videogen-Event-Id": "evt_1\r\nX-Injected: 1"}, allow_local=True)

    assert receiver.received == []
