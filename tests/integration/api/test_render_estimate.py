"""POST /projects/{id}/renders?dry_run=true: the render's plan and price, with nothing started, and the very
errors a real render gets."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.support.api import ApiCaller, ApiResult
from tests.support.cloud import table_snapshot
from videogen.config import get_config
from videogen.dal import projects, scenes, storage, table_keys
from videogen.dal.tables import ProjectItem
from videogen.domain import costs
from videogen.logic import estimate as estimate_logic
from videogen.logic.images import image_identities, image_identity, scene_image_key
from videogen.media.segments import segment_size
from videogen_local.cloud import LocalCloud

OWNER = "owner-alice"
SETTINGS = {"resolution": "720p", "fps": 24, "voice": "none", "image_provider": "local"}
# Three scenes of fixed length (4 + 5 + 6 s): every figure of the plan follows from them.
SCRIPT = (
    "## Dawn\nThe harbour wakes.\nDuration: 4s\n\n"
    "## Noon\nGulls circle the lamp room.\nDuration: 5s\n\n"
    "## Dusk\nThe lamp is lit.\nDuration: 6s\n"
)
DRY_RUN = {"dry_run": "true"}


def _project(api: ApiCaller, script: str = SCRIPT, settings: dict[str, Any] | None = None) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": script, "settings": settings or SETTINGS})
    assert created.status == 201, created.body
    return str(created.body["id"])


def _executions(cloud: LocalCloud) -> list[dict[str, Any]]:
    client = boto3.client("stepfunctions", region_name="us-east-1")
    arn = cloud.state_machines["RenderStateMachine"]
    return list(client.list_executions(stateMachineArn=arn)["executions"])


def _error(result: ApiResult) -> tuple[int, dict[str, Any]]:
    """The status and error of an answer, without the request id (which differs per request)."""
    error = dict(result.body["error"])
    error.pop("request_id", None)
    return result.status, error


def test_dry_run_answers_the_plan_and_price_and_starts_nothing(api: ApiCaller, cloud: LocalCloud) -> None:
    # Given a project of three scenes, none drawn yet
    project_id = _project(api)
    before = table_snapshot(cloud)

    # When its render is priced
    result = api.post(f"/projects/{project_id}/renders", query=DRY_RUN)

    # Then the plan is the model's for three scenes, three images, 15 s of 720p video
    assert result.status == 200, result.body
    body = result.body
    assert body["project_id"] == project_id
    assert body["currency"] == "USD"
    plan = body["plan"]
    segments = costs.segment_count(3, segment_size(1280, 720))
    assert plan["scenes"] == 3
    assert (plan["images_to_generate"], plan["images_cached"]) == (3, 0)
    assert (plan["image_provider"], plan["voice_provider"]) == ("local", "none")
    assert (plan["narration_seconds"], plan["narration_characters"]) == (0, 0)
    assert plan["video_seconds"] == 15.0
    assert (plan["width"], plan["height"]) == (1280, 720)
    assert (plan["segments"], plan["segments_reused"]) == (segments, 0)
    # PrepareRender, the parallel state and its two maps, StoryboardAndVideo with MakeStoryboard and
    # StopAfterImages, PlanSegments, the segments, MixAudio, ConcatVideo, FinishRender, RenderSucceeded.
    assert plan["state_transitions"] == 1 + 1 + (1 + 3) + (1 + 3) + 3 + 1 + 1 + (1 + 2 * segments) + 4
    assert plan["states"]["GenerateImage"] == 3
    assert plan["states"]["SynthesizeNarration"] == 3
    assert plan["states"]["RenderSegment"] == segments
    functions = {use["function"]: use for use in plan["functions"]}
    assert functions["GenerateImage"]["invocations"] == 3
    assert functions["GenerateImage"]["seconds"] == pytest.approx(3 * costs.SECONDS.image_local)
    assert functions["RenderSegment"]["memory_mb"] == costs.MEMORY_MB["RenderSegment"]
    assert functions["RenderSegment"]["gb_seconds"] == pytest.approx(
        (costs.SECONDS.render_per_video_second_720p * 15.0 + costs.SECONDS.render_per_invocation * segments)
        * 3008
        / 1024
    )
    assert plan["gb_seconds"] == pytest.approx(sum(use["gb_seconds"] for use in plan["functions"]))
    items = {item["item"]: item for item in body["items"]}
    assert items["images (local)"]["usd"] == 0
    assert items["Step Functions"]["quantity"] == plan["state_transitions"]
    assert items["Step Functions"]["usd"] == pytest.approx(plan["state_transitions"] * 0.000025)
    assert body["total_usd"] == pytest.approx(sum(item["usd"] for item in body["items"]))
    assert body["total_usd"] > 0
    # And nothing was started: no claim, no counter, no execution
    assert table_snapshot(cloud) == before
    assert _executions(cloud) == []
    assert api.get(f"/projects/{project_id}").body["status"] == "DRAFT"


def test_dry_run_counts_a_stored_image_as_cached_and_prices_only_the_others(api: ApiCaller) -> None:
    # Given a stability project whose first scene's image is stored under its current key
    project_id = _project(api, settings={**SETTINGS, "image_provider": "stability"})
    settings = get_config()
    project = projects.get_project(OWNER, project_id)
    first = scenes.all_scenes(project_id, project.scene_set or "")[0]
    key = scene_image_key(project, first, image_identity(project, settings))
    storage.put_bytes(settings.media_bucket, key, b"png", "image/png")
    identity = image_identity(project, settings)
    scenes.mark_image(
        project_id, project.scene_set or "", first.number, key, provider=identity.name, model=identity.model
    )

    body = api.post(f"/projects/{project_id}/renders", query=DRY_RUN).body

    assert (body["plan"]["images_to_generate"], body["plan"]["images_cached"]) == (2, 1)
    images = next(item for item in body["items"] if item["item"] == "images (stability)")
    assert (images["quantity"], images["unit_usd"]) == (2, 0.03)
    assert images["usd"] == pytest.approx(0.06)


def test_dry_run_counts_an_image_a_fallback_provider_drew_as_cached(api: ApiCaller) -> None:
    # Given a stability-then-bedrock project whose first scene Bedrock drew (Stability was down)
    chain = {"image_provider": "stability", "image_providers": ["stability", "bedrock"]}
    project_id = _project(api, settings={**SETTINGS, **chain})
    settings = get_config()
    project = projects.get_project(OWNER, project_id)
    first = scenes.all_scenes(project_id, project.scene_set or "")[0]
    fallback = image_identities(project, settings)[1]
    key = scene_image_key(project, first, fallback)
    storage.put_bytes(settings.media_bucket, key, b"png", "image/png")
    scenes.mark_image(
        project_id, project.scene_set or "", first.number, key, provider=fallback.name, model=fallback.model
    )

    body = api.post(f"/projects/{project_id}/renders", query=DRY_RUN).body

    # Then it is reused, and the others are priced at the first provider's price
    assert (body["plan"]["images_to_generate"], body["plan"]["images_cached"]) == (2, 1)
    assert body["plan"]["image_provider"] == "stability"


def test_dry_run_of_a_polly_project_prices_its_characters(api: ApiCaller) -> None:
    script = "## Dawn\nThe harbour wakes up slowly.\n"
    project_id = _project(api, script, {**SETTINGS, "voice": "polly"})

    body = api.post(f"/projects/{project_id}/renders", query=DRY_RUN).body

    characters = len("The harbour wakes up slowly.")
    assert body["plan"]["voice_provider"] == "polly"
    assert body["plan"]["narration_characters"] == characters
    narration = next(item for item in body["items"] if item["item"] == "narration (polly)")
    assert narration["usd"] == pytest.approx(characters * 0.000016)


def test_dry_run_of_another_owners_project_is_the_same_404_as_a_render(api: ApiCaller) -> None:
    project_id = _project(api)
    mallory = api.as_owner("owner-mallory")

    dry = mallory.post(f"/projects/{project_id}/renders", query=DRY_RUN)
    real = mallory.post(f"/projects/{project_id}/renders")

    assert dry.status == 404
    assert dry.error_code == "RESOURCE_NOT_FOUND"
    assert _error(dry) == _error(real)


def test_dry_run_of_a_project_without_scenes_is_the_same_error_as_a_render(
    api: ApiCaller, cloud: LocalCloud
) -> None:
    # Given a project whose scenes are gone (a project item that points at no scene set)
    project_id = _project(api)
    ProjectItem._get_connection().update_item(
        table_keys.project_pk(project_id), table_keys.PROJECT_SK, actions=[ProjectItem.scene_set.remove()]
    )

    dry = api.post(f"/projects/{project_id}/renders", query=DRY_RUN)
    before = table_snapshot(cloud)
    real = api.post(f"/projects/{project_id}/renders")

    assert dry.status == 409
    assert dry.error_code == "RESOURCE_CONFLICT"
    assert dry.body["error"]["message"] == "The project has no scenes to render."
    assert _error(dry) == _error(real)
    # The real render is refused before its claim, too
    assert table_snapshot(cloud) == before
    assert _executions(cloud) == []


def test_dry_run_of_a_render_too_large_is_the_same_422_as_a_render(api: ApiCaller, cloud: LocalCloud) -> None:
    script = "".join(f"## Scene {n}\nThe sea, part {n}.\nDuration: 30s\n\n" for n in range(1, 22))
    project_id = _project(api, script, {**SETTINGS, "resolution": "1080p"})

    dry = api.post(f"/projects/{project_id}/renders", query=DRY_RUN)
    real = api.post(f"/projects/{project_id}/renders")

    assert dry.status == 422
    assert dry.error_code == "RENDER_TOO_LARGE"
    assert _error(dry) == _error(real)
    assert _executions(cloud) == []


def test_the_estimate_of_logic_is_the_answer_of_the_api(api: ApiCaller) -> None:
    project_id = _project(api)
    project = projects.get_project(OWNER, project_id)
    project_scenes = scenes.all_scenes(project_id, project.scene_set or "")

    body = api.post(f"/projects/{project_id}/renders", query=DRY_RUN).body

    expected = estimate_logic.estimate(project, project_scenes, get_config())
    assert body["total_usd"] == pytest.approx(expected.total_usd)
    assert [item["item"] for item in body["items"]] == [item.item for item in expected.items]


def test_dry_run_with_a_malformed_idempotency_key_is_the_same_400_as_a_render(api: ApiCaller) -> None:
    project_id = _project(api)
    headers = {"Idempotency-Key": "no spaces"}

    dry = api.post(f"/projects/{project_id}/renders", query=DRY_RUN, headers=headers)
    real = api.post(f"/projects/{project_id}/renders", headers=headers)

    assert dry.status == 400
    assert dry.body["error"]["details"] == {"header": "Idempotency-Key"}
    assert _error(dry) == _error(real)


@pytest.mark.parametrize("query", [DRY_RUN, None])
def test_a_null_body_is_no_render_request_and_starts_nothing(
    api: ApiCaller, cloud: LocalCloud, query: dict[str, str] | None
) -> None:
    project_id = _project(api)

    result = api.request("POST", f"/projects/{project_id}/renders", query=query, raw_body="null")

    assert result.status == 422, result.body
    assert result.error_code == "VALIDATION_ERROR"
    assert result.body["error"]["message"] == "body: Input should be an object"
    assert api.get(f"/projects/{project_id}").body["status"] == "DRAFT"
