"""Choosing the format, and the error envelope every script error shares."""

from __future__ import annotations

import pytest

from videogen.domain.enums import ScriptFormat
from videogen.exceptions import ScriptParsingException
from videogen.scripts.parser import detect_format, parse_script

from ._support import parse_error, where

# One source that each format reads differently, so the chosen parser shows in the result.
AMBIGUOUS = '{"scenes": [{"narration": "json"}]}'


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("story.md", ScriptFormat.MARKDOWN),
        ("STORY.MD", ScriptFormat.MARKDOWN),
        ("story.markdown", ScriptFormat.MARKDOWN),
        ("story.txt", ScriptFormat.TEXT),
        ("story.fountain", ScriptFormat.FOUNTAIN),
        ("story.spmd", ScriptFormat.FOUNTAIN),
        ("story.json", ScriptFormat.JSON),
        ("dir.v2/story.json", ScriptFormat.JSON),
        ("C:\\scripts\\story.Fountain", ScriptFormat.FOUNTAIN),
        ("archive.tar.md", ScriptFormat.MARKDOWN),
    ],
)
def test_detect_format_reads_the_extension(filename: str, expected: ScriptFormat) -> None:
    assert detect_format(filename) is expected


@pytest.mark.parametrize("filename", ["story.docx", "story", "story.", "dir.md/story", ""])
def test_detect_format_refuses_unknown_extensions(filename: str) -> None:
    with pytest.raises(ScriptParsingException) as caught:
        detect_format(filename)

    assert caught.value.details["reason"] == "unsupported_format"
    assert (caught.value.details["line"], caught.value.details["column"]) == (1, 1)
    assert ".fountain" in caught.value.details["hint"]


def test_explicit_format_wins_over_the_filename() -> None:
    script = parse_script(AMBIGUOUS, ScriptFormat.JSON, filename="story.txt")

    assert script.format is ScriptFormat.JSON
    assert script.scenes[0].narration == "json"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("md", ScriptFormat.MARKDOWN),
        ("Markdown", ScriptFormat.MARKDOWN),
        (".txt", ScriptFormat.TEXT),
        ("text", ScriptFormat.TEXT),
        ("plain", ScriptFormat.TEXT),
        ("FOUNTAIN", ScriptFormat.FOUNTAIN),
        (" json ", ScriptFormat.JSON),
    ],
)
def test_format_names_are_accepted_in_any_case(name: str, expected: ScriptFormat) -> None:
    assert parse_script(AMBIGUOUS, name).format is expected


def test_filename_decides_when_no_format_is_given() -> None:
    assert parse_script(AMBIGUOUS, filename="x.json").format is ScriptFormat.JSON
    assert parse_script(AMBIGUOUS, filename="x.txt").format is ScriptFormat.TEXT


@pytest.mark.parametrize("filename", [None, "README", "scripts/draft"])
def test_markdown_is_the_default_without_a_filename_or_an_extension(filename: str | None) -> None:
    script = parse_script("Hello.", filename=filename)

    assert script.format is ScriptFormat.MARKDOWN


def test_filename_ending_in_a_dot_is_unsupported() -> None:
    error = parse_error("Hello.", filename="notes.")

    assert where(error) == ("unsupported_format", 1, 1)


def test_unknown_format_name_is_unsupported() -> None:
    error = parse_error("Hello.", "docx")

    assert where(error) == ("unsupported_format", 1, 1)
    assert error.details["text"] == "docx"


def test_unknown_extension_is_unsupported_even_for_a_valid_script() -> None:
    error = parse_error("## A\nHello.\n", filename="story.pdf")

    assert (error.details["reason"], error.details["text"]) == ("unsupported_format", "story.pdf")


def test_bytes_and_text_give_the_same_script() -> None:
    text = "---\ntitle: Café\n---\n## Naïve\nDéjà vu.\n"

    assert parse_script(text.encode("utf-8")) == parse_script(text)


def test_error_to_dict_is_the_public_envelope() -> None:
    error = parse_error("## A\nDuration: 45s\n")

    assert error.to_dict() == {
        "code": "SCRIPT_PARSE_ERROR",
        "message": 'line 2: "Duration: 45s" — a scene lasts 1 to 30 seconds',
        "details": {
            "line": 2,
            "column": 11,
            "text": "Duration: 45s",
            "hint": "use 1s to 30s, or split the scene in two",
            "reason": "duration_out_of_range",
        },
    }
