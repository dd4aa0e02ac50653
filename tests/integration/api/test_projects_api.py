"""The projects API end to end through the API function, on the local cloud."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.api import ApiCaller
from tests.support.cloud import force_status, table_snapshot
from tests.support.logs import LogCapture
from videogen.domain.limits import MAX_SCRIPT_BYTES

SCRIPT = "## Dawn\nThe sea wakes up.\n\n## Noon\nThe keeper climbs the stairs.\n"


def _create(api: ApiCaller, **overrides: Any) -> dict[str, Any]:
    body = {"title": "The lighthouse", "script": SCRIPT, **overrides}
    result = api.post("/projects", body)
    assert result.status == 201, result.body
    return dict(result.body)


# ------------------------------------------------------------------ create


def test_create_project_returns_201_with_location_etag_and_defaults(api: ApiCaller) -> None:
    result = api.post("/projects", {"title": "  The lighthouse ", "script": SCRIPT})

    assert result.status == 201
    body = result.body
    assert body["title"] == "The lighthouse"
    assert body["script"] == SCRIPT
    assert body["status"] == "DRAFT"
    assert body["version"] == 1
    assert body["settings"] == {
        "aspect_ratio": "16:9",
        "resolution": "720p",
        "fps": 30,
        "image_provider": "local",
        "image_providers": ["local"],
        "style": "",
        "seed": None,
        "voice": "local:en_US-joe-medium",
        "captions": True,
        "caption_position": "bottom",
        "caption_size": "medium",
        "caption_outline": "medium",
    }
    assert len(body["id"]) == 32
    assert result.headers["Location"] == f"/v1/projects/{body['id']}"
    assert result.headers["ETag"] == '"v1"'
    assert result.headers["X-Request-Id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def test_create_project_with_settings_stores_them(api: ApiCaller) -> None:
    settings = {"aspect_ratio": "9:16", "resolution": "1080p", "fps": 24, "style": "watercolor", "seed": 7}
    created = _create(api, settings=settings)

    fetched = api.get(f"/projects/{created['id']}").body

    assert fetched["settings"] == {
        **settings,
        "image_provider": "local",
        "image_providers": ["local"],
        "voice": "local:en_US-joe-medium",
        "captions": True,
        "caption_position": "bottom",
        "caption_size": "medium",
        "caption_outline": "medium",
    }


@pytest.mark.parametrize("script", ["", "   ", "\n\t \n"])
def test_create_project_with_empty_script_returns_422(api: ApiCaller, script: str) -> None:
    before = table_snapshot(api.cloud)

    result = api.post("/projects", {"title": "t", "script": script})

    assert result.status == 422
    assert result.error_code == "VALIDATION_ERROR"
    assert result.body["error"]["details"]["errors"][0]["field"] == "script"
    assert table_snapshot(api.cloud) == before


def test_create_project_with_script_one_byte_over_100kb_returns_413(api: ApiCaller) -> None:
    before = table_snapshot(api.cloud)

    result = api.post("/projects", {"title": "t", "script": "x" * (MAX_SCRIPT_BYTES + 1)})

    assert result.status == 413
    assert result.error_code == "PAYLOAD_TOO_LARGE"
    assert result.body["error"]["details"]["limit_bytes"] == MAX_SCRIPT_BYTES
    assert table_snapshot(api.cloud) == before


def _valid_script_of(size: int) -> str:
    scene = "## Scene\n" + "The waves roll in. " * 50 + "\n\n"
    text = scene * (size // len(scene))
    return text + " " * (size - len(text))


def test_create_project_with_script_of_exactly_100kb_is_accepted(api: ApiCaller) -> None:
    script = _valid_script_of(MAX_SCRIPT_BYTES)
    assert len(script.encode()) == MAX_SCRIPT_BYTES

    result = api.post("/projects", {"title": "t", "script": script})

    assert result.status == 201
    assert result.body["scene_count"] == MAX_SCRIPT_BYTES // len(
        "## Scene\n" + "The waves roll in. " * 50 + "\n\n"
    )


def test_create_project_counts_script_size_in_utf8_bytes(api: ApiCaller) -> None:
    # 34,134 three-byte characters are under 100 K characters but over 100 KB.
    result = api.post("/projects", {"title": "t", "script": "€" * (MAX_SCRIPT_BYTES // 3 + 1)})

    assert result.status == 413


def test_create_project_with_invalid_json_returns_400(api: ApiCaller) -> None:
    before = table_snapshot(api.cloud)

    result = api.post("/projects", raw_body='{"title": "t", "script": ')

    assert result.status == 400
    assert result.error_code == "INVALID_JSON"
    assert table_snapshot(api.cloud) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 5, "script": SCRIPT}, "title"),
        ({"title": "t", "script": ["a"]}, "script"),
        ({"title": "t", "script": SCRIPT, "settings": {"fps": 60}}, "settings.fps"),
        ({"title": "t", "script": SCRIPT, "settings": {"aspect_ratio": "4:3"}}, "settings.aspect_ratio"),
        ({"title": "t", "script": SCRIPT, "settings": {"resolution": "4k"}}, "settings.resolution"),
        ({"title": "t", "script": SCRIPT, "settings": {"seed": -1}}, "settings.seed"),
        # The style is free text for every provider (the illustrator reads its style words, the cloud models
        # the whole text): what it refuses is a style that is not text, or is longer than the limit.
        ({"title": "t", "script": SCRIPT, "settings": {"style": 7}}, "settings.style"),
        ({"title": "t", "script": SCRIPT, "settings": {"style": "ink " * 51}}, "settings.style"),
        (
            {"title": "t", "script": SCRIPT, "settings": {"image_provider": "dalle"}},
            "settings.image_provider",
        ),
        ({"title": "", "script": SCRIPT}, "title"),
        ({"title": "x" * 201, "script": SCRIPT}, "title"),
        ({"script": SCRIPT}, "title"),
    ],
)
def test_create_project_with_wrong_field_returns_422_naming_it(
    api: ApiCaller, body: dict[str, Any], field: str
) -> None:
    before = table_snapshot(api.cloud)

    result = api.post("/projects", body)

    assert result.status == 422
    assert result.error_code == "VALIDATION_ERROR"
    fields = [error["field"] for error in result.body["error"]["details"]["errors"]]
    assert field in fields
    assert result.body["error"]["message"].startswith(f"{fields[0]}: ")
    assert table_snapshot(api.cloud) == before


@pytest.mark.parametrize("field", ["id", "owner_id", "status", "version", "created_at", "unknown"])
def test_create_project_with_server_owned_or_unknown_field_returns_422(api: ApiCaller, field: str) -> None:
    before = table_snapshot(api.cloud)

    result = api.post("/projects", {"title": "t", "script": SCRIPT, field: "x"})

    assert result.status == 422
    assert result.body["error"]["details"]["errors"] == [
        {"field": field, "problem": "Extra inputs are not permitted"}
    ]
    assert table_snapshot(api.cloud) == before


def test_create_project_with_form_body_returns_415(api: ApiCaller) -> None:
    result = api.post(
        "/projects",
        raw_body="title=t&script=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert result.status == 415
    assert result.error_code == "UNSUPPORTED_MEDIA_TYPE"


# ------------------------------------------------------------------ read


def test_get_project_returns_it_with_etag(api: ApiCaller) -> None:
    created = _create(api)

    result = api.get(f"/projects/{created['id']}")

    assert result.status == 200
    assert result.body == created
    assert result.headers["ETag"] == '"v1"'


@pytest.mark.parametrize("project_id", ["0" * 32, "not-an-id", "%2e%2e", "A" * 32, "0" * 31 + "g", "0" * 33])
def test_get_unknown_or_malformed_project_returns_404(api: ApiCaller, project_id: str) -> None:
    result = api.get(f"/projects/{project_id}")

    assert result.status == 404
    assert result.error_code == "RESOURCE_NOT_FOUND"


def test_unknown_route_returns_404_envelope(api: ApiCaller) -> None:
    result = api.get("/nothing-here")

    assert result.status == 404
    assert result.error_code == "ROUTE_NOT_FOUND"
    assert result.body["error"]["request_id"] == result.headers["X-Request-Id"]


# ------------------------------------------------------------------ ownership


def test_someone_elses_project_is_404_for_every_verb_and_unchanged(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}"
    mallory = api.as_owner("owner-mallory")
    before = table_snapshot(api.cloud)

    answers = [
        mallory.get(path),
        mallory.patch(path, {"title": "mine now"}),
        mallory.patch(path, {"title": "mine now"}, headers={"If-Match": '"v1"'}),
        mallory.delete(path),
    ]

    assert [a.status for a in answers] == [404, 404, 404, 404]
    assert {a.error_code for a in answers} == {"RESOURCE_NOT_FOUND"}
    # The answer is the same as for an id that never existed.
    assert (
        mallory.get(f"/projects/{'0' * 32}").body["error"]["message"].replace("0" * 32, created["id"])
        == (answers[0].body["error"]["message"])
    )
    assert table_snapshot(api.cloud) == before
    assert mallory.get("/projects").body == {"items": [], "next_cursor": None}


def test_request_without_identity_returns_401(api: ApiCaller) -> None:
    anonymous = api.as_owner(None)
    before = table_snapshot(api.cloud)

    answers = [anonymous.get("/projects"), anonymous.post("/projects", {"title": "t", "script": SCRIPT})]

    assert [a.status for a in answers] == [401, 401]
    assert {a.error_code for a in answers} == {"UNAUTHENTICATED"}
    assert table_snapshot(api.cloud) == before


# ------------------------------------------------------------------ update


def test_patch_updates_given_fields_and_bumps_version(api: ApiCaller) -> None:
    created = _create(api, settings={"fps": 24, "style": "ink"})

    result = api.patch(
        f"/projects/{created['id']}",
        {"title": "Renamed", "settings": {"aspect_ratio": "1:1"}},
        headers={"If-Match": '"v1"'},
    )

    assert result.status == 200
    assert result.body["title"] == "Renamed"
    assert result.body["script"] == SCRIPT
    assert result.body["settings"]["aspect_ratio"] == "1:1"
    assert result.body["settings"]["fps"] == 24
    assert result.body["settings"]["style"] == "ink"
    assert result.body["version"] == 2
    assert result.headers["ETag"] == '"v2"'
    assert result.body["updated_at"] >= created["updated_at"]
    assert api.get(f"/projects/{created['id']}").body == result.body


def test_patch_without_if_match_applies_to_latest(api: ApiCaller) -> None:
    created = _create(api)

    result = api.patch(f"/projects/{created['id']}", {"script": "## One\nNew text."})

    assert result.status == 200
    assert result.body["script"] == "## One\nNew text."


def test_patch_with_stale_if_match_returns_412_and_changes_nothing(api: ApiCaller) -> None:
    created = _create(api)
    path = f"/projects/{created['id']}"
    assert api.patch(path, {"title": "first"}, headers={"If-Match": '"v1"'}).status == 200
    before = table_snapshot(api.cloud)

    result = api.patch(path, {"title": "second"}, headers={"If-Match": '"v1"'})

    assert result.status == 412
    assert result.error_code == "PRECONDITION_FAILED"
    assert result.body["error"]["details"] == {"expected_version": 1, "current_version": 2}
    assert table_snapshot(api.cloud) == before


def test_patch_with_malformed_if_match_returns_400(api: ApiCaller) -> None:
    created = _create(api)

    result = api.patch(f"/projects/{created['id']}", {"title": "x"}, headers={"If-Match": "yesterday"})

    assert result.status == 400
    assert result.error_code == "BAD_REQUEST"


@pytest.mark.parametrize("field", ["id", "owner_id", "status", "version", "created_at", "updated_at"])
def test_patch_cannot_set_server_owned_fields(api: ApiCaller, field: str) -> None:
    created = _create(api)
    before = table_snapshot(api.cloud)

    result = api.patch(f"/projects/{created['id']}", {field: "x"})

    assert result.status == 422
    assert table_snapshot(api.cloud) == before


def test_patch_with_nothing_to_change_returns_400(api: ApiCaller) -> None:
    created = _create(api)

    result = api.patch(f"/projects/{created['id']}", {})

    assert result.status == 400


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"script": "  "}, 422),
        ({"script": "y" * (MAX_SCRIPT_BYTES + 1)}, 413),
        ({"settings": {"fps": 29}}, 422),
        ({"title": ""}, 422),
    ],
)
def test_patch_with_bad_value_is_rejected_and_changes_nothing(
    api: ApiCaller, body: dict[str, Any], status: int
) -> None:
    created = _create(api)
    before = table_snapshot(api.cloud)

    result = api.patch(f"/projects/{created['id']}", body)

    assert result.status == status
    assert table_snapshot(api.cloud) == before


# ------------------------------------------------------------------ delete


def test_delete_project_removes_it_and_its_files(api: ApiCaller) -> None:
    import boto3

    created = _create(api)
    other = _create(api, title="keep me")
    s3 = boto3.client("s3", region_name="us-east-1")
    bucket = api.cloud.buckets["MediaBucket"]
    for key in ("scenes/1/image.png", "video.mp4"):
        s3.put_object(Bucket=bucket, Key=f"projects/{created['id']}/{key}", Body=b"x")
    s3.put_object(Bucket=bucket, Key=f"projects/{other['id']}/video.mp4", Body=b"x")

    result = api.delete(f"/projects/{created['id']}")

    assert result.status == 204
    assert result.body is None
    assert api.get(f"/projects/{created['id']}").status == 404
    remaining = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert remaining == [f"projects/{other['id']}/video.mp4"]
    assert api.get(f"/projects/{other['id']}").status == 200
    assert api.delete(f"/projects/{created['id']}").status == 404


# ------------------------------------------------------------------ list


def test_list_returns_newest_first_without_scripts(api: ApiCaller) -> None:
    ids = [_create(api, title=f"p{i}")["id"] for i in range(3)]

    result = api.get("/projects")

    assert result.status == 200
    assert [item["id"] for item in result.body["items"]] == ids[::-1]
    assert all("script" not in item for item in result.body["items"])
    assert result.body["next_cursor"] is None


def test_list_paginates_each_project_exactly_once(api: ApiCaller) -> None:
    ids = {_create(api, title=f"p{i}")["id"] for i in range(7)}

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = api.get("/projects", query=query).body
        pages += 1
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))


def test_list_with_status_filter_returns_full_pages(api: ApiCaller) -> None:
    # Given projects of which only some are FAILED, interleaved in time
    failed = []
    for i in range(6):
        created = _create(api, title=f"p{i}")
        if i % 2 == 0:
            force_status(created["id"], "FAILED")
            failed.append(created["id"])

    first = api.get("/projects", query={"status": "FAILED", "limit": "2"}).body
    second = api.get(
        "/projects", query={"status": "FAILED", "limit": "2", "cursor": first["next_cursor"]}
    ).body

    assert [item["id"] for item in first["items"]] == failed[::-1][:2]
    assert [item["id"] for item in second["items"]] == failed[::-1][2:]
    assert second["next_cursor"] is None
    assert api.get("/projects", query={"status": "COMPLETED"}).body["items"] == []


@pytest.mark.parametrize("limit", ["0", "101", "1000", "-1", "ten"])
def test_list_with_out_of_range_limit_returns_422(api: ApiCaller, limit: str) -> None:
    result = api.get("/projects", query={"limit": limit})

    assert result.status == 422
    assert result.body["error"]["details"]["errors"][0]["field"] == "query.limit"


def test_list_with_unknown_status_returns_422(api: ApiCaller) -> None:
    result = api.get("/projects", query={"status": "SLEEPING"})

    assert result.status == 422


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        "eyJpIjoiQnlPd25lciJ9",  # {"i":"ByOwner"} without a key
        "e30",  # {}
    ],
)
def test_list_with_garbage_cursor_returns_400(api: ApiCaller, cursor: str) -> None:
    result = api.get("/projects", query={"cursor": cursor})

    assert result.status == 400
    assert result.error_code == "INVALID_CURSOR"


def test_cursor_of_another_owner_or_filter_is_rejected(api: ApiCaller) -> None:
    for i in range(3):
        _create(api, title=f"p{i}")
    cursor = api.get("/projects", query={"limit": "1"}).body["next_cursor"]
    assert cursor

    other_owner = api.as_owner("owner-bob").get("/projects", query={"cursor": cursor})
    other_filter = api.get("/projects", query={"cursor": cursor, "status": "DRAFT"})

    assert (other_owner.status, other_filter.status) == (400, 400)


# ------------------------------------------------------------------ health and request ids


def test_health_checks_table_and_bucket(api: ApiCaller) -> None:
    result = api.get("/health/details")

    assert result.status == 200
    assert result.body["status"] == "ok"
    assert result.body["dependencies"] == {
        "dynamodb": {"status": "ok", "detail": None},
        "s3": {"status": "ok", "detail": None},
        "stepfunctions": {"status": "ok", "detail": None},
    }


def test_health_reports_503_when_the_bucket_is_gone(api: ApiCaller) -> None:
    import boto3

    boto3.client("s3", region_name="us-east-1").delete_bucket(Bucket=api.cloud.buckets["MediaBucket"])

    result = api.get("/health/details")

    assert result.status == 503
    assert result.body["status"] == "degraded"
    assert result.body["dependencies"]["s3"]["status"] == "error"
    assert result.body["dependencies"]["dynamodb"]["status"] == "ok"


def test_well_formed_caller_request_id_is_adopted(api: ApiCaller) -> None:
    result = api.get("/projects", headers={"X-Request-Id": "client-req-0001"})

    assert result.headers["X-Request-Id"] == "client-req-0001"


@pytest.mark.parametrize("given", ["short", "has space in it", "x" * 200, "evil\nheader"])
def test_malformed_caller_request_id_is_replaced(api: ApiCaller, given: str) -> None:
    result = api.get(f"/projects/{'0' * 32}", headers={"X-Request-Id": given})

    assert result.headers["X-Request-Id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert result.body["error"]["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def test_unexpected_error_returns_500_without_internals_and_logs_traceback(
    api: ApiCaller, monkeypatch: pytest.MonkeyPatch, logs: LogCapture
) -> None:
    from videogen.logic import projects as logic

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail at /var/task/x.py")

    monkeypatch.setattr(logic, "get_project", explode)

    result = api.get(f"/projects/{'0' * 32}")

    assert result.status == 500
    assert result.error_code == "INTERNAL_ERROR"
    assert "secret" not in json.dumps(result.body)
    assert result.body["error"]["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    errors = [entry for entry in logs.entries() if entry.get("level") == "ERROR"]
    assert errors, "the unexpected error must be logged"
    assert "RuntimeError: secret internal detail" in errors[-1]["exception"]
    assert errors[-1]["correlation_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def test_logs_never_carry_the_script(api: ApiCaller, logs: LogCapture) -> None:
    secret = "## Scene\nTOP-SECRET-PLOT-TWIST"
    created = _create(api, script=secret)
    api.patch(f"/projects/{created['id']}", {"script": secret + " again"})
    api.post("/projects", {"title": "t", "script": secret, "bogus": 1})

    assert logs.entries(), "the requests were logged"
    assert "TOP-SECRET-PLOT-TWIST" not in logs.text
