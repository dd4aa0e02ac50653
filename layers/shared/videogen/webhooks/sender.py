"""One webhook delivery attempt: a single HTTP POST to a URL a caller chose, made so that it cannot be
turned against videogen's own network.

- The host is resolved once, and every address it resolves to is checked (urls.refused_reason) before any
  connection: a name with one public and one private address is refused, not tried until the public one
  answers.
- The connection goes to exactly the checked address. http.client would look the name up again when it
  connects, and a name whose records change between the two lookups (DNS rebinding) would slip past the
  check; so the socket is made here and handed to it, and the name is only used where it belongs: the Host
  header, TLS's server name (SNI) and the certificate check.
- Redirects are never followed: a 3xx would lead to a URL that was never checked.
- The whole attempt, from the lookup to the response, is bounded by one timeout, and at most 64 KB of the
  response is read: a slow or endless receiver holds a delivery function for seconds, not minutes.
- Network failures are results, not exceptions: each is an :class:`Attempt` with a short, stable reason
  that the delivery log can show to the webhook's owner.
"""

from __future__ import annotations

import errno
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

from videogen.exceptions import InvalidWebhookException
from videogen.webhooks.urls import IPAddress, check_url, refused_reason

USER_AGENT: Final = "videogen-webhooks/1"
CONTENT_TYPE: Final = "application/json"
DEFAULT_TIMEOUT_SECONDS: Final = 10.0
#: The most of a response that is read (and discarded): a receiver's answer is its status; reading on
#: would let it keep the attempt busy.
MAX_RESPONSE_BYTES: Final = 64 * 1024
_DEFAULT_PORTS: Final = {"https": 443, "http": 80}
#: Headers the sender sets itself; a caller's are dropped (the body is always JSON, Host is the URL's).
_OWN_HEADERS: Final = frozenset({"user-agent", "content-type", "host", "content-length"})
#: getaddrinfo's answers for "no such name" (EAI_NODATA: the name exists without addresses; not everywhere).
_NOT_FOUND: Final = frozenset(
    code for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if code is not None
)

#: socket.getaddrinfo's shape, as far as the sender uses it: (host, port) → (family, type, proto, canonname,
#: sockaddr) entries. Injectable, so that tests can say what a name resolves to.
type Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one delivery attempt came to."""

    #: The receiver's HTTP status; None when no response arrived.
    status: int | None
    #: From the start of the attempt (the DNS lookup) to its end.
    latency_ms: float
    #: None when delivered (a 2xx); else a short, stable reason: "timeout", "connection refused",
    #: "refused address 10.0.0.5 (private)", "TLS error", "redirect not followed (302)", "HTTP 500"...
    error: str | None

    @property
    def delivered(self) -> bool:
        """Whether the receiver accepted the delivery (answered 2xx)."""
        return self.error is None


class _Failed(Exception):
    """The attempt ended early, for ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    allow_local: bool,
    resolve: Resolver = socket.getaddrinfo,
    ssl_context: ssl.SSLContext | None = None,
) -> Attempt:
    """POST ``body`` to ``url`` once, as one webhook delivery attempt; never raises for network failures.

    Args:
        headers: the delivery's own headers (event id, signature); ``User-Agent``, ``Content-Type``,
            ``Host`` and ``Content-Length`` are the sender's and replace any given.
        timeout: seconds for the whole attempt: lookup, connection, TLS, request and response.
        allow_local: a developer's machine: plain http and every address (loopback, private) allowed.
        resolve: looks the host up (socket.getaddrinfo; tests inject their own).
        ssl_context: the TLS settings (certificate authorities); the system's defaults when None.

    Raises:
        ValueError: a header name or value HTTP cannot carry (a line break, a non-Latin-1 character): the
            caller's bug, not the receiver's failure.
    """
    started = time.monotonic()
    try:
        status = _post(
            url,
            body,
            headers,
            deadline=started + timeout,
            allow_local=allow_local,
            resolve=resolve,
            ssl_context=ssl_context,
        )
    except _Failed as failed:
        return Attempt(status=None, latency_ms=_elapsed_ms(started), error=failed.reason)
    return Attempt(status=status, latency_ms=_elapsed_ms(started), error=_status_error(status))


def _post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    deadline: float,
    allow_local: bool,
    resolve: Resolver,
    ssl_context: ssl.SSLContext | None,
) -> int:
    """The receiver's status, or _Failed with the reason there is none."""
    # The URL was checked when the webhook was registered; checking again here keeps the rules in force for
    # webhooks stored before a rule was added, and gives the parts below a well-formed URL.
    try:
        parts = urlsplit(check_url(url, allow_local=allow_local))
    except InvalidWebhookException as exc:
        if exc.details.get("reason") == "refused_address":
            where = exc.details.get("address") or urlsplit(url).hostname
            raise _Failed(f"refused address {where} ({exc.details['address_class']})") from exc
        raise _Failed(f"invalid URL ({exc.details.get('reason')})") from exc
    host = parts.hostname or ""  # check_url refused URLs without one
    port = parts.port or _DEFAULT_PORTS[parts.scheme]
    addresses = _resolve(resolve, host, port, deadline)
    if not allow_local:
        for address in addresses:
            reason = refused_reason(address)
            if reason is not None:
                raise _Failed(f"refused address {address} ({reason})")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = {name: value for name, value in headers.items() if name.lower() not in _OWN_HEADERS}
    sent |= {"User-Agent": USER_AGENT, "Content-Type": CONTENT_TYPE}

    raw = _connect(addresses, port, deadline)
    connection: _Connected | None = None
    try:
        with _Watchdog(raw, _remaining(deadline)) as watchdog:
            try:
                stream: socket.socket = raw
                if parts.scheme == "https":
                    raw.settimeout(_remaining(deadline))
                    context = _default_context() if ssl_context is None else ssl_context
                    stream = context.wrap_socket(raw, server_hostname=host)
                connection = _Connected(host, port, stream, default_port=_DEFAULT_PORTS[parts.scheme])
                stream.settimeout(_remaining(deadline))
                connection.request("POST", target, body=body, headers=sent)
                stream.settimeout(_remaining(deadline))
                response = connection.getresponse()
                # The status is the answer; a body that fails to arrive after it changes nothing.
                with suppress(OSError, http.client.HTTPException, _Failed):
                    stream.settimeout(_remaining(deadline))
                    response.read(MAX_RESPONSE_BYTES)
                return response.status
            except (OSError, http.client.HTTPException) as exc:
                raise _Failed("timeout" if watchdog.fired else _network_reason(exc)) from exc
    finally:
        if connection is not None:
            connection.close()
        raw.close()


def _resolve(resolve: Resolver, host: str, port: int, deadline: float) -> list[IPAddress]:
    """The addresses ``host`` resolves to, in the resolver's order, each once.

    The lookup runs on a thread of its own because getaddrinfo has no timeout: past the deadline the attempt
    ends and the lookup is left to finish on its own (its result unused). A host that is an IP address is
    not looked up: it is the one address.
    """
    with suppress(ValueError):
        return [ipaddress.ip_address(host)]
    found: list[tuple[Any, ...]] = []
    failed: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(resolve(host, port))
        except Exception as exc:  # reported to the attempt, on its thread
            failed.append(exc)

    thread = threading.Thread(target=lookup, name="webhook-dns", daemon=True)
    thread.start()
    thread.join(_remaining(deadline))
    if thread.is_alive():
        raise _Failed("timeout")
    if failed:
        if isinstance(failed[0], socket.gaierror) and failed[0].errno in _NOT_FOUND:
            raise _Failed("host not found")
        raise _Failed("DNS lookup failed")
    addresses: list[IPAddress] = []
    for family, *_, sockaddr in found:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            address = ipaddress.ip_address(sockaddr[0])
        except ValueError as exc:
            raise _Failed(f"refused address {sockaddr[0]} (unreadable)") from exc
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise _Failed("host not found")
    return addresses


def _connect(addresses: list[IPAddress], port: int, deadline: float) -> socket.socket:
    """A TCP connection to the first of ``addresses`` that accepts one (each already checked)."""
    failure: OSError | None = None
    for address in addresses:
        try:
            # An IP address, not the name: getaddrinfo reads it as a number and asks no DNS server.
            return socket.create_connection((str(address), port), timeout=_remaining(deadline))
        except OSError as exc:
            failure = exc
    raise _Failed(_network_reason(failure) if failure is not None else "connection failed")


class _Connected(http.client.HTTPConnection):
    """HTTP/1.1 over a socket that is already connected (and, for https, wrapped in TLS).

    ``connect`` hands over that socket instead of resolving ``host`` again; ``host`` still names the Host
    header. ``default_port`` is the scheme's, so the header carries a port only when the URL did.
    """

    def __init__(self, host: str, port: int, sock: socket.socket, *, default_port: int) -> None:
        super().__init__(host, port)
        self.default_port = default_port
        self._connected = sock

    def connect(self) -> None:
        self.sock = self._connected


class _Watchdog:
    """Shuts the connection down at the deadline, whatever is blocked on it.

    A socket timeout bounds each read, not their sum: a receiver sending one byte every few seconds would
    hold the attempt open for as long as it liked. Shutting down a duplicate of the socket (same connection,
    own descriptor, closed only here) ends any blocked read or write at once, TLS or not.
    """

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self._handle = sock.dup()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self.fired = False

    def _cut(self) -> None:
        self.fired = True
        with suppress(OSError):
            self._handle.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._timer.cancel()
        self._timer.join()
        self._handle.close()


@cache
def _default_context() -> ssl.SSLContext:
    """The system's certificate authorities, host name checking on: made once per container (loading the
    authorities takes milliseconds)."""
    return ssl.create_default_context()


def _remaining(deadline: float) -> float:
    """Seconds left before ``deadline``; _Failed("timeout") when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Failed("timeout")
    return left


def _network_reason(exc: BaseException) -> str:
    """The short reason of a failed connection or exchange (the more specific classes first)."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS certificate rejected"
    if isinstance(exc, ssl.SSLError):
        return "TLS error"
    if isinstance(exc, http.client.RemoteDisconnected):  # also a ConnectionResetError
        return "connection closed without a response"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "connection reset"
    if isinstance(exc, http.client.HTTPException):
        return "invalid HTTP response"
    if isinstance(exc, OSError) and exc.errno == errno.ENETUNREACH:
        return "network unreachable"
    if isinstance(exc, OSError) and exc.errno == errno.EHOSTUNREACH:
        return "host unreachable"
    return "connection failed"


def _status_error(status: int) -> str | None:
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return f"redirect not followed ({status})"
    return f"HTTP {status}"


def _elapsed_ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
