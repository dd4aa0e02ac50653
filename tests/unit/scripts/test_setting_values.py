"""A script's settings are ProjectSettings' fields, checked by ProjectSettings, in a script's spellings."""

from __future__ import annotations

import pytest

from videogen.domain.enums import AspectRatio, Resolution
from videogen.domain.settings import ProjectSettings
from videogen.scripts.errors import FieldProblem, Reason
from videogen.scripts.model import ScriptSettings
from videogen.scripts.setting_values import SETTING_KEYS, setting_value


def test_a_script_may_set_every_project_setting_and_its_music() -> None:
    assert (*ProjectSettings.model_fields, "music") == SETTING_KEYS
    assert set(ScriptSettings.model_fields) == set(SETTING_KEYS)
    assert ScriptSettings().model_dump() == dict.fromkeys(SETTING_KEYS)


@pytest.mark.parametrize(
    ("key", "written", "value"),
    [
        ("aspect_ratio", "Landscape", AspectRatio.LANDSCAPE),
        ("aspect_ratio", "9 : 16", AspectRatio.PORTRAIT),
        ("resolution", "1080", Resolution.FULL_HD),
        ("fps", " 25 ", 25),
        ("seed", "42", 42),
        ("captions", "off", False),
        ("voice", "POLLY:joanna", "polly:Joanna"),
        ("style", " soft   light ", "soft light"),
    ],
)
def test_script_spellings_become_project_setting_values(key: str, written: object, value: object) -> None:
    assert setting_value(key, written) == value


@pytest.mark.parametrize(
    ("key", "written", "problem"),
    [
        ("fps", "29", "fps must be one of 24, 25, 30"),
        ("resolution", "hd", "resolution must be one of 480p, 720p, 1080p"),
        ("seed", 1.0, "seed must be a whole number from 0 to 4,294,967,295"),
        ("seed", "9" * 30, "seed must be a whole number from 0 to 4,294,967,295"),
        ("captions", 1, "captions must be true or false"),
        ("voice", "nobody", 'voice "nobody" is not a voice videogen has'),
        ("style", "s" * 201, "style is 201 characters; the limit is 200"),
        ("music", ["a"], "music must be text"),
    ],
)
def test_a_bad_setting_is_worded_from_its_field(key: str, written: object, problem: str) -> None:
    with pytest.raises(FieldProblem) as caught:
        setting_value(key, written)

    assert (caught.value.reason, caught.value.problem) == (Reason.INVALID_SETTING, problem)
    assert key in caught.value.hint


def test_setting_value_refuses_unknown_keys() -> None:
    with pytest.raises(FieldProblem) as caught:
        setting_value("colour", "blue")

    assert caught.value.reason is Reason.UNKNOWN_SETTING
