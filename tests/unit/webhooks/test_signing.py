"""Signing deliveries: Stripe's scheme, byte for byte, and a verifier that refuses everything else."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from videogen.webhooks.signing import (
    EVENT_ID_HEADER,
    SECRET_PREFIX,
    SIGNATURE_HEADER,
    SIGNATURE_TOLERANCE_SECONDS,
    new_secret,
    sign,
    verify,
)

SECRET = "whsec_test_secret"
BODY = b'{"id":"evt_1","type":"render.completed"}'
SENT_AT = 1_700_000_000
#: Computed apart from the code under test:
#: printf '1700000000.{"id":"evt_1","type":"render.completed"}' | openssl dgst -sha256 -hmac whsec_test_secret
KNOWN_SIGNATURE = "6d3690f26f5fdfb6c2e143947433820ee5319d2da2e6be57c3b56fb3eccea9fa"


def test_sign_matches_a_known_vector() -> None:
    assert sign(SECRET, BODY, SENT_AT) == f"t={SENT_AT},v1={KNOWN_SIGNATURE}"


def test_header_names_and_tolerance() -> None:
    assert EVENT_ID_HEADER == "Videogen-Event-Id"
    assert SIGNATURE_HEADER == "Videogen-Signature"
    assert SIGNATURE_TOLERANCE_SECONDS == 300


def test_verify_accepts_its_own_signature() -> None:
    assert verify(SECRET, BODY, sign(SECRET, BODY, SENT_AT), now=SENT_AT + 5)


@pytest.mark.parametrize("offset", [-SIGNATURE_TOLERANCE_SECONDS, 0, SIGNATURE_TOLERANCE_SECONDS])
def test_verify_accepts_a_timestamp_within_the_tolerance(offset: int) -> None:
    assert verify(SECRET, BODY, sign(SECRET, BODY, SENT_AT), now=SENT_AT + offset)


def test_verify_rejects_a_tampered_body() -> None:
    header = sign(SECRET, BODY, SENT_AT)

    assert not verify(SECRET, BODY.replace(b"completed", b"failed"), header, now=SENT_AT)
    assert not verify(SECRET, BODY + b" ", header, now=SENT_AT)


def test_verify_rejects_a_wrong_secret() -> None:
    assert not verify("whsec_other", BODY, sign(SECRET, BODY, SENT_AT), now=SENT_AT)


def test_verify_rejects_a_stale_timestamp() -> None:
    header = sign(SECRET, BODY, SENT_AT)

    assert not verify(SECRET, BODY, header, now=SENT_AT + 301)


def test_verify_rejects_a_future_timestamp() -> None:
    header = sign(SECRET, BODY, SENT_AT)

    assert not verify(SECRET, BODY, header, now=SENT_AT - 301)


def test_verify_rejects_a_timestamp_changed_after_signing() -> None:
    # The timestamp is part of what is signed: moving it forward to pass the age check breaks the signature.
    replayed = sign(SECRET, BODY, SENT_AT).replace(f"t={SENT_AT}", f"t={SENT_AT + 3600}")

    assert not verify(SECRET, BODY, replayed, now=SENT_AT + 3600)


def test_verify_honours_a_custom_tolerance() -> None:
    header = sign(SECRET, BODY, SENT_AT)

    assert verify(SECRET, BODY, header, now=SENT_AT + 30, tolerance=60)
    assert not verify(SECRET, BODY, header, now=SENT_AT + 61, tolerance=60)


def test_verify_accepts_any_of_several_signatures() -> None:
    # While a secret is rotated, a delivery carries a signature by the old and by the new one.
    signature = sign(SECRET, BODY, SENT_AT).split(",")[1]
    header = f"t={SENT_AT},v1={'0' * 64},{signature},v0=ignored"

    assert verify(SECRET, BODY, header, now=SENT_AT)
    assert not verify(SECRET, BODY, f"t={SENT_AT},v1={'0' * 64},v1={'f' * 64}", now=SENT_AT)


def test_verify_ignores_spaces_around_entries() -> None:
    header = sign(SECRET, BODY, SENT_AT).replace(",", " , ")

    assert verify(SECRET, BODY, header, now=SENT_AT)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"v1={KNOWN_SIGNATURE}",  # no timestamp
        f"t={SENT_AT}",  # no signature
        f"t={SENT_AT},v0={KNOWN_SIGNATURE}",  # only another scheme's
        f"t=abc,v1={KNOWN_SIGNATURE}",
        f"t=-{SENT_AT},v1={KNOWN_SIGNATURE}",
        f"t={SENT_AT}.0,v1={KNOWN_SIGNATURE}",
        f"t=١٧٠٠٠٠٠٠٠٠,v1={KNOWN_SIGNATURE}",  # digits of another script, which int() would read
        f"t={SENT_AT},t={SENT_AT},v1={KNOWN_SIGNATURE}",  # two timestamps: which one was signed?
        f"t={SENT_AT};v1={KNOWN_SIGNATURE}",
        f"t={SENT_AT},v1",
        f"t={'9' * 5000},v1={KNOWN_SIGNATURE}",  # longer than any header videogen writes
        f"t={'9' * 13},v1={KNOWN_SIGNATURE}",  # not a clock's reading
        f"t={SENT_AT},v1={KNOWN_SIGNATURE}," + "v1=00," * 1000,
        f"t={SENT_AT},v1=é{KNOWN_SIGNATURE[1:]}",
    ],
)
def test_verify_rejects_a_malformed_header(header: str) -> None:
    assert not verify(SECRET, BODY, header, now=SENT_AT)


def test_verify_of_the_known_vector_done_by_hand_agrees() -> None:
    # What a receiver without videogen's code does (the README's example): the same steps, by hand.
    header = sign(SECRET, BODY, SENT_AT)
    fields = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(SECRET.encode(), fields["t"].encode() + b"." + BODY, hashlib.sha256).hexdigest()

    assert hmac.compare_digest(expected, fields["v1"])


def test_new_secrets_are_prefixed_random_and_carry_32_bytes() -> None:
    secrets = {new_secret() for _ in range(50)}

    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith(SECRET_PREFIX)
        encoded = secret.removeprefix(SECRET_PREFIX)
        assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        assert len(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) == 32
