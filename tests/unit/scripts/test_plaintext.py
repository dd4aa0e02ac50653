"""Plain text scripts: one scene per paragraph."""

from __future__ import annotations

from videogen.domain.enums import ScriptFormat, Transition
from videogen.scripts.model import ScriptSettings
from videogen.scripts.parser import parse_script

from ._support import parse_error, where


def test_plaintext_paragraphs_become_scenes_field_by_field() -> None:
    script = parse_script("The alarm rings.\nIt is six.\n\n\nCold   water.\n", ScriptFormat.TEXT)

    assert script.format is ScriptFormat.TEXT
    assert script.title is None
    assert script.settings == ScriptSettings()
    first, second = script.scenes
    assert (first.number, first.title, first.narration, first.line) == (
        1,
        None,
        "The alarm rings. It is six.",
        1,
    )
    assert (first.image_prompt, first.image_prompt_explicit) == ("The alarm rings. It is six.", False)
    assert (first.duration, first.transition) == (None, Transition.FADE)
    assert (second.number, second.narration, second.line) == (2, "Cold water.", 5)


def test_plaintext_has_no_markup_so_directives_and_headings_are_narration() -> None:
    script = parse_script("## Not a heading\nDuration: 99s\n*kept*\n", filename="notes.TXT")

    assert script.scenes[0].narration == "## Not a heading Duration: 99s *kept*"
    assert script.scenes[0].duration is None


def test_plaintext_whitespace_only_lines_separate_scenes() -> None:
    script = parse_script("One.\n \t \nTwo.\n", "txt")

    assert [(s.narration, s.line) for s in script.scenes] == [("One.", 1), ("Two.", 3)]


def test_plaintext_blank_only_text_is_an_empty_script() -> None:
    error = parse_error("\n  \n\t\n", "txt")

    assert where(error) == ("empty_script", 1, 1)


def test_plaintext_handles_cr_and_crlf_line_ends() -> None:
    script = parse_script(b"One.\r\r Two.\r\n\r\nThree.", "txt")

    assert [(s.narration, s.line) for s in script.scenes] == [("One.", 1), ("Two.", 3), ("Three.", 5)]
