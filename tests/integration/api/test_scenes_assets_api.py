"""Scenes and assets on the API: parsed at create and update, edited one by one, listed with links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.api import ApiCaller
from tests.support.assets import store_video
from tests.support.cloud import table_snapshot
from videogen.dal import assets as asset_dal
from videogen.domain.enums import AssetKind
from videogen.domain.models import Asset

SCRIPT = """---
title: Harbour
fps: 24
style: linocut
---

## Dawn
The harbour wakes.
Duration: 4s

## Boats
Fishing boats leave one by one.
Image: red fishing boats leaving a stone harbour at sunrise
Transition: cut

## Gulls
Gulls follow the boats out to sea.
"""


def _create(api: ApiCaller, script: str = SCRIPT, **extra: Any) -> dict[str, Any]:
    result = api.post("/projects", {"title": "Harbour day", "script": script, **extra})
    assert result.status == 201, result.body
    return dict(result.body)


def test_create_parses_scenes_and_applies_front_matter_under_explicit_settings(api: ApiCaller) -> None:
    created = _create(api, settings={"fps": 30})

    scenes = api.get(f"/projects/{created['id']}/scenes").body

    assert created["scene_count"] == 3
    assert created["settings"]["fps"] == 30  # the request wins over the front matter
    assert created["settings"]["style"] == "linocut"  # the front matter wins over the default
    assert [s["number"] for s in scenes["items"]] == [1, 2, 3]
    assert [s["title"] for s in scenes["items"]] == ["Dawn", "Boats", "Gulls"]
    first, second, _ = scenes["items"]
    assert first["narration"] == "The harbour wakes."
    assert first["duration"] == 4.0
    assert first["transition"] == "fade"
    assert first["image_stale"] is True
    assert second["image_prompt"] == "red fishing boats leaving a stone harbour at sunrise"
    assert second["image_prompt_explicit"] is True
    assert second["transition"] == "cut"
    assert scenes["next_cursor"] is None


def test_create_with_invalid_script_returns_422_with_line_and_stores_nothing(api: ApiCaller) -> None:
    before = table_snapshot(api.cloud)
    script = "## One\nHello.\n\n## Two\nDuration: 45s\nWorld.\n"

    result = api.post("/projects", {"title": "t", "script": script})

    assert result.status == 422
    assert result.error_code == "SCRIPT_PARSE_ERROR"
    assert result.body["error"]["details"]["line"] == 5
    assert result.body["error"]["details"]["reason"] == "duration_out_of_range"
    assert table_snapshot(api.cloud) == before


def test_script_format_in_request_selects_the_parser(api: ApiCaller) -> None:
    created = _create(api, script="First paragraph.\n\nSecond one.\n\nThird.", script_format="txt")

    scenes = api.get(f"/projects/{created['id']}/scenes").body["items"]

    assert [s["narration"] for s in scenes] == ["First paragraph.", "Second one.", "Third."]


def test_patch_script_replaces_scenes_whole_and_leaves_no_old_items(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}"

    result = api.patch(path, {"script": "## Only\nOne scene now."})

    assert result.status == 200
    assert result.body["scene_count"] == 1
    scenes = api.get(f"{path}/scenes").body["items"]
    assert [s["narration"] for s in scenes] == ["One scene now."]
    scene_items = [i for i in table_snapshot(api.cloud) if i["sk"]["S"].startswith("SCENESET#")]
    assert len(scene_items) == 1


def test_patch_with_invalid_script_keeps_old_scenes_and_changes_nothing(api: ApiCaller) -> None:
    created = _create(api)
    before = table_snapshot(api.cloud)

    result = api.patch(f"/projects/{created['id']}", {"script": "## A\nDuration: 0.2s\nx"})

    assert result.status == 422
    assert result.error_code == "SCRIPT_PARSE_ERROR"
    assert table_snapshot(api.cloud) == before


def test_patch_with_stale_if_match_and_new_script_leaves_no_orphan_scenes(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}"
    api.patch(path, {"title": "bump"})
    before = table_snapshot(api.cloud)

    result = api.patch(path, {"script": "## X\ny"}, headers={"If-Match": '"v1"'})

    assert result.status == 412
    assert table_snapshot(api.cloud) == before


def test_scene_pagination_returns_each_scene_once_in_order(api: ApiCaller) -> None:
    script = "\n\n".join(f"## S{i}\nLine {i}." for i in range(1, 8))
    created = _create(api, script=script)

    numbers: list[int] = []
    cursor = None
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/projects/{created['id']}/scenes", query=query).body
        numbers += [s["number"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert numbers == list(range(1, 8))


@pytest.mark.parametrize("cursor", ["nope", "e30", "eyJhZnRlciI6IC0xfQ"])
def test_scene_list_with_garbage_cursor_returns_400(api: ApiCaller, cursor: str) -> None:
    created = _create(api)

    result = api.get(f"/projects/{created['id']}/scenes", query={"cursor": cursor})

    assert (result.status, result.error_code) == (400, "INVALID_CURSOR")


def test_get_scene_and_unknown_numbers(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}/scenes"

    found = api.get(f"{path}/2")

    assert found.status == 200
    assert found.body["title"] == "Boats"
    assert found.headers["ETag"] == '"v1"'
    for number in ("0", "4", "-1", "abc", "99999"):
        assert api.get(f"{path}/{number}").status == 404


def test_patch_scene_updates_fields_marks_image_stale_and_bumps_version(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}/scenes/3"

    result = api.patch(
        path, {"narration": "Gulls circle the lighthouse.", "duration": 6}, headers={"If-Match": '"v1"'}
    )

    assert result.status == 200
    assert result.body["narration"] == "Gulls circle the lighthouse."
    assert result.body["duration"] == 6.0
    assert result.body["image_stale"] is True
    assert result.body["version"] == 2
    assert "lighthouse" in result.body["image_prompt"].lower()  # a derived prompt follows its narration
    assert api.get(path).body == result.body
    assert api.get(f"/projects/{created['id']}/scenes/1").body["version"] == 1


def test_patch_scene_prompt_becomes_explicit_and_duration_null_clears(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}/scenes/1"

    result = api.patch(path, {"image_prompt": "a misty harbour", "duration": None})

    assert result.body["image_prompt"] == "a misty harbour"
    assert result.body["image_prompt_explicit"] is True
    assert result.body["duration"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"duration": 45},
        {"duration": 0.5},
        {"transition": "spin"},
        {"transition": None},
        {"narration": "x" * 1501},
        {"image_prompt": "   "},
        {"number": 9},
        {"image_stale": False},
    ],
)
def test_patch_scene_with_bad_value_returns_422_and_changes_nothing(
    api: ApiCaller, body: dict[str, Any]
) -> None:
    created = _create(api)
    before = table_snapshot(api.cloud)

    result = api.patch(f"/projects/{created['id']}/scenes/1", body)

    assert result.status == 422
    assert result.error_code == "VALIDATION_ERROR"
    assert table_snapshot(api.cloud) == before


def test_patch_scene_with_stale_if_match_returns_412(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}/scenes/1"
    api.patch(path, {"narration": "first"})

    result = api.patch(path, {"narration": "second"}, headers={"If-Match": '"v1"'})

    assert (result.status, result.error_code) == (412, "PRECONDITION_FAILED")


def test_patch_scene_with_empty_body_returns_400(api: ApiCaller) -> None:
    created = _create(api)

    assert api.patch(f"/projects/{created['id']}/scenes/1", {}).status == 400


def test_scene_and_asset_routes_are_404_for_another_owner(api: ApiCaller) -> None:
    created = _create(api)
    base = f"/projects/{created['id']}"
    mallory = api.as_owner("owner-mallory")
    before = table_snapshot(api.cloud)

    answers = [
        mallory.get(f"{base}/scenes"),
        mallory.get(f"{base}/scenes/1"),
        mallory.patch(f"{base}/scenes/1", {"narration": "mine"}),
        mallory.get(f"{base}/assets"),
        mallory.get(f"{base}/assets/video"),
    ]

    assert [a.status for a in answers] == [404] * 5
    assert table_snapshot(api.cloud) == before


def test_assets_list_is_empty_before_a_render(api: ApiCaller) -> None:
    created = _create(api)

    assert api.get(f"/projects/{created['id']}/assets").body == {"items": []}
    assert api.get(f"/projects/{created['id']}/assets/video").status == 404


def _store_video_asset(api: ApiCaller, project_id: str) -> Asset:
    return store_video(api.cloud.buckets["MediaBucket"], project_id, 100)


def test_assets_have_presigned_urls_of_at_most_15_minutes(api: ApiCaller) -> None:
    created = _create(api)
    _store_video_asset(api, created["id"])

    listing = api.get(f"/projects/{created['id']}/assets").body["items"]

    assert len(listing) == 1
    video = listing[0]
    assert (video["id"], video["kind"], video["content_type"], video["size"]) == (
        "video",
        "video",
        "video/mp4",
        100,
    )
    assert video["expires_in"] <= 900
    assert "X-Amz-Expires=900" in video["download_url"]
    assert "X-Amz-Signature=" in video["download_url"]
    one = api.get(f"/projects/{created['id']}/assets/video").body
    assert one["id"] == "video"


def test_asset_download_redirects_to_the_presigned_url(api: ApiCaller) -> None:
    created = _create(api)
    _store_video_asset(api, created["id"])

    result = api.request("GET", f"/projects/{created['id']}/assets/video", query={"download": "1"})

    assert result.status == 302
    assert "X-Amz-Signature=" in result.headers["Location"]


def test_asset_outside_the_project_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="prefix"):
        asset_dal.put_asset(
            Asset(
                project_id="a" * 32,
                asset_id="video",
                kind=AssetKind.VIDEO,
                s3_key="projects/" + "b" * 32 + "/video.mp4",
                content_type="video/mp4",
                size=1,
                created_at=datetime(2026, 11, 24, tzinfo=UTC),
            )
        )


def test_delete_project_removes_scenes_and_assets(api: ApiCaller) -> None:
    created = _create(api)
    _store_video_asset(api, created["id"])

    assert api.delete(f"/projects/{created['id']}").status == 204

    assert table_snapshot(api.cloud) == []
