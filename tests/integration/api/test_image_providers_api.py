"""The image_providers setting (an ordered fallback list; image_provider is its one-item form) through the
API handler: POST and PATCH round-trip it, either spelling sets both, and bad lists are 422."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import ApiCaller, ApiResult
from tests.support.cloud import table_snapshot
from videogen.config import get_config
from videogen.logic import entitlements

SCRIPT = "## Dawn\nThe sea wakes up.\n"


def _create(api: ApiCaller, settings: dict[str, Any], script: str = SCRIPT) -> ApiResult:
    return api.post("/projects", {"title": "t", "script": script, "settings": settings})


def _providers(body: dict[str, Any]) -> tuple[str, list[str]]:
    return body["settings"]["image_provider"], body["settings"]["image_providers"]


def test_create_with_image_providers_round_trips_and_sets_image_provider_to_the_first(api: ApiCaller) -> None:
    created = _create(api, {"image_providers": ["stability", "bedrock"]})

    assert created.status == 201, created.body
    assert _providers(created.body) == ("stability", ["stability", "bedrock"])
    fetched = api.get(f"/projects/{created.body['id']}").body
    assert _providers(fetched) == ("stability", ["stability", "bedrock"])


def test_create_with_image_provider_alone_is_a_list_of_one(api: ApiCaller) -> None:
    created = _create(api, {"image_provider": "bedrock"})

    assert _providers(created.body) == ("bedrock", ["bedrock"])


def test_both_spellings_that_agree_are_accepted(api: ApiCaller) -> None:
    # What a client that read the settings sends back unchanged.
    created = _create(api, {"image_provider": "bedrock", "image_providers": ["bedrock", "local"]})

    assert created.status == 201, created.body
    assert _providers(created.body) == ("bedrock", ["bedrock", "local"])


def test_patch_image_providers_then_image_provider_each_replace_both(api: ApiCaller) -> None:
    project_id = _create(api, {}).body["id"]

    listed = api.patch(f"/projects/{project_id}", {"settings": {"image_providers": ["bedrock", "stability"]}})
    assert listed.status == 200, listed.body
    assert _providers(listed.body) == ("bedrock", ["bedrock", "stability"])

    # image_provider alone is not checked against the stored list it replaces
    single = api.patch(f"/projects/{project_id}", {"settings": {"image_provider": "stability"}})
    assert single.status == 200, single.body
    assert _providers(single.body) == ("stability", ["stability"])
    assert _providers(api.get(f"/projects/{project_id}").body) == ("stability", ["stability"])

    # and a patch of another setting keeps the list
    other = api.patch(f"/projects/{project_id}", {"settings": {"image_providers": ["local", "bedrock"]}})
    styled = api.patch(f"/projects/{project_id}", {"settings": {"style": "ink"}})
    assert other.status == styled.status == 200
    assert _providers(styled.body) == ("local", ["local", "bedrock"])


@pytest.mark.parametrize("method", ["post", "patch"])
def test_both_spellings_that_disagree_are_422_saying_why(api: ApiCaller, method: str) -> None:
    settings = {"image_provider": "bedrock", "image_providers": ["stability", "bedrock"]}
    project_id = _create(api, {}).body["id"]
    before = table_snapshot(api.cloud)

    if method == "post":
        result = _create(api, settings)
    else:
        result = api.patch(f"/projects/{project_id}", {"settings": settings})

    assert result.status == 422, result.body
    assert result.error_code == "VALIDATION_ERROR"
    assert (
        "image_provider (bedrock) must be the first of image_providers (stability, bedrock)"
        in (result.body["error"]["message"])
    )
    assert table_snapshot(api.cloud) == before


@pytest.mark.parametrize(
    ("providers", "words"),
    [
        ([], "at least 1 item"),
        (["stability", "stability"], "repeated: stability"),
        (["local", "midjourney"], "'local', 'stability' or 'bedrock'"),
        (["local", "stability", "bedrock", "local"], "at most 3 items"),
        ("stability", "valid tuple"),
    ],
    ids=["empty", "duplicate", "unknown name", "four", "not a list"],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_bad_list_is_422_naming_the_field(api: ApiCaller, method: str, providers: Any, words: str) -> None:
    project_id = _create(api, {}).body["id"]
    before = table_snapshot(api.cloud)

    if method == "post":
        result = _create(api, {"image_providers": providers})
    else:
        result = api.patch(f"/projects/{project_id}", {"settings": {"image_providers": providers}})

    assert result.status == 422, result.body
    errors = result.body["error"]["details"]["errors"]
    assert any("image_providers" in error["field"] for error in errors), errors
    assert words in result.body["error"]["message"] + str(errors)
    assert table_snapshot(api.cloud) == before


def test_a_scripts_front_matter_may_list_the_providers(api: ApiCaller) -> None:
    script = "---\nimage_providers: Stability, bedrock\n---\n" + SCRIPT

    created = _create(api, {}, script=script)

    assert created.status == 201, created.body
    assert _providers(created.body) == ("stability", ["stability", "bedrock"])


def test_the_caller_s_image_provider_overrides_the_scripts_list(api: ApiCaller) -> None:
    script = "---\nimage_providers: stability, bedrock\n---\n" + SCRIPT

    created = _create(api, {"image_provider": "local"}, script=script)

    assert _providers(created.body) == ("local", ["local"])


def test_a_script_whose_two_spellings_disagree_is_422(api: ApiCaller) -> None:
    script = "---\nimage_provider: bedrock\nimage_providers: stability, bedrock\n---\n" + SCRIPT

    result = _create(api, {}, script=script)

    assert result.status == 422, result.body
    assert result.error_code == "SCRIPT_PARSE_ERROR"
    assert "must be the first of image_providers" in result.body["error"]["message"]


@pytest.fixture
def group_policy(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    def set_policy() -> None:
        settings = get_config().model_copy(update={"paid_providers": "group"})
        monkeypatch.setattr(entitlements, "get_config", lambda: settings)

    return set_policy


def test_every_provider_of_the_list_must_be_allowed(api: ApiCaller, group_policy: Callable[[], None]) -> None:
    # Given paid providers only for the paid-providers group, and a caller outside it
    group_policy()

    # A free first provider does not let a paid fallback through
    result = _create(api, {"image_providers": ["local", "bedrock"]})

    assert result.status == 403
    assert result.body["error"]["details"]["provider"] == "bedrock"


def test_keeping_the_providers_a_project_has_is_allowed(
    api: ApiCaller, group_policy: Callable[[], None]
) -> None:
    # Given a project with a paid fallback, made before its owner lost the group
    project_id = _create(api, {"image_providers": ["local", "bedrock"]}).body["id"]
    group_policy()

    reordered = api.patch(f"/projects/{project_id}", {"settings": {"image_providers": ["bedrock", "local"]}})
    added = api.patch(f"/projects/{project_id}", {"settings": {"image_providers": ["bedrock", "stability"]}})

    assert reordered.status == 200, reordered.body
    assert added.status == 403
    assert added.body["error"]["details"]["provider"] == "stability"
