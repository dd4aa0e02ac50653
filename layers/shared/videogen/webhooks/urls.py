"""Which URLs videogen delivers webhooks to, and which addresses it never connects to.

A webhook makes videogen's servers send a request to a URL a caller chose: without these rules anyone with
an API key could make them call the instance metadata service, the Lambda runtime API on loopback, or a
host inside a private network (server-side request forgery). Two checks, one set of rules:

- when a webhook is registered, :func:`check_url` refuses what can be known from the URL alone, with a
  reason the caller can act on;
- when a delivery is sent, the sender resolves the host once and refuses every address
  :func:`refused_reason` names (a name can point anywhere, and can change where it points after it was
  registered).

``allow_local`` lifts the address rules (and allows plain http): on a developer's machine the receiver is
usually on loopback.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import SplitResult, urlsplit

from videogen.domain.webhooks import MAX_WEBHOOK_URL_LENGTH
from videogen.exceptions import InvalidWebhookException

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
type _Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Longer URLs are refused: browsers' and proxies' practical limit, and plenty for a receiver's path.
MAX_URL_LENGTH: Final = MAX_WEBHOOK_URL_LENGTH
_DEFAULT_PORTS: Final = {"https": 443, "http": 80}
#: The cloud's own services on link-local and unique-local addresses, named in the reason because "link-local"
#: alone would not tell a reader why reaching them matters (credentials).
_METADATA_SERVICES: Final[dict[IPAddress, str]] = {
    ipaddress.ip_address("169.254.169.254"): "instance metadata service",
    ipaddress.ip_address("fd00:ec2::254"): "instance metadata service",
    ipaddress.ip_address("169.254.170.2"): "container credentials service",
    ipaddress.ip_address("169.254.170.23"): "container credentials service",
    ipaddress.ip_address("fd00:ec2::23"): "container credentials service",
}
#: Refused networks by the class a reason names, the more specific first. What ``is_global`` and
#: ``is_reserved`` also refuse is named "reserved" (see refused_reason): this table names, it does not
#: decide alone.
_REFUSED_NETWORKS: Final[tuple[tuple[_Network, str], ...]] = tuple(
    (ipaddress.ip_network(network), name)
    for network, name in (
        ("0.0.0.0/32", "unspecified"),
        ("0.0.0.0/8", "reserved"),  # "this network": connecting to it reaches the host itself on Linux
        ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"),
        ("192.168.0.0/16", "private"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("192.0.2.0/24", "documentation"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("198.18.0.0/15", "benchmarking"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("fc00::/7", "unique-local"),
        ("ff00::/8", "multicast"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
    )
)
#: NAT64's well-known prefix (RFC 6052): the IPv4 address it reaches is the last 32 bits.
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
#: A label that DNS names never end with but IPv4 parsers accept ("127.1", "0x7f.1", "2130706433").
_NUMERIC_LABEL: Final = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
_HOST_LABEL: Final = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def refused_reason(address: IPAddress) -> str | None:
    """Why videogen never connects to ``address`` (its class: "private", "loopback", "link-local, instance
    metadata service"...), or None when it is a public address.

    IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the address
    they carry, so ``::ffff:10.0.0.1`` is as private as ``10.0.0.1``.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_reason(address)
        if embedded is not None:
            return embedded or None
    address = _unscoped(address)
    if address in _METADATA_SERVICES:
        network_class = next(name for network, name in _REFUSED_NETWORKS if address in network)
        return f"{network_class}, {_METADATA_SERVICES[address]}"
    for network, name in _REFUSED_NETWORKS:
        if address in network:  # False across IP versions
            return name
    # The standard library's registry of special-purpose addresses (IANA's), for what the table does not
    # name: protocol assignments, discard-only, deprecated IPv4-compatible IPv6 and whatever is added later.
    if not address.is_global or address.is_reserved:
        return "reserved"
    return None


def _embedded_reason(address: ipaddress.IPv6Address) -> str | None:
    """The reason of an IPv6 address that carries an IPv4 one: "" when it is allowed, None when it carries
    none (then the address is judged as IPv6)."""
    if address.ipv4_mapped is not None:
        inner = refused_reason(address.ipv4_mapped)
        return f"IPv4-mapped {inner}" if inner else ""
    if address in _NAT64:
        inner = refused_reason(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return f"NAT64 of {inner}" if inner else ""
    # 6to4 and Teredo are deprecated tunnels no webhook receiver uses: refused whatever they carry, with
    # the carried address's class when it is a refused one (that is what the request was after).
    if address.sixtofour is not None:
        inner = refused_reason(address.sixtofour)
        return f"6to4 of {inner}" if inner else "6to4 tunnel"
    if address.teredo is not None:
        _server, client = address.teredo
        inner = refused_reason(client)
        return f"Teredo of {inner}" if inner else "Teredo tunnel"
    return None


def _unscoped(address: IPAddress) -> IPAddress:
    """``address`` without an IPv6 zone (``fe80::1%eth0``), which membership tests do not need."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id is not None:
        return ipaddress.IPv6Address(int(address))
    return address


def check_url(url: str, *, allow_local: bool) -> str:
    """The webhook URL ``url`` normalised (scheme and host lower-case, default port and trailing dot
    dropped, an empty path made ``/``), or why it cannot receive webhooks.

    Deployed (``allow_local`` False), only https is accepted, and a host that is an IP address of a refused
    class, or ``localhost``, is refused now; a host name is checked again at each delivery, against every
    address it resolves to then.

    Raises:
        InvalidWebhookException: the URL breaks a rule; the message says which and what to do,
            ``details["reason"]`` names the rule.
    """
    if len(url) > MAX_URL_LENGTH:
        raise _invalid(
            f"The URL is {len(url)} characters long; at most {MAX_URL_LENGTH} are accepted.", "length"
        )
    # urlsplit silently drops tabs and newlines, and strips spaces: what it would read is not what was sent.
    if any(ord(character) <= 0x20 or ord(character) == 0x7F for character in url):
        raise _invalid("The URL contains spaces or control characters; percent-encode them.", "characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _invalid(f"The URL cannot be read: {exc}.", "syntax") from exc
    schemes = ("https", "http") if allow_local else ("https",)
    if parts.scheme.lower() not in schemes:
        raise _invalid(
            f"The URL must start with {' or '.join(scheme + '://' for scheme in schemes)}"
            f"{'' if allow_local else ' (deliveries are only sent over TLS)'}.",
            "scheme",
        )
    if "@" in parts.netloc:
        raise _invalid(
            "The URL must not contain a user name or password (deliveries are signed: check the "
            "Videogen-Signature header instead).",
            "credentials",
        )
    if "#" in url:
        raise _invalid(
            "The URL must not contain a fragment (#...): it is never sent to the server.", "fragment"
        )
    if port == 0:
        raise _invalid("The URL's port must be between 1 and 65535.", "port")
    host = _host(parts, allow_local=allow_local)
    if not parts.path.isascii() or not parts.query.isascii():
        raise _invalid(
            "The URL's path and query must be ASCII; percent-encode other characters.", "characters"
        )
    scheme = parts.scheme.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}{parts.path or '/'}{'?' + parts.query if parts.query else ''}"


def _host(parts: SplitResult, *, allow_local: bool) -> str:
    """The URL's host, lower-case (IDNA-encoded when it is a name), or why it cannot be used."""
    raw = parts.hostname
    if not raw:
        raise _invalid("The URL has no host.", "host")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        pass
    else:
        reason = refused_reason(address)
        if reason is not None and not allow_local:
            raise _invalid(
                f"The URL's host {address} is not a public address ({reason}); webhooks are only delivered "
                "to public addresses.",
                "refused_address",
                address=str(address),
                address_class=reason,
            )
        return str(address)
    try:
        host = raw.rstrip(".").encode("idna").decode("ascii").lower() if raw.rstrip(".") else ""
    except UnicodeError as exc:
        raise _invalid(f"The URL's host {raw!r} is not a valid host name.", "host") from exc
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise _invalid(f"The URL's host {raw!r} is not a valid host name.", "host")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        raise _invalid(
            f"The URL's host {raw!r} is neither a host name nor an IP address written as four decimal "
            "numbers (a.b.c.d).",
            "host",
        )
    if not allow_local:
        if labels[-1] == "localhost":
            raise _invalid(
                f"The URL's host {raw!r} is this machine; webhooks are only delivered to public addresses.",
                "refused_address",
                address_class="loopback",
            )
        if len(labels) == 1:
            # One label is completed by the resolver's search domains: an internal name, not a public one.
            raise _invalid(
                f"The URL's host {raw!r} is not a fully qualified domain name (like hooks.example.com).",
                "host",
            )
    return host


def _invalid(message: str, reason: str, **details: str) -> InvalidWebhookException:
    # The URL itself is not repeated in details: it may hold credentials (the very thing refused).
    return InvalidWebhookException(message, {"field": "url", "reason": reason, **details})
