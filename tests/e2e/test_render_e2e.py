"""A project becomes an MP4: HTTP → API function → Step Functions (the real ASL on moto) → MP4."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.build import both_ways
from tests.support.http import create_over_http, http
from tests.support.images import inject_faults, refuse_prompts
from tests.support.waiting import wait_until
from videogen.dal import executions
from videogen.domain.enums import Transition
from videogen.exceptions import ProviderUnavailableException
from videogen.media.assemble import SceneClip
from videogen.media.probe import probe
from videogen.media.timeline import total_duration
from videogen.providers.local import LocalImageProvider
from videogen_local.server import LocalApiServer

SCRIPT = """## Dawn
The harbour wakes.
Duration: 1.5s

## Boats
Boats leave one by one.
Duration: 1.5s
Transition: cut

## Gulls
Gulls follow them out to sea.
Duration: 2s
"""
# No voice here: these tests are about the pipeline; test_narration_e2e renders with the local voice.
SETTINGS = {"resolution": "480p", "fps": 24, "aspect_ratio": "16:9", "voice": "none"}


@pytest.fixture
def held_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The image provider waits (at most 10 s) until the test sets the event: a render stays running."""
    release = threading.Event()
    original = LocalImageProvider.generate

    def held(self: LocalImageProvider, request: Any) -> Any:
        release.wait(10)
        return original(self, request)

    monkeypatch.setattr(LocalImageProvider, "generate", held)
    yield release
    release.set()


@pytest.mark.slow
@both_ways
def test_render_through_http_and_step_functions_gives_a_probed_mp4(
    server: LocalApiServer, tmp_path: Path
) -> None:
    key, created = create_over_http(
        server, "alice", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}
    )
    base = server.base_url

    status, render = http(f"{base}/projects/{created['id']}/renders", "POST", key=key)

    assert status == 202
    assert render["status"] == "QUEUED"
    assert render["execution_arn"].endswith(f":{created['id']}-000001")
    project = wait_for_render(ApiCaller(server.gateway.cloud, "alice"), created["id"])
    assert project["status"] == "COMPLETED", project.get("error")
    assert project["progress"] is None
    _, assets = http(f"{base}/projects/{created['id']}/assets", key=key)
    by_id = {asset["id"]: asset for asset in assets["items"]}
    assert set(by_id) == {
        "video",
        "subtitles-srt",
        "subtitles-vtt",
        "thumbnail",
        "storyboard",
        "scene-0001-image",
        "scene-0002-image",
        "scene-0003-image",
        "scene-0001-thumbnail",
        "scene-0002-thumbnail",
        "scene-0003-thumbnail",
    }
    # The download links work like S3's: fetch the video through its presigned URL.
    _, video_bytes = http(by_id["video"]["download_url"])
    video = tmp_path / "video.mp4"
    video.write_bytes(video_bytes)
    info = probe(video)
    expected = total_duration(
        [
            SceneClip(image=video, duration=1.5, transition=Transition.FADE),
            SceneClip(image=video, duration=1.5, transition=Transition.CUT),
            SceneClip(image=video, duration=2.0, transition=Transition.FADE),
        ]
    )
    assert abs(info.duration - expected) <= 0.1
    assert (info.width, info.height, info.fps) == (854, 480, 24)
    assert info.video_codec == "h264"
    assert info.has_audio
    _, srt = http(by_id["subtitles-srt"]["download_url"])
    _, vtt = http(by_id["subtitles-vtt"]["download_url"])
    assert b"The harbour wakes." in srt
    assert b"Gulls follow them out to sea." in srt
    assert vtt.startswith(b"WEBVTT")
    assert b"Boats leave one by one." in vtt
    _, thumbnail = http(by_id["thumbnail"]["download_url"])
    assert thumbnail[:3] == b"\xff\xd8\xff"


@pytest.mark.slow
def test_second_render_request_while_running_is_409_and_idempotency_key_repeats(
    api: ApiCaller, held_provider: threading.Event
) -> None:
    release = held_provider
    created = api.post("/projects", {"title": "t", "script": SCRIPT, "settings": SETTINGS}).body
    path = f"/projects/{created['id']}/renders"

    first = api.post(path, headers={"Idempotency-Key": "render-key-0001"})
    again = api.post(path, headers={"Idempotency-Key": "render-key-0001"})
    other = api.post(path, headers={"Idempotency-Key": "render-key-0002"})
    plain = api.post(path)
    release.set()

    assert (first.status, again.status) == (202, 202)
    assert again.body == first.body
    assert (other.status, other.error_code) == (409, "RESOURCE_CONFLICT")
    assert plain.status == 409
    assert wait_for_render(api, created["id"])["status"] == "COMPLETED"
    executions = boto3.client("stepfunctions", region_name="us-east-1").list_executions(
        stateMachineArn=api.cloud.state_machines["RenderStateMachine"]
    )["executions"]
    assert [e["name"] for e in executions] == [f"{created['id']}-000001"]


@pytest.mark.slow
def test_permanent_provider_failure_marks_failed_with_the_reason(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_prompts(monkeypatch, containing="Gulls")
    created = api.post("/projects", {"title": "t", "script": SCRIPT, "settings": SETTINGS}).body

    assert api.post(f"/projects/{created['id']}/renders").status == 202
    project = wait_for_render(api, created["id"])

    assert project["status"] == "FAILED"
    assert project["error"] == {
        "code": "CONTENT_FILTERED",
        "message": "The image provider refused the prompt of the scene 'Gulls'.",
    }
    assert project["progress"] is None
    assert api.get("/projects", query={"status": "RENDERING"}).body["items"] == []
    assert [p["id"] for p in api.get("/projects", query={"status": "FAILED"}).body["items"]] == [
        created["id"]
    ]
    # A failed project can be fixed and rendered again.
    api.patch(f"/projects/{created['id']}/scenes/3", {"image_prompt": "seabirds over water"})
    monkeypatch.undo()  # the provider draws every prompt again
    assert api.post(f"/projects/{created['id']}/renders").body["id"] == "000002"
    assert wait_for_render(api, created["id"])["status"] == "COMPLETED"


@pytest.mark.slow
def test_flaky_provider_failing_30_percent_of_calls_still_completes(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3 calls in 10 fail, the first one included
    met = inject_faults(
        monkeypatch,
        lambda call: (
            ProviderUnavailableException("The image provider is briefly unavailable.")
            if call % 10 in {0, 3, 6}
            else None
        ),
    )
    created = api.post("/projects", {"title": "t", "script": SCRIPT, "settings": SETTINGS}).body

    api.post(f"/projects/{created['id']}/renders")
    project = wait_for_render(api, created["id"], timeout=120)

    assert project["status"] == "COMPLETED", project.get("error")
    assert any(met), "the provider did fail, and the state machine retried"


@pytest.mark.slow
def test_rendering_again_reuses_cached_images(api: ApiCaller, monkeypatch: pytest.MonkeyPatch) -> None:
    created = api.post("/projects", {"title": "t", "script": SCRIPT, "settings": SETTINGS}).body
    api.post(f"/projects/{created['id']}/renders")
    assert wait_for_render(api, created["id"])["status"] == "COMPLETED"
    drawn: list[str] = []
    original = LocalImageProvider.generate

    def counting(self: LocalImageProvider, request: Any) -> Any:
        drawn.append(request.prompt)
        return original(self, request)

    monkeypatch.setattr(LocalImageProvider, "generate", counting)
    api.patch(f"/projects/{created['id']}/scenes/2", {"image_prompt": "a lone red boat"})

    api.post(f"/projects/{created['id']}/renders")

    assert wait_for_render(api, created["id"])["status"] == "COMPLETED"
    assert drawn == ["a lone red boat"]


def test_deleting_a_rendering_project_stops_its_execution(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch, held_provider: threading.Event
) -> None:
    release = held_provider
    stopped: list[str] = []
    original_stop = executions.stop
    monkeypatch.setattr(
        executions, "stop", lambda arn, cause: (stopped.append(arn), original_stop(arn, cause))
    )
    created = api.post("/projects", {"title": "t", "script": SCRIPT, "settings": SETTINGS}).body
    render = api.post(f"/projects/{created['id']}/renders").body
    wait_until(
        lambda: api.get(f"/projects/{created['id']}").body["status"] == "RENDERING",
        timeout=10,
        what="the render to be RENDERING",
    )
    assert api.get(f"/projects/{created['id']}").body["status"] == "RENDERING"

    deleted = api.delete(f"/projects/{created['id']}")
    release.set()

    assert deleted.status == 204
    sfn = boto3.client("stepfunctions", region_name="us-east-1")

    def ended() -> str | None:
        status = str(sfn.describe_execution(executionArn=render["execution_arn"])["status"])
        return None if status == "RUNNING" else status

    status = wait_until(ended, 10, what="the execution to end")
    assert stopped == [render["execution_arn"]]
    # AWS aborts at once; moto's interpreter lets the step in flight finish, which then finds no project.
    assert status in {"ABORTED", "FAILED"}
    assert api.get(f"/projects/{created['id']}").status == 404
