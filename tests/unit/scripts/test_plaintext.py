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


def test_plaintext_picture_line_names_the_scenes_own_picture_and_is_not_spoken() -> None:
    script = parse_script(
        "The alarm rings.\n  picture: photos\\alarm clock.JPG\nIt is six.\n", ScriptFormat.TEXT
    )

    scene = script.scenes[0]
    assert scene.narration == "The alarm rings. It is six."
    assert scene.picture is not None
    assert (scene.picture.path, scene.picture.line, scene.picture.column) == ("photos/alarm clock.JPG", 2, 12)
    assert scene.picture.text == "  picture: photos\\alarm clock.JPG"


def test_plaintext_paragraph_of_only_a_picture_line_is_a_scene() -> None:
    script = parse_script("Photo: <sunrise.webp>\n\nCold water.\n", "txt")

    first, second = script.scenes
    assert (first.narration, first.line) == ("", 1)
    assert first.picture is not None
    assert first.picture.path == "sunrise.webp"
    assert second.picture is None


def test_plaintext_picture_without_a_file_suffix_stays_narration() -> None:
    script = parse_script("Picture: a quiet harbour at dawn.\nPicture: v2.0\n", "txt")

    assert script.scenes[0].narration == "Picture: a quiet harbour at dawn. Picture: v2.0"
    assert script.scenes[0].picture is None


def test_plaintext_second_picture_in_a_paragraph_is_a_duplicate_directive() -> None:
    error = parse_error("One.\nPicture: a.jpg\nPicture: b.jpg\n\nPicture: c.jpg\n", "txt")

    assert where(error) == ("duplicate_directive", 3, 10)


def test_plaintext_picture_of_an_unusable_type_is_an_error_at_the_path() -> None:
    error = parse_error("One.\n\nTwo.\nPicture: animation.gif\n", "txt")

    assert where(error) == ("unsupported_picture_type", 4, 10)
    assert "GIF" in error.message
