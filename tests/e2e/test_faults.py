"""Fault injection: an image provider that fails and throttles, and one that is down for good.

Renders run through the real state machine (infra/statemachine/render.asl.json) on the local cloud; the
faults come from LocalImageProvider.generate, where a real provider's errors surface. GenerateImage's
Retry (throttling: 2 s, backoff 2, full jitter, at most 30 s, 6 retries; a provider that is unavailable:
2 s, backoff 2, at most 10 s, 3 retries, since each attempt may hang for the provider's timeout) is what
the first test relies on and what the second exhausts.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.images import inject_faults
from tests.support.retries import record_retry_waits
from videogen.exceptions import ProviderUnavailableException, RateLimitException
from videogen.providers.local import LocalImageProvider

SCRIPT = """## Dawn
The harbour wakes.
Duration: 1s

## Boats
Boats leave one by one.
Duration: 1s
"""
SETTINGS = {"resolution": "480p", "fps": 24, "aspect_ratio": "16:9", "voice": "none"}
# Ten calls in a row: three fail as a provider 5xx would, one is throttled; the first two calls fail, so
# both kinds happen in every render.
FAULTS = ["unavailable", "throttled", None, "unavailable", None, None, "unavailable", None, None, None]
# GenerateImage's Retry in the ASL for ProviderUnavailableException: 3 retries, each waiting at most
# min(2 s * 2^n, 10 s).
RETRY_CAPS = [2, 4, 8]


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the state machine's Retry asks for, recorded; each is slept for a 50th of its length.

    The retry policy under test is the ASL's: how many retries and how long each may wait. Sleeping the
    full waits (about 30 s on average for a provider that stays down, up to 61 s) would prove nothing more.
    """
    return record_retry_waits(monkeypatch)


@pytest.mark.slow
def test_provider_failing_30_percent_and_throttling_10_percent_still_completes(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fault(call: int) -> Exception | None:
        kind = FAULTS[call % len(FAULTS)]
        if kind == "unavailable":
            return ProviderUnavailableException("The image provider answered 503.")
        if kind == "throttled":
            return RateLimitException("The image provider is throttling requests.", retry_after=1)
        return None

    met = inject_faults(monkeypatch, fault)
    created = api.post("/projects", {"title": "Flaky", "script": SCRIPT, "settings": SETTINGS}).body

    assert api.post(f"/projects/{created['id']}/renders").status == 202
    project = wait_for_render(api, created["id"], timeout=60, poll=0.1)

    assert project["status"] == "COMPLETED", project["error"]
    assert (project["error"], project["progress"]) == (None, None)
    # Both scenes were drawn in the end, after both kinds of fault were retried: calls 0 to 4 of FAULTS.
    injected = Counter(FAULTS[call % len(FAULTS)] or "ok" for call in range(len(met)))
    assert injected == {"unavailable": 2, "throttled": 1, "ok": 2}
    assets = {asset["id"] for asset in api.get(f"/projects/{created['id']}/assets").body["items"]}
    assert {"video", "scene-0001-image", "scene-0002-image"} <= assets


@pytest.mark.slow
def test_provider_down_fails_the_render_with_the_reason_after_every_retry(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch, retry_waits: list[float]
) -> None:
    original = LocalImageProvider.generate
    attempts = inject_faults(
        monkeypatch, lambda _: ProviderUnavailableException("The image provider is unavailable (HTTP 503).")
    )
    script = "## Dawn\nThe harbour wakes.\nDuration: 1s\n"
    created = api.post("/projects", {"title": "Down", "script": script, "settings": SETTINGS}).body

    assert api.post(f"/projects/{created['id']}/renders").status == 202
    project = wait_for_render(api, created["id"], timeout=60, poll=0.1)

    assert project["status"] == "FAILED"
    assert project["error"] == {
        "code": "PROVIDER_UNAVAILABLE",
        "message": "The image provider is unavailable (HTTP 503).",
    }
    assert project["progress"] is None
    # The first call and six retries, each after a wait within the ASL's capped, jittered backoff.
    assert len(attempts) == 1 + len(RETRY_CAPS)
    assert len(retry_waits) == len(RETRY_CAPS)
    assert all(0 <= wait <= cap for wait, cap in zip(retry_waits, RETRY_CAPS, strict=True)), retry_waits
    # Nothing is left queued or rendering, and the owner can render again once the provider is back.
    for status in ("QUEUED", "RENDERING"):
        assert api.get("/projects", query={"status": status}).body["items"] == []
    assert [p["id"] for p in api.get("/projects", query={"status": "FAILED"}).body["items"]] == [
        created["id"]
    ]
    monkeypatch.setattr(LocalImageProvider, "generate", original)
    assert api.post(f"/projects/{created['id']}/renders").status == 202
    assert wait_for_render(api, created["id"], timeout=60, poll=0.1)["status"] == "COMPLETED"
