"""GenerateImage's provider fallback through the real clients: Stability's REST provider against the local
fake Stability server, Bedrock's provider through a real bedrock-runtime client answered by botocore's
Stubber, the tables and the bucket on the local cloud (moto). A failed scene is then recorded the way the
state machine's Catch hands it to RecordFailure."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from PIL import Image

from tests.support.api import ApiCaller
from tests.support.cloud import force_render
from tests.support.stability_fake import KEY, FakeStability, error_reply, serving_stability
from tests.support.stubs import aws_client, client_error
from videogen.config import Config, get_config
from videogen.dal import projects, scenes, storage
from videogen.domain import layout
from videogen.domain.provenance import ImageProvenance
from videogen.exceptions import (
    ContentFilteredException,
    ProviderUnavailableException,
    VideoGeneratorException,
)
from videogen.logic.images import cache_key, image_identities, image_request
from videogen.pipeline import finish
from videogen.pipeline.images import generate_scene_image
from videogen.providers import bedrock
from videogen.providers.imaging import styled_prompt

BEDROCK_EVENTS = Path(__file__).resolve().parents[2] / "events" / "bedrock"
RENDER = "000001"
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Boats\nBoats leave one by one.\nDuration: 1s\n"
SETTINGS = {
    "resolution": "480p",
    "voice": "none",
    "style": "watercolor",
    "seed": 42,
    "image_providers": ["stability", "bedrock"],
}


@pytest.fixture(scope="module")
def stability_server() -> Iterator[tuple[FakeStability, str]]:
    with serving_stability() as served:
        yield served


@pytest.fixture
def stability(stability_server: tuple[FakeStability, str]) -> FakeStability:
    fake, _ = stability_server
    fake.received.clear()
    fake.respond = lambda received: error_reply(503, "service_unavailable")
    return fake


@pytest.fixture
def settings(cloud: Any, stability_server: tuple[FakeStability, str]) -> Config:
    """GenerateImage's settings, with the Stability key and the fake's URL."""
    _, base_url = stability_server
    return get_config().model_copy(update={"stability_api_key": KEY, "stability_base_url": base_url})


@pytest.fixture
def bedrock_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Stubber, list[str]]]:
    """Bedrock's provider on a stubbed client; the list records every InvokeModel call's model id."""
    client = aws_client("bedrock-runtime")
    calls: list[str] = []
    monkeypatch.setattr(bedrock, "_default_client", lambda region: client)
    # provide-client-params: emitted for every call, before the Stubber answers it.
    client.meta.events.register(
        "provide-client-params.bedrock-runtime.InvokeModel",
        lambda params, **_: calls.append(params["modelId"]),
    )
    with Stubber(client) as stubber:
        yield stubber, calls


def bedrock_draws(stubber: Stubber) -> None:
    raw = (BEDROCK_EVENTS / "stability_success.json").read_bytes()
    stubber.add_response(
        "invoke_model", {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}
    )


def _project(api: ApiCaller) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS})
    assert created.status == 201, created.body
    project_id = str(created.body["id"])
    force_render(project_id, RENDER)
    return project_id


def _record(settings: Config, image_key: str) -> dict[str, Any]:
    data, content_type = storage.read_object(settings.media_bucket, layout.image_provenance_key(image_key))
    assert content_type == "application/json"
    return dict(json.loads(data))


def _fail_as_the_catch_does(
    project_id: str, error: VideoGeneratorException, settings: Config
) -> dict[str, Any]:
    """RecordFailure's input: the Catch's {"Error", "Cause"} of a Lambda task that raised ``error``."""
    cause = json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)})
    finish.record_failure(project_id, RENDER, {"Error": type(error).__name__, "Cause": cause}, settings)
    return dict(projects.get_project_any_owner(project_id).error.model_dump())  # type: ignore[union-attr]


def test_stability_down_hands_the_scene_to_bedrock_which_the_scene_and_the_record_name(
    api: ApiCaller, settings: Config, stability: FakeStability, bedrock_stub: tuple[Stubber, list[str]]
) -> None:
    # Given a project that asks for Stability, then Bedrock; Stability answers 503, Bedrock draws
    project_id = _project(api)
    stubber, bedrock_calls = bedrock_stub
    bedrock_draws(stubber)

    # When scene 1's image is made
    key = generate_scene_image(project_id, RENDER, 1, settings)

    # Then Stability was asked twice (its retry), Bedrock once, and the image is Bedrock's
    assert [received.path for received in stability.received] == ["/v2beta/stable-image/generate/core"] * 2
    assert bedrock_calls == ["stability.stable-image-core-v1:1"]
    project = projects.get_project_any_owner(project_id)
    scene = scenes.get_scene(project_id, project.scene_set or "", 1)
    chain = image_identities(project, settings)
    assert [identity.name for identity in chain] == ["stability", "bedrock"]
    request = image_request(project, scene)
    assert key == cache_key(project_id, "bedrock", chain[1].model, request)
    data, content_type = storage.read_object(settings.media_bucket, key)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # And the scene says so, through the API
    shown = api.get(f"/projects/{project_id}/scenes/1").body
    assert (shown["image_provider"], shown["image_model"], shown["image_stale"]) == (
        "bedrock",
        "stability.stable-image-core-v1:1",
        False,
    )
    assert shown["fallback"] == [
        {
            "provider": "stability",
            "model": "core",
            "code": "PROVIDER_UNAVAILABLE",
            "reason": "Stability AI is unavailable",
            "attempts": 2,
        }
    ]
    # And the running render's progress lists the fallback
    progress = projects.get_project_any_owner(project_id).progress
    assert progress is not None and progress.scenes_done == 1
    assert [entry.model_dump() for entry in progress.fallbacks] == [
        {
            "scene": 1,
            "from_provider": "stability",
            "to_provider": "bedrock",
            "reason": "stability: Stability AI is unavailable (PROVIDER_UNAVAILABLE, 2 attempts)",
        }
    ]
    # And the record beside the image says how it was made, field by field
    record = _record(settings, key)
    assert record.pop("generated_at")
    assert record == {
        "format": "videogen.image-provenance/1",
        "source": "generated",
        "picture": None,
        "provider": "bedrock",
        "model": "stability.stable-image-core-v1:1",
        "seed": request.seed,
        "prompt": styled_prompt(request),
        "negative_prompt": "",
        "style": "watercolor",
        "width": 854,
        "height": 480,
        "cache_key": key,
        "image_sha256": hashlib.sha256(data).hexdigest(),
        "content_type": content_type,
        "fallback": shown["fallback"],
        "motifs": None,  # a cloud model does not say what it drew
        "cached": False,
    }
    assert styled_prompt(request).endswith(", watercolor")


def test_a_fallback_image_is_reused_from_the_cache_without_calling_anyone(
    api: ApiCaller, settings: Config, stability: FakeStability, bedrock_stub: tuple[Stubber, list[str]]
) -> None:
    # Given scene 1 drawn by Bedrock while Stability was down
    project_id = _project(api)
    stubber, bedrock_calls = bedrock_stub
    bedrock_draws(stubber)
    key = generate_scene_image(project_id, RENDER, 1, settings)
    first_record = _record(settings, key)
    stability.received.clear()

    # When the step runs again (a retried step, or the next render), Stability still down
    again = generate_scene_image(project_id, RENDER, 1, settings)

    # Then Bedrock's stored image is used: nobody is called, the record is unchanged, progress counts once
    assert again == key
    assert (stability.received, len(bedrock_calls)) == ([], 1)
    assert _record(settings, key) == first_record
    progress = projects.get_project_any_owner(project_id).progress
    assert progress is not None and (progress.scenes_done, len(progress.fallbacks)) == (1, 1)


def test_the_first_providers_cached_image_is_used_and_gets_a_record(
    api: ApiCaller, settings: Config, stability: FakeStability, bedrock_stub: tuple[Stubber, list[str]]
) -> None:
    # Given Stability's image of scene 2 stored before images had records
    project_id = _project(api)
    project = projects.get_project_any_owner(project_id)
    scene = scenes.get_scene(project_id, project.scene_set or "", 2)
    request = image_request(project, scene)
    stability_key = cache_key(project_id, "stability", "core", request)
    storage.put_bytes(settings.media_bucket, stability_key, b"stored png", "image/png")

    # When scene 2's image is made
    key = generate_scene_image(project_id, RENDER, 2, settings)

    # Then nobody is called, and the stored image gets its record (cached, no fallback known)
    assert key == stability_key
    assert (stability.received, bedrock_stub[1]) == ([], [])
    record = ImageProvenance.model_validate(_record(settings, key))
    assert (record.provider, record.model, record.cached, record.fallback) == ("stability", "core", True, [])
    assert record.image_sha256 == hashlib.sha256(b"stored png").hexdigest()
    assert api.get(f"/projects/{project_id}/scenes/2").body["image_provider"] == "stability"
    assert projects.get_project_any_owner(project_id).progress.fallbacks == ()  # type: ignore[union-attr]


def test_a_record_of_another_format_is_left_as_it_is(
    api: ApiCaller, settings: Config, stability: FakeStability, bedrock_stub: tuple[Stubber, list[str]]
) -> None:
    # Given Stability's stored image of scene 1, beside a record this code cannot read
    project_id = _project(api)
    project = projects.get_project_any_owner(project_id)
    request = image_request(project, scenes.get_scene(project_id, project.scene_set or "", 1))
    key = cache_key(project_id, "stability", "core", request)
    storage.put_bytes(settings.media_bucket, key, b"stored png", "image/png")
    foreign = b'{"format": "videogen.image-provenance/9", "provider": "stability"}'
    storage.put_bytes(settings.media_bucket, layout.image_provenance_key(key), foreign, "application/json")

    # When scene 1's image is made, the image is used and the record is not overwritten
    assert generate_scene_image(project_id, RENDER, 1, settings) == key
    stored, _ = storage.read_object(settings.media_bucket, layout.image_provenance_key(key))
    assert stored == foreign
    assert api.get(f"/projects/{project_id}/scenes/1").body["image_provider"] == "stability"


@pytest.mark.parametrize(("status", "name"), [(401, "unauthorized"), (403, "forbidden")])
def test_a_refused_key_hands_over_at_once(  # noqa: PLR0917 - fixtures and parameters
    api: ApiCaller,
    settings: Config,
    stability: FakeStability,
    bedrock_stub: tuple[Stubber, list[str]],
    status: int,
    name: str,
) -> None:
    project_id = _project(api)
    stability.respond = lambda received: error_reply(status, name)
    bedrock_draws(bedrock_stub[0])

    generate_scene_image(project_id, RENDER, 1, settings)

    assert len(stability.received) == 1
    fallback = api.get(f"/projects/{project_id}/scenes/1").body["fallback"]
    assert [(entry["provider"], entry["code"], entry["attempts"]) for entry in fallback] == [
        ("stability", "PROVIDER_ACCESS_DENIED", 1)
    ]
    assert KEY not in json.dumps(fallback)


def test_a_missing_stability_key_hands_over_to_bedrock(
    api: ApiCaller, settings: Config, stability: FakeStability, bedrock_stub: tuple[Stubber, list[str]]
) -> None:
    project_id = _project(api)
    bedrock_draws(bedrock_stub[0])

    generate_scene_image(project_id, RENDER, 1, settings.model_copy(update={"stability_api_key": None}))

    assert stability.received == []
    [skipped] = api.get(f"/projects/{project_id}/scenes/1").body["fallback"]
    assert (skipped["code"], skipped["attempts"]) == ("PROVIDER_ACCESS_DENIED", 1)
    assert "needs an API key" in skipped["reason"]


def test_both_down_fails_the_render_naming_both(
    api: ApiCaller, settings: Config, stability: FakeStability, bedrock_stub: tuple[Stubber, list[str]]
) -> None:
    # Given Stability answering 503 and Bedrock unavailable
    project_id = _project(api)
    stubber, _ = bedrock_stub
    client_error(stubber, "invoke_model", "ServiceUnavailableException", 503)

    # When scene 1's image is asked for, the step fails with a retryable error naming both
    with pytest.raises(ProviderUnavailableException) as info:
        generate_scene_image(project_id, RENDER, 1, settings)

    assert info.value.retryable
    assert len(stability.received) == 2
    # Then, once the state machine's retries are spent, the render fails with that reason
    error = _fail_as_the_catch_does(project_id, info.value, settings)
    assert error == {
        "code": "PROVIDER_UNAVAILABLE",
        "message": (
            "No image provider could draw scene 1: "
            "stability: Stability AI is unavailable (PROVIDER_UNAVAILABLE, 2 attempts); "
            "bedrock: Bedrock is unavailable (PROVIDER_UNAVAILABLE)"
        ),
        "render_id": RENDER,
    }
    # And nothing was stored for the scene
    project = projects.get_project_any_owner(project_id)
    assert project.status == "FAILED"
    assert scenes.get_scene(project_id, project.scene_set or "", 1).image_key is None


def test_a_content_filter_refusal_fails_the_scene_without_a_fallback(
    api: ApiCaller, settings: Config, stability: FakeStability, bedrock_stub: tuple[Stubber, list[str]]
) -> None:
    # Given Stability's moderation refusing the prompt
    project_id = _project(api)
    stability.respond = lambda received: error_reply(403, "content_moderation")

    with pytest.raises(ContentFilteredException) as info:
        generate_scene_image(project_id, RENDER, 1, settings)

    # Then Bedrock was never asked, and the render fails with Stability's reason
    assert (len(stability.received), bedrock_stub[1]) == (1, [])
    error = _fail_as_the_catch_does(project_id, info.value, settings)
    assert error == {
        "code": "CONTENT_FILTERED",
        "message": "Stability AI's content filter refused the prompt",
        "render_id": RENDER,
    }


def test_a_local_image_records_the_motifs_its_png_carries(api: ApiCaller, settings: Config) -> None:
    # Given a project drawn by the offline illustrator
    created = api.post(
        "/projects", {"title": "Harbour", "script": SCRIPT, "settings": {"image_provider": "local"}}
    )
    assert created.status == 201, created.body
    project_id = str(created.body["id"])
    force_render(project_id, RENDER)

    # When scene 1's image is made
    key = generate_scene_image(project_id, RENDER, 1, settings)

    # Then its record says what the picture shows, as the PNG's own videogen:motifs chunk does
    data, _ = storage.read_object(settings.media_bucket, key)
    with Image.open(io.BytesIO(data)) as image:
        carried = image.info["videogen:motifs"]
    record = ImageProvenance.model_validate(_record(settings, key))
    assert record.provider == "local"
    assert record.motifs == carried
    assert carried.startswith("subjects=") and "; setting=" in carried
