"""With a Sentry DSN, an unexpected exception the API answers with a 500 is reported to Sentry, and the
caller still sees no internals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from tests.support.api import ApiCaller
from videogen import errortracking


class CapturingTransport(Transport):
    """Keeps what Sentry would send instead of sending it."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict[str, Any]]:
        return [event for envelope in self.envelopes if (event := envelope.get_event()) is not None]


@pytest.fixture
def sentry() -> Iterator[CapturingTransport]:
    transport = CapturingTransport()
    assert errortracking.init("https://public@o0.ingest.example.invalid/1", "test", transport=transport)
    try:
        yield transport
    finally:
        errortracking.shutdown()


def test_unexpected_api_exception_is_reported_to_sentry(
    api: ApiCaller, sentry: CapturingTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    from videogen.logic import projects as logic

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("connection to 10.0.0.7 refused by db-internal")

    monkeypatch.setattr(logic, "list_projects", broken)

    result = api.get("/projects")

    assert result.status == 500
    assert result.error_code == "INTERNAL_ERROR"
    assert "10.0.0.7" not in str(result.body)
    reported = [
        value
        for event in sentry.events()
        for value in event.get("exception", {}).get("values", [])
        if value["type"] == "RuntimeError"
    ]
    assert reported
    assert reported[0]["value"] == "connection to 10.0.0.7 refused by db-internal"
    assert {event.get("environment") for event in sentry.events()} == {"test"}


def test_refusals_are_not_reported(api: ApiCaller, sentry: CapturingTransport) -> None:
    result = api.get(f"/projects/{'0' * 32}")

    assert result.status == 404
    assert sentry.events() == []
