"""/scripts/check and /settings: a script read without storing it, and the settings form's definitions."""

from __future__ import annotations

import boto3
import pytest

from tests.support.api import ApiCaller
from videogen.config import get_config
from videogen.domain.enums import ProjectStatus, ScriptFormat
from videogen.domain.settings import ProjectSettings
from videogen.domain.voices import valid_voice_ids

SCRIPT = "## Dawn\nThe sea wakes up.\n\n## Noon\nGulls circle the lamp room.\nDuration: 4s\n"


def _stored_items() -> int:
    table = boto3.resource("dynamodb").Table(get_config().table_name)
    return int(table.scan(Select="COUNT")["Count"])


def test_check_reads_the_scenes_and_stores_nothing(api: ApiCaller) -> None:
    before = _stored_items()

    result = api.post("/scripts/check", {"script": SCRIPT, "settings": {"voice": "none"}})

    assert result.status == 200, result.body
    body = result.body
    assert body["valid"] is True
    assert body["problem"] is None
    assert body["scene_count"] == 2
    assert [(scene["number"], scene["title"], scene["line"]) for scene in body["scenes"]] == [
        (1, "Dawn", 1),
        (2, "Noon", 4),
    ]
    assert body["scenes"][1]["estimated_seconds"] == 4.0  # the script fixed it
    assert body["estimated_seconds"] == pytest.approx(sum(s["estimated_seconds"] for s in body["scenes"]))
    assert body["settings"]["voice"] == "none"
    assert _stored_items() == before


def test_check_of_a_broken_script_answers_the_line_and_column(api: ApiCaller) -> None:
    result = api.post("/scripts/check", {"script": "## Dawn\nThe sea wakes up.\nDuration: 45s\n"})

    assert result.status == 200, result.body
    assert result.body["valid"] is False
    assert result.body["scene_count"] == 0
    assert result.body["scenes"] == []
    problem = result.body["problem"]
    assert problem["code"] == "SCRIPT_PARSE_ERROR"
    assert problem["reason"] == "duration_out_of_range"
    assert (problem["line"], problem["column"]) == (3, 11)
    assert problem["text"] == "Duration: 45s"
    assert "1 to 30 seconds" in problem["message"]
    assert problem["hint"]


@pytest.mark.parametrize(
    ("script", "script_format", "reason", "line"),
    [
        ("", "md", "empty_script", 1),
        ("---\naspect_ratio: 4:3\n---\n## A\nText.\n", "md", "invalid_setting", 2),
        ('{"scenes": [{"narration": "x"}], "bogus": 1}', "json", "unknown_field", 1),
        ("First scene.\n\nSecond \x01 scene.\n", "txt", "control_character", 3),
    ],
)
def test_check_reports_each_formats_problems_as_answers(
    api: ApiCaller, script: str, script_format: str, reason: str, line: int
) -> None:
    result = api.post("/scripts/check", {"script": script, "script_format": script_format})

    assert result.status == 200, result.body
    assert result.body["valid"] is False
    assert result.body["problem"]["reason"] == reason
    assert result.body["problem"]["line"] == line


def test_check_refuses_bad_requests_with_the_envelope(api: ApiCaller) -> None:
    unknown = api.post("/scripts/check", {"script": SCRIPT, "settings": {"aspect_ratio": "4:3"}})
    assert unknown.status == 422
    assert unknown.body["error"]["code"] == "VALIDATION_ERROR"

    missing = api.post("/scripts/check", {})
    assert missing.status == 422

    huge = api.post("/scripts/check", {"script": "## A\n" + "x" * 200_000})
    assert huge.status == 413
    assert huge.body["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_check_and_settings_need_a_caller(api: ApiCaller) -> None:
    anonymous = api.as_owner(None)
    assert anonymous.post("/scripts/check", {"script": SCRIPT}).status == 401
    assert anonymous.get("/settings").status == 401


def test_settings_describe_every_field_with_the_apis_own_choices(api: ApiCaller) -> None:
    result = api.get("/settings")

    assert result.status == 200, result.body
    fields = {item["name"]: item for item in result.body["fields"]}
    assert list(fields) == list(ProjectSettings.model_fields)
    assert result.body["script_formats"] == [item.value for item in ScriptFormat]
    assert result.body["project_statuses"] == [item.value for item in ProjectStatus]
    assert fields["aspect_ratio"]["kind"] == "choice"
    assert fields["aspect_ratio"]["choices"] == ["16:9", "9:16", "1:1"]
    assert fields["aspect_ratio"]["default"] == "16:9"
    assert fields["fps"]["choices"] == [24, 25, 30]
    assert fields["voice"]["choices"] == valid_voice_ids()
    assert fields["captions"]["kind"] == "boolean"
    assert fields["seed"] == {
        **fields["seed"],
        "kind": "integer",
        "minimum": 0,
        "nullable": True,
        "default": None,
    }
    assert fields["image_providers"]["kind"] == "choices"
    assert fields["image_providers"]["max_items"] == 3
    # Every choice offered is one the API accepts.
    for name, item in fields.items():
        for choice in item["choices"]:
            value = [choice] if item["kind"] == "choices" else choice
            ProjectSettings.model_validate({name: value})
