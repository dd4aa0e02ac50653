"""The sender's decisions before any byte is sent: which addresses it refuses, which one it connects to, and
how a failure reads. No network: names resolve through an injected resolver and connections are recorded
(tests/integration/webhooks has the real exchanges)."""

from __future__ import annotations

import dataclasses
import errno
import socket
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from videogen.webhooks import sender
from videogen.webhooks.sender import Attempt, post

HOST = "hooks.example.com"
URL = f"https://{HOST}/hook"


class FakeDns:
    """A resolver that answers from a table, and remembers what it was asked."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses
        self.asked: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> Sequence[tuple[Any, ...]]:
        self.asked.append((host, port))
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
            if ":" in address
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in self.addresses
        ]


class Connections:
    """socket.create_connection, recorded: every address asked for is refused (nothing listens)."""

    def __init__(self, failure: OSError | None = None) -> None:
        self.failure = failure or ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
        self.made: list[tuple[tuple[str, int], float]] = []

    def __call__(self, address: tuple[str, int], timeout: float) -> socket.socket:
        self.made.append((address, timeout))
        raise self.failure


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Connections:
    recorded = Connections()
    monkeypatch.setattr(socket, "create_connection", recorded)
    return recorded


def test_the_connection_goes_to_exactly_the_resolved_address(connections: Connections) -> None:
    dns = FakeDns("93.184.216.34")

    attempt = post(URL, b"{}", {}, allow_local=False, resolve=dns, timeout=5)

    assert dns.asked == [(HOST, 443)]  # resolved once, by the sender
    assert [address for address, _ in connections.made] == [("93.184.216.34", 443)]
    assert 0 < connections.made[0][1] <= 5  # the attempt's timeout bounds the connection
    assert (attempt.status, attempt.error) == (None, "connection refused")


def test_each_resolved_address_is_tried_in_turn_on_the_url_port(connections: Connections) -> None:
    dns = FakeDns("2606:4700::1111", "93.184.216.34", "2606:4700::1111")

    attempt = post(f"https://{HOST}:8443/hook", b"{}", {}, allow_local=False, resolve=dns)

    assert dns.asked == [(HOST, 8443)]
    assert [address for address, _ in connections.made] == [
        ("2606:4700::1111", 8443),
        ("93.184.216.34", 8443),
    ]
    assert attempt.error == "connection refused"


@pytest.mark.parametrize(
    "addresses",
    [("93.184.216.34", "10.0.0.5"), ("10.0.0.5", "93.184.216.34"), ("2606:4700::1111", "10.0.0.5")],
)
def test_a_host_with_any_private_address_is_refused_before_connecting(
    connections: Connections, addresses: tuple[str, ...]
) -> None:
    attempt = post(URL, b"{}", {}, allow_local=False, resolve=FakeDns(*addresses))

    assert connections.made == []
    assert attempt == Attempt(
        status=None, latency_ms=attempt.latency_ms, error="refused address 10.0.0.5 (private)"
    )
    assert not attempt.delivered


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "link-local, instance metadata service"),
        ("127.0.0.1", "loopback"),
        ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
        ("fd00:ec2::254", "unique-local, instance metadata service"),
        ("0.0.0.0", "unspecified"),
    ],
)
def test_a_name_resolving_to_a_refused_address_is_refused(
    connections: Connections, address: str, reason: str
) -> None:
    attempt = post(URL, b"{}", {}, allow_local=False, resolve=FakeDns(address))

    assert connections.made == []
    assert attempt.error == f"refused address {address} ({reason})"


def test_local_addresses_are_connected_to_when_local(connections: Connections) -> None:
    post("http://receiver:8000/hook", b"{}", {}, allow_local=True, resolve=FakeDns("10.0.0.5", "127.0.0.1"))

    assert [address for address, _ in connections.made] == [("10.0.0.5", 8000), ("127.0.0.1", 8000)]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://hooks.example.com/hook", "invalid URL (scheme)"),
        ("https://user:pw@hooks.example.com/hook", "invalid URL (credentials)"),
        ("https://127.0.0.1/hook", "refused address 127.0.0.1 (loopback)"),
        ("https://localhost/hook", "refused address localhost (loopback)"),
    ],
)
def test_a_url_the_rules_refuse_is_not_resolved(connections: Connections, url: str, error: str) -> None:
    dns = FakeDns("93.184.216.34")

    attempt = post(url, b"{}", {}, allow_local=False, resolve=dns)

    assert (dns.asked, connections.made) == ([], [])
    assert attempt.error == error


def test_an_ip_literal_host_is_connected_to_as_written(connections: Connections) -> None:
    dns = FakeDns("93.184.216.34")

    post("https://[2606:4700::1111]/hook", b"{}", {}, allow_local=False, resolve=dns)

    assert [address for address, _ in connections.made] == [("2606:4700::1111", 443)]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "host not found"),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"), "DNS lookup failed"),
        (OSError("resolver broke"), "DNS lookup failed"),
    ],
)
def test_a_failed_lookup_is_an_attempt_with_its_reason(
    connections: Connections, failure: Exception, error: str
) -> None:
    def failing(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        raise failure

    attempt = post(URL, b"{}", {}, allow_local=False, resolve=failing)

    assert (attempt.status, attempt.error, connections.made) == (None, error, [])


def test_a_resolved_entry_that_is_not_an_ip_address_is_skipped_or_refused(connections: Connections) -> None:
    def odd(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        return [
            (socket.AF_UNIX, socket.SOCK_STREAM, 0, "", "/run/socket"),
            *FakeDns("93.184.216.34")(host, port),
        ]

    def unreadable(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("not-an-address", port))]

    assert post(URL, b"{}", {}, allow_local=False, resolve=odd).error == "connection refused"
    assert [address for address, _ in connections.made] == [("93.184.216.34", 443)]
    assert post(URL, b"{}", {}, allow_local=False, resolve=unreadable).error == (
        "refused address not-an-address (unreadable)"
    )


def test_a_name_without_addresses_is_not_found(connections: Connections) -> None:
    assert post(URL, b"{}", {}, allow_local=False, resolve=FakeDns()).error == "host not found"


def test_a_lookup_that_does_not_answer_ends_at_the_timeout(connections: Connections) -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        release.wait(10)
        return FakeDns("93.184.216.34")(host, port)

    try:
        attempt = post(URL, b"{}", {}, allow_local=False, resolve=hanging, timeout=0.2)
    finally:
        release.set()

    assert (attempt.status, attempt.error, connections.made) == (None, "timeout", [])
    assert attempt.latency_ms >= 200


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (TimeoutError("timed out"), "timeout"),
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), "connection refused"),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), "network unreachable"),
        (OSError(errno.EHOSTUNREACH, "No route to host"), "host unreachable"),
        (OSError(errno.EACCES, "Permission denied"), "connection failed"),
    ],
)
def test_a_failed_connection_is_an_attempt_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, failure: OSError, error: str
) -> None:
    monkeypatch.setattr(socket, "create_connection", Connections(failure))

    attempt = post(URL, b"{}", {}, allow_local=False, resolve=FakeDns("93.184.216.34"))

    assert (attempt.status, attempt.error) == (None, error)
    assert attempt.latency_ms >= 0


def test_an_attempt_is_frozen() -> None:
    attempt = Attempt(status=200, latency_ms=12.5, error=None)

    assert attempt.delivered
    with pytest.raises(dataclasses.FrozenInstanceError):
        attempt.status = 500  # type: ignore[misc]


def test_the_sender_names_itself_and_sends_json() -> None:
    assert sender.USER_AGENT == "videogen-webhooks/1"
    assert sender.CONTENT_TYPE == "application/json"


def test_an_attempt_without_time_left_connects_nowhere(connections: Connections) -> None:
    attempt = post("https://93.184.216.34/hook", b"{}", {}, allow_local=False, timeout=0)

    assert (attempt.status, attempt.error, connections.made) == (None, "timeout", [])
