"""A webhook receiver on loopback that records what arrives and answers as told, and a certificate
authority made at test time for its TLS: what the webhook tests share."""

from __future__ import annotations

import datetime
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request as the receiver read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = 0.0  # time.time() when it arrived
    answered: int = 0  # the status it was answered with


@dataclass
class Answer:
    """How the receiver answers: ``status`` (with ``location`` for a redirect) after ``delay`` seconds;
    ``endless`` streams a body that never ends."""

    status: int = 200
    delay: float = 0.0
    location: str | None = None
    endless: bool = False


@dataclass
class Receiver:
    """A running receiver: its port, what it received and, over TLS, the server names clients asked for."""

    port: int
    answer: Answer
    received: list[Received] = field(default_factory=list)
    #: Statuses to answer the next requests with, in order, before ``answer`` takes over.
    statuses: list[int] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def accepted(self) -> list[Received]:
        """The requests answered 2xx."""
        return [item for item in list(self.received) if 200 <= item.answered < 300]

    def of_type(self, event_type: str) -> list[Received]:
        """The deliveries of one event type."""
        return [item for item in list(self.received) if f'"type":"{event_type}"'.encode() in item.body]


def resolving_to(address: str) -> Any:
    """A resolver (socket.getaddrinfo's shape) that resolves every name to ``address``."""

    def resolve(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


@contextmanager
def receiving(
    answer: Answer | None = None, tls: ssl.SSLContext | None = None, statuses: Sequence[int] = ()
) -> Iterator[Receiver]:
    """A receiver on a free port of 127.0.0.1 until the block ends; over TLS with ``tls`` (a server
    context). The first requests are answered with ``statuses``, in order, the rest as ``answer`` says."""
    receiver = Receiver(port=0, answer=answer or Answer(), statuses=list(statuses))
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            told = receiver.answer
            with lock:
                status = receiver.statuses.pop(0) if receiver.statuses else told.status
                receiver.received.append(
                    Received("POST", self.path, dict(self.headers.items()), body, time.time(), status)
                )
            if told.delay and receiver.stopping.wait(told.delay):
                return
            self.send_response(status)
            if told.location:
                self.send_header("Location", told.location)
            if told.endless:
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    while not receiver.stopping.is_set():
                        self.wfile.write(b"x" * 65536)
                except OSError:
                    pass  # the sender stopped reading, as it should
                return
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        tls.sni_callback = lambda _socket, name, _context: receiver.server_names.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    # A short poll: shutdown() waits for it, once per test.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="webhook-receiver", daemon=True
    )
    thread.start()
    try:
        yield receiver
    finally:
        receiver.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass(frozen=True)
class Certificates:
    """A test certificate authority and a server certificate it signed."""

    authority_pem: str
    certificate: Path
    key: Path

    def client_context(self) -> ssl.SSLContext:
        """The system's TLS defaults (verification, host names), trusting this authority only."""
        return ssl.create_default_context(cadata=self.authority_pem)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certificate, self.key)
        return context


def make_certificates(directory: Path, names: Sequence[str]) -> Certificates:
    """An authority and a server certificate for ``names`` signed by it, made now (the ``cryptography``
    package: the caller skips without it). Proper extensions throughout: Python 3.13's default context
    verifies strictly (VERIFY_X509_STRICT)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    authority_key = ec.generate_private_key(ec.SECP256R1())
    authority_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "videogen test authority")])
    authority = (
        x509.CertificateBuilder()
        .subject_name(authority_name)
        .issuer_name(authority_name)
        .public_key(authority_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key()), critical=False)
        .sign(authority_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(authority_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()), critical=False
        )
        .sign(authority_key, hashes.SHA256())
    )
    certificate = directory / "server.pem"
    key = directory / "server.key"
    certificate.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return Certificates(authority.public_bytes(serialization.Encoding.PEM).decode(), certificate, key)
