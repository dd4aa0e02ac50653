"""How a webhook delivery proves it comes from videogen: an HMAC-SHA256 signature over the timestamp and the
body, in Stripe's header format, so receivers can reuse what they know (and libraries they have).

``Videogen-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of b"<t>." + body, keyed by the secret>``

The timestamp is signed with the body, so a captured delivery cannot be replayed later than the tolerance;
a receiver that also remembers ``Videogen-Event-Id`` sees each event once. :func:`verify` is the reference
receivers' code is compared with (the README's example does the same steps).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final

#: The event's stable id: the same on every retry of a delivery, so a receiver can drop repeats.
EVENT_ID_HEADER: Final = "Videogen-Event-Id"
#: The signature header (Stripe's ``t=...,v1=...`` format).
SIGNATURE_HEADER: Final = "Videogen-Signature"
#: How far a signature's timestamp may be from the receiver's clock, either way: long enough for clock skew
#: and a slow network, short enough that a captured delivery is soon worthless.
SIGNATURE_TOLERANCE_SECONDS: Final = 300
#: Marks a string as a webhook signing secret (in logs, in a leaked-credential scan).
SECRET_PREFIX: Final = "whsec_"
_SECRET_BYTES: Final = 32
_SCHEME: Final = "v1"
#: A header longer than this is not one videogen wrote (a timestamp and a few signatures during a secret
#: rotation); refusing it early bounds the work an attacker can ask of a receiver.
_MAX_HEADER_CHARS: Final = 4096


def new_secret() -> str:
    """A new signing secret: ``whsec_`` and 32 random bytes, URL-safe base64 (256 bits, as HMAC-SHA256
    can use)."""
    return SECRET_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(_SECRET_BYTES)).decode().rstrip("=")


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``Videogen-Signature`` header value of ``body`` sent at ``timestamp`` (unix seconds).

    The whole secret, prefix included, is the HMAC key (as Stripe's ``whsec_`` secrets are): receivers use
    the string they were shown, without having to know to strip anything.
    """
    return f"t={timestamp},{_SCHEME}={_digest(secret, body, timestamp)}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    now: float,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """Whether ``header`` is a valid signature of ``body`` by ``secret``, made within ``tolerance`` seconds
    of ``now`` (unix seconds).

    Several ``v1=`` entries are accepted (one matching is enough): while a secret is rotated a delivery
    carries a signature by each. Entries of other schemes are ignored, so a later scheme can be added
    beside v1 without breaking receivers. A malformed header is simply not valid: False, never an error.
    """
    parsed = _parse(header)
    if parsed is None:
        return False
    timestamp, candidates = parsed
    if abs(now - timestamp) > tolerance:
        return False
    expected = _digest(secret, body, timestamp).encode()
    # Every candidate is compared, in constant time each, so the time taken says nothing about which one
    # (or how much of one) matched.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected, candidate.encode())
    return matched


def _digest(secret: str, body: bytes, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _parse(header: str) -> tuple[int, list[str]] | None:
    """The timestamp and the v1 signatures of a header, or None when it is not one."""
    if len(header) > _MAX_HEADER_CHARS:
        return None
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in header.split(","):
        key, separator, value = item.strip().partition("=")
        if not separator:
            return None
        if key == "t":
            timestamps.append(value)
        elif key == _SCHEME:
            signatures.append(value)
    # isascii: str.isdigit also accepts other scripts' digits ("٣"), which int() would read.
    if len(timestamps) != 1 or not (timestamps[0].isascii() and timestamps[0].isdigit()) or not signatures:
        return None
    if len(timestamps[0]) > 12:  # past the year 33000: not a clock's reading
        return None
    return int(timestamps[0]), signatures
