"""Webhook unit tests never reach a network: a connection or a DNS lookup made through the socket module
fails the test, so a test that forgot to inject its resolver or its connection cannot pass by luck."""

from __future__ import annotations

import socket
from typing import Any

import pytest


class NetworkUsed(AssertionError):
    """A unit test tried to connect or resolve for real."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkUsed(f"a unit test reached for the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
