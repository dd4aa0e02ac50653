"""What every format shares: emphasis, paragraphs, durations, transitions, positions and error excerpts."""

from __future__ import annotations

import pytest

from videogen.domain.enums import Transition
from videogen.scripts.assembly import picture_words
from videogen.scripts.errors import FieldProblem, Location, Reason, excerpt, script_error
from videogen.scripts.scene_values import parse_duration, parse_transition
from videogen.scripts.source import byte_location, location_at
from videogen.scripts.text import split_paragraphs, strip_emphasis


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("*italics*", "italics"),
        ("**bold**", "bold"),
        ("***bold italics***", "bold italics"),
        ("_underline_", "underline"),
        ("_**mixed**_", "mixed"),
        ("snake_case_name", "snake_case_name"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("He dialed *69 and then *23.", "He dialed *69 and then *23."),
        ("He dialed *69 and then 23*.", "He dialed 69 and then 23."),
        ("\\*escaped\\*", "*escaped*"),
        ("a \\ b", "a \\ b"),
        ("*unclosed", "*unclosed"),
        ("", ""),
    ],
)
def test_strip_emphasis(line: str, expected: str) -> None:
    assert strip_emphasis(line) == expected


def test_strip_emphasis_is_linear_on_pathological_input() -> None:
    line = "*a " * 20_000 + "_" * 20_000

    assert strip_emphasis(line) == line


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1", 1.0),
        ("30", 30.0),
        (" 4.25s ", 4.25),
        (".5 s", None),
        ("1000 milliseconds", 1.0),
        ("2 secs", 2.0),
    ],
)
def test_parse_duration(value: str, seconds: float | None) -> None:
    if seconds is None:
        with pytest.raises(FieldProblem) as caught:
            parse_duration(value)
        assert caught.value.reason is Reason.DURATION_OUT_OF_RANGE
    else:
        assert parse_duration(value) == seconds


def test_parse_transition_unknown_names_the_choices() -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_transition("spin")

    assert caught.value.reason is Reason.UNKNOWN_TRANSITION
    assert all(t.value in caught.value.hint for t in Transition)


def test_split_paragraphs() -> None:
    assert split_paragraphs("a\n b\n\n \nc  d\n") == ["a b", "c d"]


def test_location_at_counts_lines_and_columns_from_one() -> None:
    assert location_at("ab\ncd\nef", 4) == Location(2, 2, "cd")
    assert location_at("ab", 0) == Location(1, 1, "ab")


def test_byte_location_treats_every_line_end_alike() -> None:
    data = b"one\r\ntwo\rthr\xc3\xa9e\nfour"

    assert byte_location(data, data.index(b"e\n")) == Location(3, 5, "thrée")
    assert byte_location(data, len(data)) == Location(4, 5, "four")


def test_excerpt_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert excerpt("  short  ") == "short"
    long = "x" * 100
    assert excerpt(long) == "x" * 79 + "…"
    assert len(excerpt(long, column=95)) <= 80


def test_excerpt_spells_out_control_characters() -> None:
    assert excerpt("a\x00b\tc\x85d") == "a\\x00b c\\x85d"


def test_script_error_without_text_or_place_points_at_line_one() -> None:
    error = script_error(Reason.EMPTY_SCRIPT, "the script has no scenes", "write something")

    assert error.message == "line 1: the script has no scenes"
    assert error.details == {
        "line": 1,
        "column": 1,
        "text": "",
        "hint": "write something",
        "reason": "empty_script",
    }


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("photos/harbour_at-dawn.jpg", "Harbour at dawn"),
        ("IMG.0042.jpeg", "IMG 0042"),
        ("___.png", "Picture"),
    ],
)
def test_picture_words_read_the_file_name_for_a_picture_only_scene_prompt(path: str, words: str) -> None:
    assert picture_words(path) == words
