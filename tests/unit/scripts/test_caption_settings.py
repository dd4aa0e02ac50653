"""Caption settings in scripts: front matter, a Fountain title page and JSON ``settings``, their errors,
and how they become project settings."""

from __future__ import annotations

import pytest

from videogen.domain.enums import CaptionOutline, CaptionPosition, CaptionSize, ScriptFormat
from videogen.domain.settings import ProjectSettings
from videogen.logic.projects import settings_from
from videogen.scripts.model import ScriptSettings
from videogen.scripts.parser import parse_script

from ._support import parse_error, where

FRONT_MATTER = """---
captions: yes
caption-position: Top
Caption Size: large
caption_outline: box
---
## Dawn
The sea wakes up.
"""
CAPTION_SETTINGS = ScriptSettings(
    captions=True,
    caption_position=CaptionPosition.TOP,
    caption_size=CaptionSize.LARGE,
    caption_outline=CaptionOutline.BOX,
)


def test_front_matter_reads_the_caption_settings() -> None:
    script = parse_script(FRONT_MATTER)

    assert script.settings == CAPTION_SETTINGS


def test_fountain_title_page_reads_the_caption_settings() -> None:
    text = (
        "Title: Dawn\nCaption Position: middle\nCaption Size: small\nCaption Outline: thin\n"
        "Captions: off\n\nEXT. SHORE - DAY\n\nThe sea wakes up.\n"
    )

    script = parse_script(text, ScriptFormat.FOUNTAIN)

    assert script.settings == ScriptSettings(
        captions=False,
        caption_position=CaptionPosition.MIDDLE,
        caption_size=CaptionSize.SMALL,
        caption_outline=CaptionOutline.THIN,
    )


def test_json_settings_read_the_caption_settings() -> None:
    text = (
        '{"settings": {"captions": true, "caption_position": "top", "caption_size": "large", '
        '"caption_outline": "box"}, "scenes": [{"narration": "The sea wakes up."}]}'
    )

    script = parse_script(text, ScriptFormat.JSON)

    assert script.settings == CAPTION_SETTINGS


@pytest.mark.parametrize(("written", "expected"), [("false", False), ("No", False), ("on", True)])
def test_captions_switch_reads_yaml_words(written: str, expected: bool) -> None:
    script = parse_script(f"---\ncaptions: {written}\n---\nText.\n")

    assert script.settings.captions is expected


@pytest.mark.parametrize(
    ("line", "column", "valid"),
    [
        ("caption_position: bottom-left", 19, "bottom, middle, top"),
        ("caption_size: huge", 15, "small, medium, large"),
        ("caption_outline: glow", 18, "none, thin, medium, thick, box"),
        ("captions: maybe", 11, "true or false"),
        ("caption_size: [small]", 15, "a single value"),
    ],
)
def test_front_matter_bad_caption_setting_names_the_valid_values_at_its_line(
    line: str, column: int, valid: str
) -> None:
    error = parse_error(f"---\ntitle: Dawn\n{line}\n---\n## A\nText.\n")

    assert where(error) == ("invalid_setting", 3, column)
    assert valid in error.message
    assert error.details["text"] == line
    key = line.split(":", 1)[0]
    assert key in error.details["hint"]


@pytest.mark.parametrize(
    ("setting", "valid"),
    [
        ('"caption_position": "left"', "bottom, middle, top"),
        ('"caption_size": 3', "small, medium, large"),
        ('"caption_outline": "Glow"', "none, thin, medium, thick, box"),
        ('"captions": 1', "true or false"),
        ('"captions": "sometimes"', "true or false"),
    ],
)
def test_json_bad_caption_setting_is_reported_at_its_line(setting: str, valid: str) -> None:
    text = '{"scenes": [{"narration": "ok"}],\n "settings": {\n  ' + setting + "\n }\n}"

    error = parse_error(text, ScriptFormat.JSON)

    assert where(error) == ("invalid_setting", 3, 3)
    key = setting.split('"')[1]
    assert f"settings.{key}: {key} must be" in error.message
    assert valid in error.message
    assert key in error.details["hint"]


def test_script_caption_settings_become_project_settings_under_explicit_ones() -> None:
    parsed = parse_script(FRONT_MATTER)

    from_script = settings_from(parsed, {}, {})
    overridden = settings_from(parsed, {}, {"caption_size": "small", "captions": False})

    assert from_script == ProjectSettings(
        caption_position=CaptionPosition.TOP,
        caption_size=CaptionSize.LARGE,
        caption_outline=CaptionOutline.BOX,
    )
    assert overridden.caption_size is CaptionSize.SMALL
    assert overridden.captions is False
    assert overridden.caption_position is CaptionPosition.TOP


def test_a_script_without_caption_settings_keeps_the_defaults() -> None:
    settings = settings_from(parse_script("## A\nText.\n"), {}, {})

    assert settings.captions is True
    assert settings.caption_options() == ProjectSettings().caption_options()
    assert (settings.caption_position, settings.caption_size, settings.caption_outline) == (
        CaptionPosition.BOTTOM,
        CaptionSize.MEDIUM,
        CaptionOutline.MEDIUM,
    )
