"""Every limit of domain/limits.py, in every format it applies to, with the exact reason and place."""

from __future__ import annotations

import pytest

from videogen.domain.limits import MAX_NARRATION_CHARS, MAX_SCENES, MAX_SCRIPT_BYTES
from videogen.scripts.parser import parse_script

from ._support import parse_error, where


def txt_scenes(count: int) -> str:
    return "\n\n".join(f"Scene {number}." for number in range(1, count + 1)) + "\n"


# --- size -------------------------------------------------------------------------------------------


def test_script_of_exactly_100_kb_is_accepted() -> None:
    source = ("x" * 1022 + "\n\n") * 100
    assert len(source.encode()) == MAX_SCRIPT_BYTES

    script = parse_script(source, "txt")

    assert len(script.scenes) == 100


def test_script_over_100_kb_points_at_the_first_byte_past_the_limit() -> None:
    source = ("x" * 99 + "\n") * (MAX_SCRIPT_BYTES // 100 + 1)

    error = parse_error(source.encode(), "txt")

    # 102,400 bytes of 100-byte lines: the limit falls after line 1024, so byte 102,400 opens line 1025.
    assert where(error) == ("script_too_large", 1025, 1)
    assert "102,500 bytes" in error.message


def test_script_size_counts_utf8_bytes_not_characters() -> None:
    source = "é" * (MAX_SCRIPT_BYTES // 2 + 1)  # two bytes each: 102,402 bytes, 51,201 characters

    error = parse_error(source, "txt")

    assert where(error) == ("script_too_large", 1, MAX_SCRIPT_BYTES // 2 + 1)


def test_one_huge_line_reports_a_window_around_the_column() -> None:
    error = parse_error("a" * 200_000, "md")

    assert where(error) == ("script_too_large", 1, MAX_SCRIPT_BYTES + 1)
    assert error.details["text"].startswith("…") and error.details["text"].endswith("…")
    assert len(error.details["text"]) <= 80


def test_utf8_bom_is_not_counted_and_not_text() -> None:
    script = parse_script(b"\xef\xbb\xbf## Title\nText.\n")

    assert script.scenes[0].title == "Title"
    assert script.scenes[0].line == 1


def test_str_bom_is_tolerated() -> None:
    assert parse_script("\ufeff## Title\nText.\n").scenes[0].title == "Title"


# --- encoding and characters ------------------------------------------------------------------------


def test_invalid_utf8_reports_line_and_column_of_the_first_bad_byte() -> None:
    error = parse_error(b"## One\r\nGood line.\r\nBad \xe9t\xe9 here.\n", "md")

    assert where(error) == ("invalid_utf8", 3, 5)
    assert "0xe9" in error.message
    assert error.details["text"] == "Bad �t� here."


def test_invalid_utf8_column_counts_characters_after_a_bom_and_multibyte_text() -> None:
    error = parse_error(b"\xef\xbb\xbf\xc3\xa9\xc3\xa9\xff")

    assert where(error) == ("invalid_utf8", 1, 3)


def test_invalid_utf8_after_lone_cr_line_ends() -> None:
    error = parse_error(b"a\rb\r\xc3(\r", "txt")

    assert where(error) == ("invalid_utf8", 3, 1)


def test_truncated_multibyte_character_at_the_end_is_invalid_utf8() -> None:
    error = parse_error(b"Hello \xe2\x82", "txt")

    assert where(error) == ("invalid_utf8", 1, 7)


def test_lone_surrogate_in_text_input_is_invalid_utf8() -> None:
    error = parse_error("ok\nbad \ud800 char\n", "txt")

    assert where(error) == ("invalid_utf8", 2, 5)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_with_their_position(char: str) -> None:
    error = parse_error(f"## A\nfine\n\tbad{char}x\n")

    assert where(error) == ("control_character", 3, 5)
    assert f"U+{ord(char):04X}" in error.message
    assert "\\x" in error.details["text"]


def test_nul_byte_in_bytes_input_is_a_control_character() -> None:
    error = parse_error(b"one\r\ntwo\x00\r\n", "txt")

    assert where(error) == ("control_character", 2, 4)


def test_tabs_and_line_breaks_are_allowed() -> None:
    assert parse_script("\tTabbed\ttext.\r\n", "txt").scenes[0].narration == "Tabbed text."


# --- scene count ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "txt", "fountain"])
def test_empty_script_is_refused_in_every_format(fmt: str) -> None:
    error = parse_error("", fmt)

    assert where(error) == ("empty_script", 1, 1)


def test_200_scenes_are_accepted() -> None:
    assert len(parse_script(txt_scenes(MAX_SCENES), "txt").scenes) == MAX_SCENES


def test_txt_201_scenes_reports_the_line_of_scene_201() -> None:
    error = parse_error(txt_scenes(MAX_SCENES + 1), "txt")

    assert where(error) == ("too_many_scenes", 401, 1)
    assert error.details["text"] == "Scene 201."


def test_markdown_201_scenes_reports_the_heading_of_scene_201() -> None:
    source = "".join(f"## S{n}\nText.\n" for n in range(1, MAX_SCENES + 2))

    error = parse_error(source)

    assert where(error) == ("too_many_scenes", 401, 1)
    assert error.details["text"] == "## S201"


def test_fountain_201_scenes_reports_the_heading_of_scene_201() -> None:
    source = "".join(f"INT. ROOM {n} - DAY\n\nText.\n\n" for n in range(1, MAX_SCENES + 2))

    error = parse_error(source, "fountain")

    assert where(error) == ("too_many_scenes", 801, 1)


# --- narration ---------------------------------------------------------------------------------------


SCENE_OPENINGS = {"md": "## A\n", "txt": "", "fountain": "INT. A - DAY\n\n"}


@pytest.mark.parametrize("fmt", sorted(SCENE_OPENINGS))
def test_narration_at_the_limit_is_accepted(fmt: str) -> None:
    script = parse_script(SCENE_OPENINGS[fmt] + "n" * MAX_NARRATION_CHARS + "\n", fmt)

    assert len(script.scenes[0].narration) == MAX_NARRATION_CHARS


@pytest.mark.parametrize("fmt", sorted(SCENE_OPENINGS))
def test_narration_over_the_limit_reports_the_scene_start(fmt: str) -> None:
    error = parse_error("Intro.\n\n" * (fmt == "txt") + SCENE_OPENINGS[fmt] + "n" * 1501 + "\n", fmt)

    assert where(error) == ("narration_too_long", 3 if fmt == "txt" else 1, 1)


def test_markdown_narration_limit_counts_the_paragraph_separators() -> None:
    error = parse_error("## A\n" + "n" * 749 + "\n\n" + "n" * 750 + "\n")

    assert "1,501 characters" in error.message


def test_fountain_dialogue_over_the_limit_is_too_long() -> None:
    speech = "word " * 300

    error = parse_error(f"Title: T\n\nINT. A - DAY\n\nBOB\n{speech}\n", "fountain")

    assert where(error) == ("narration_too_long", 3, 1)


def test_unknown_voice_in_front_matter_reports_its_line() -> None:
    from videogen.exceptions import ScriptParsingException

    with pytest.raises(ScriptParsingException) as caught:
        parse_script("---\ntitle: T\nvoice: robot-9000\n---\n## A\nHello.\n")

    assert caught.value.details["line"] == 3
    assert caught.value.details["reason"] == "invalid_setting"
    assert "voice" in caught.value.message
