"""Whole renders on the local cloud whose first image provider is down: fake Stability (answering 503)
before Bedrock (a real bedrock-runtime client answered by botocore's Stubber). Through the API, the real
state machine (its Retry: GenerateImage retries ProviderUnavailableException 3 times, each rerunning the
whole provider chain) and every step's handler."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from tests.support.api import ApiCaller, wait_for_render
from tests.support.retries import record_retry_waits
from tests.support.stability_fake import KEY, FakeStability, error_reply, serving_stability
from tests.support.stubs import aws_client, client_error
from videogen.pipeline import images
from videogen.providers import bedrock
from videogen.providers.registry import ProviderConfig

BEDROCK_SUCCESS = Path(__file__).resolve().parents[1] / "events" / "bedrock" / "stability_success.json"
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Boats\nBoats leave one by one.\nDuration: 1s\n"
SETTINGS = {
    "resolution": "480p",
    "fps": 24,
    "voice": "none",
    "image_providers": ["stability", "bedrock"],
}
#: GenerateImage's Retry of ProviderUnavailableException in the ASL: 3 retries after the first run.
CHAIN_RUNS = 4


@pytest.fixture
def stability(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStability]:
    """A fake Stability answering 503, which GenerateImage's Stability provider is pointed at."""
    with serving_stability() as (fake, base_url):
        fake.respond = lambda received: error_reply(503, "service_unavailable")
        config = images.provider_config

        def with_fake(settings: Any, api_key: str | None = None) -> ProviderConfig:
            return dataclasses.replace(config(settings, KEY), stability_base_url=base_url)

        monkeypatch.setattr(images, "provider_config", with_fake)
        yield fake


@pytest.fixture
def bedrock_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = aws_client("bedrock-runtime")
    monkeypatch.setattr(bedrock, "_default_client", lambda region: client)
    with Stubber(client) as stubber:
        yield stubber


def _bedrock_draws(stubber: Stubber, times: int) -> None:
    raw = BEDROCK_SUCCESS.read_bytes()
    for _ in range(times):
        stubber.add_response(
            "invoke_model",
            {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"},
        )


@pytest.mark.slow
def test_stability_down_renders_every_scene_with_bedrock(
    api: ApiCaller, stability: FakeStability, bedrock_stub: Stubber
) -> None:
    _bedrock_draws(bedrock_stub, 2)
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}).body

    assert api.post(f"/projects/{created['id']}/renders").status == 202
    project = wait_for_render(api, created["id"], timeout=90, poll=0.1)

    assert project["status"] == "COMPLETED", project["error"]
    # Stability was asked twice per scene (its retry), then Bedrock drew both
    assert len(stability.received) == 4
    shown = api.get(f"/projects/{created['id']}/scenes").body["items"]
    assert [(scene["image_provider"], [skip["code"] for skip in scene["fallback"]]) for scene in shown] == [
        ("bedrock", ["PROVIDER_UNAVAILABLE"]),
        ("bedrock", ["PROVIDER_UNAVAILABLE"]),
    ]
    assets = {asset["id"] for asset in api.get(f"/projects/{created['id']}/assets").body["items"]}
    assert {"video", "scene-0001-image", "scene-0002-image"} <= assets


@pytest.mark.slow
def test_both_providers_down_fails_the_render_naming_both(
    api: ApiCaller, stability: FakeStability, bedrock_stub: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = record_retry_waits(monkeypatch)
    for _ in range(CHAIN_RUNS):
        client_error(bedrock_stub, "invoke_model", "ServiceUnavailableException", 503)
    script = "## Dawn\nThe harbour wakes.\nDuration: 1s\n"
    created = api.post("/projects", {"title": "Down", "script": script, "settings": SETTINGS}).body

    assert api.post(f"/projects/{created['id']}/renders").status == 202
    project = wait_for_render(api, created["id"], timeout=90, poll=0.1)

    assert project["status"] == "FAILED"
    assert project["error"] == {
        "code": "PROVIDER_UNAVAILABLE",
        "message": (
            "No image provider could draw scene 1: "
            "stability: Stability AI is unavailable (PROVIDER_UNAVAILABLE, 2 attempts); "
            "bedrock: Bedrock is unavailable (PROVIDER_UNAVAILABLE)"
        ),
    }
    # The whole chain ran once and once per retry of the state machine: Stability twice each time
    assert len(waits) == CHAIN_RUNS - 1
    assert len(stability.received) == 2 * CHAIN_RUNS
