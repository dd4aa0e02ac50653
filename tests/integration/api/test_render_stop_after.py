"""POST /projects/{id}/renders with {"stop_after": "images"}: accepted, recorded on the project, carried in
the execution's input, priced without assembly; an unknown value or field is 422. Executions are recorded,
not run: what a render then does is test_storyboard_step's and test_storyboard_e2e's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.api import ApiCaller
from videogen.dal import executions
from videogen.logic import renders

SETTINGS = {"resolution": "480p", "fps": 24, "voice": "none", "image_provider": "local"}
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 2s\n\n## Dusk\nThe lamp is lit.\nDuration: 2s\n"
DRY_RUN = {"dry_run": "true"}


def _project(api: ApiCaller) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS})
    assert created.status == 201, created.body
    return str(created.body["id"])


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """The input of each execution the API starts, by ARN (recorded instead of run)."""
    inputs: dict[str, dict[str, Any]] = {}

    def start(state_machine_arn: str | None, name: str, payload: dict[str, Any]) -> str:
        arn = executions.execution_arn(state_machine_arn or "arn:aws:states:::stateMachine:x", name)
        inputs[arn] = json.loads(json.dumps(payload))  # as Step Functions would read it: JSON
        return arn

    monkeypatch.setattr(executions, "start", start)
    return inputs


def test_stop_after_images_is_recorded_and_carried_in_the_execution_input(
    api: ApiCaller, started: dict[str, dict[str, Any]]
) -> None:
    project_id = _project(api)

    answer = api.post(f"/projects/{project_id}/renders", {"stop_after": "images"})

    assert answer.status == 202, answer.body
    execution = started[answer.body["execution_arn"]]
    assert execution["stop_after"] == "images"
    assert execution["render_id"] == answer.body["id"] == "000001"
    render = api.get(f"/projects/{project_id}").body["render"]
    assert render == {"id": "000001", "stop_after": "images", "outputs": ["storyboard", "manifest"]}


@pytest.mark.parametrize("body", [None, {}, {"stop_after": None}])
def test_no_stop_after_renders_the_whole_video(
    api: ApiCaller, started: dict[str, dict[str, Any]], body: Any
) -> None:
    project_id = _project(api)

    answer = api.post(f"/projects/{project_id}/renders", body)

    assert answer.status == 202, answer.body
    # Always present, null for a whole video: the state machine's choice reads a value, not a missing path.
    assert started[answer.body["execution_arn"]]["stop_after"] is None
    render = api.get(f"/projects/{project_id}").body["render"]
    assert render["stop_after"] is None
    assert render["outputs"] == [
        "storyboard",
        "manifest",
        "video",
        "subtitles-srt",
        "subtitles-vtt",
        "thumbnail",
    ]


@pytest.mark.parametrize("value", ["video", "IMAGES", "", 3])
def test_an_unknown_stop_after_is_422_listing_the_valid_values(api: ApiCaller, value: Any) -> None:
    project_id = _project(api)

    result = api.post(f"/projects/{project_id}/renders", {"stop_after": value})

    assert result.status == 422, result.body
    error = result.body["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert "'images'" in error["message"]
    assert "stop_after" in json.dumps(error)
    # Nothing was claimed.
    project = api.get(f"/projects/{project_id}").body
    assert (project["status"], project["render"]) == ("DRAFT", None)


def test_an_unknown_field_in_the_render_body_is_422(api: ApiCaller) -> None:
    project_id = _project(api)

    result = api.post(f"/projects/{project_id}/renders", {"stop_after": "images", "render_id": "000009"})

    assert result.status == 422, result.body
    assert "render_id" in json.dumps(result.body["error"])


def test_dry_run_of_stop_after_images_prices_no_assembly(api: ApiCaller) -> None:
    project_id = _project(api)

    whole = api.post(f"/projects/{project_id}/renders", query=DRY_RUN)
    images = api.post(f"/projects/{project_id}/renders", {"stop_after": "images"}, query=DRY_RUN)

    assert whole.status == images.status == 200, images.body
    plan = images.body["plan"]
    assert plan["stop_after"] == "images" and whole.body["plan"]["stop_after"] is None
    assert plan["states"]["MakeStoryboard"] == plan["states"]["ImagesOnly"] == 1
    assert whole.body["plan"]["states"]["ImagesOnly"] == 0
    for state in ("PlanSegments", "RenderSegment", "MixAudio", "ConcatVideo"):
        assert plan["states"][state] == 0, state
    assert {use["function"] for use in plan["functions"]} == {
        "PrepareRender", "GenerateImage", "SynthesizeNarration", "MakeStoryboard", "FinishRender"
    }  # fmt: skip
    # The same images are paid for; the video is not.
    assert plan["images_to_generate"] == whole.body["plan"]["images_to_generate"] == 2
    assert images.body["total_usd"] < whole.body["total_usd"]
    assert plan["state_transitions"] == 1 + 1 + (1 + 2) + (1 + 2) + 1 + 1 + 1 + 1 + 1 + 1
    # Nothing started.
    assert api.get(f"/projects/{project_id}").body["status"] == "DRAFT"


def test_a_stalled_images_only_claim_is_started_again_as_images_only(
    api: ApiCaller, started: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an images-only render claimed by a call that died before StartExecution
    project_id = _project(api)
    record = executions.start

    def die(*args: Any, **kwargs: Any) -> str:
        raise SystemExit("the API function's container was killed here")

    monkeypatch.setattr(executions, "start", die)
    with pytest.raises(SystemExit):
        api.post(f"/projects/{project_id}/renders", {"stop_after": "images"})
    monkeypatch.setattr(executions, "start", record)

    # When the owner looks at the project once the claim is stale
    monkeypatch.setattr(renders, "STALE_CLAIM_SECONDS", -1.0)
    api.get(f"/projects/{project_id}")

    # Then its execution starts with the choice the claim recorded
    (execution,) = started.values()
    assert (execution["render_id"], execution["stop_after"]) == ("000001", "images")
