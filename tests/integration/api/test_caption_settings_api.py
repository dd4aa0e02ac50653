"""Caption settings through the API function: create, read back, patch one, and refuse bad values."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import ApiCaller
from tests.support.cloud import table_snapshot

SCRIPT = "## Dawn\nThe sea wakes up.\n"
CAPTIONS = {"captions": False, "caption_position": "top", "caption_size": "large", "caption_outline": "box"}


def _create(api: ApiCaller, **overrides: Any) -> dict[str, Any]:
    result = api.post("/projects", {"title": "Captions", "script": SCRIPT, **overrides})
    assert result.status == 201, result.body
    return dict(result.body)


def _caption_settings(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body["settings"].items() if key.startswith("caption")}


def test_create_project_with_caption_settings_stores_them(api: ApiCaller) -> None:
    created = _create(api, settings=CAPTIONS)

    fetched = api.get(f"/projects/{created['id']}").body

    assert _caption_settings(created) == CAPTIONS
    assert _caption_settings(fetched) == CAPTIONS
    assert fetched["settings"]["aspect_ratio"] == "16:9"


def test_caption_settings_in_front_matter_apply_and_explicit_ones_win(api: ApiCaller) -> None:
    script = "---\ncaption_position: middle\ncaption_outline: thick\n---\n" + SCRIPT

    created = _create(api, script=script, settings={"caption_outline": "thin"})

    assert _caption_settings(created) == {
        "captions": True,
        "caption_position": "middle",
        "caption_size": "medium",
        "caption_outline": "thin",
    }


def test_patch_of_one_caption_setting_keeps_the_others(api: ApiCaller) -> None:
    created = _create(api, settings={"caption_size": "small", "caption_outline": "box"})

    result = api.patch(
        f"/projects/{created['id']}", {"settings": {"caption_position": "top"}}, headers={"If-Match": '"v1"'}
    )

    assert result.status == 200
    assert _caption_settings(result.body) == {
        "captions": True,
        "caption_position": "top",
        "caption_size": "small",
        "caption_outline": "box",
    }
    assert result.body["version"] == 2
    assert api.get(f"/projects/{created['id']}").body["settings"] == result.body["settings"]


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("caption_position", "left", "'bottom', 'middle' or 'top'"),
        ("caption_size", "huge", "'small', 'medium' or 'large'"),
        ("caption_outline", "glow", "'none', 'thin', 'medium', 'thick' or 'box'"),
        ("captions", "false", "valid boolean"),
    ],
)
def test_create_with_a_bad_caption_setting_returns_422_naming_the_valid_values(
    api: ApiCaller, field: str, value: str, valid: str
) -> None:
    before = table_snapshot(api.cloud)

    result = api.post("/projects", {"title": "t", "script": SCRIPT, "settings": {field: value}})

    assert result.status == 422
    assert result.error_code == "VALIDATION_ERROR"
    [error] = result.body["error"]["details"]["errors"]
    assert error["field"] == f"settings.{field}"
    assert valid in error["problem"]
    assert table_snapshot(api.cloud) == before


@pytest.mark.parametrize(
    "settings",
    [{"caption_size": "gigantic"}, {"caption_outline": None}, {"captions": None}, {"captions": 0}],
)
def test_patch_with_a_bad_or_null_caption_setting_returns_422_and_changes_nothing(
    api: ApiCaller, settings: dict[str, Any]
) -> None:
    created = _create(api)
    before = table_snapshot(api.cloud)

    result = api.patch(f"/projects/{created['id']}", {"settings": settings})

    assert result.status == 422
    [error] = result.body["error"]["details"]["errors"]
    assert error["field"] == f"settings.{next(iter(settings))}"
    assert table_snapshot(api.cloud) == before
