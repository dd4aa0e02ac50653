"""Markdown scripts: front matter, scenes, directives, narration, and their errors."""

from __future__ import annotations

import pytest

from videogen.domain.enums import AspectRatio, ImageProviderName, Resolution, ScriptFormat, Transition
from videogen.exceptions import ScriptParsingException
from videogen.scripts.markdown import _front_matter_entries
from videogen.scripts.model import ScriptSettings
from videogen.scripts.parser import parse_script

from ._support import parse_error, where

FULL_SCRIPT = """---
title: The Lighthouse
aspect_ratio: 16:9
resolution: 720p
fps: 25
style: watercolor, soft light
image_provider: stability
seed: 42
voice: local:en_US-joe-medium
music: calm-piano
---

## The Keeper
Image: an old keeper on a spiral staircase
Duration: 4.5s
Transition: cut

An old keeper climbs the stairs.
Every step creaks.

He reaches the lamp.

## The Storm
The storm comes.
"""


def test_markdown_full_script_reads_every_field() -> None:
    script = parse_script(FULL_SCRIPT)

    assert script.format is ScriptFormat.MARKDOWN
    assert script.title == "The Lighthouse"
    assert script.settings == ScriptSettings(
        aspect_ratio=AspectRatio.LANDSCAPE,
        resolution=Resolution.HD,
        fps=25,
        style="watercolor, soft light",
        image_provider=ImageProviderName.STABILITY,
        seed=42,
        voice="local:en_US-joe-medium",
        music="calm-piano",
    )
    first, second = script.scenes
    assert first.number == 1
    assert first.title == "The Keeper"
    assert first.narration == "An old keeper climbs the stairs. Every step creaks.\n\nHe reaches the lamp."
    assert first.image_prompt == "an old keeper on a spiral staircase"
    assert first.image_prompt_explicit is True
    assert first.duration == 4.5
    assert first.transition is Transition.CUT
    assert first.line == 13
    assert second.number == 2
    assert second.title == "The Storm"
    assert second.narration == "The storm comes."
    assert second.image_prompt == "The Storm. The storm comes."
    assert second.image_prompt_explicit is False
    assert second.duration is None
    assert second.transition is Transition.FADE
    assert second.line == 23


def test_markdown_without_front_matter_uses_defaults() -> None:
    script = parse_script("## One\nHello.\n")

    assert script.title is None
    assert script.settings == ScriptSettings()
    assert script.scenes[0].image_prompt == "One. Hello."


def test_markdown_h1_before_first_scene_is_the_title() -> None:
    script = parse_script("\n# My *Film*\n\n## One\nHello.\n")

    assert script.title == "My Film"
    assert [scene.title for scene in script.scenes] == ["One"]


def test_markdown_front_matter_title_wins_over_h1() -> None:
    script = parse_script("---\ntitle: From front matter\n---\n# From heading\n\n## One\nHello.\n")

    assert script.title == "From front matter"
    assert len(script.scenes) == 1


def test_markdown_h1_after_content_starts_a_scene() -> None:
    script = parse_script("Intro words.\n\n# Chapter\nText.\n")

    assert script.title is None
    assert [(s.title, s.narration, s.line) for s in script.scenes] == [
        (None, "Intro words.", 1),
        ("Chapter", "Text.", 3),
    ]


def test_markdown_text_before_first_heading_is_an_untitled_first_scene() -> None:
    script = parse_script("# Title\n\nOnce upon a time.\n\n## Next\nThen.\n")

    assert script.title == "Title"
    assert [(s.number, s.title, s.narration, s.line) for s in script.scenes] == [
        (1, None, "Once upon a time.", 3),
        (2, "Next", "Then.", 5),
    ]


def test_markdown_thematic_breaks_start_untitled_scenes_and_empty_ones_are_skipped() -> None:
    script = parse_script("First.\n\n---\n\n***\nSecond.\n- - -\n___\nThird.\n---\n")

    assert [(s.title, s.narration, s.line) for s in script.scenes] == [
        (None, "First.", 1),
        (None, "Second.", 6),
        (None, "Third.", 9),
    ]


def test_markdown_leading_rule_followed_by_prose_is_a_scene_break_not_front_matter() -> None:
    script = parse_script("---\nOnce upon a time.\n---\nThe end.\n")

    assert script.settings == ScriptSettings()
    assert [s.narration for s in script.scenes] == ["Once upon a time.", "The end."]


def test_markdown_deeper_headings_start_scenes_and_closing_hashes_go() -> None:
    script = parse_script("### Three ###\nA.\n###### Six\nB.\n####### seven is text\n#hashtag\n")

    assert [s.title for s in script.scenes] == ["Three", "Six"]
    assert script.scenes[1].narration == "B. ####### seven is text #hashtag"


def test_markdown_heading_without_text_and_without_content_is_skipped() -> None:
    script = parse_script("##\n\n## Real\nText.\n")

    assert [s.title for s in script.scenes] == ["Real"]


def test_markdown_heading_without_body_is_a_scene_with_its_title_only() -> None:
    script = parse_script("## Silent shot\n## Next\nWords.\n")

    first = script.scenes[0]
    assert (first.title, first.narration, first.image_prompt) == ("Silent shot", "", "Silent shot.")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Duration: 4s", 4.0),
        ("Duration: 4.5 s", 4.5),
        ("Duration: 1500ms", 1.5),
        ("Duration: 4", 4.0),
        ("Duration: 4 sec", 4.0),
        ("duration: 12 seconds", 12.0),
        ("DURATION: 2,5s", 2.5),
        ("Duration: 1s", 1.0),
        ("Duration: 30s", 30.0),
        ("Duration: 30000 ms", 30.0),
        ("**Duration:** 3s", 3.0),
    ],
)
def test_markdown_duration_directive_accepts_written_forms(line: str, expected: float) -> None:
    script = parse_script(f"## A\n{line}\nText.\n")

    assert script.scenes[0].duration == expected
    assert script.scenes[0].narration == "Text."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cut", Transition.CUT),
        ("FADE", Transition.FADE),
        ("fadeblack", Transition.FADE_BLACK),
        ("dissolve", Transition.DISSOLVE),
        ("Slide", Transition.SLIDE),
        ("wipe", Transition.WIPE),
        ("circle", Transition.CIRCLE),
        ("crossfade", Transition.FADE),
        ("cross-fade", Transition.FADE),
        ("fade to black", Transition.FADE_BLACK),
        ("Fade-To-Black", Transition.FADE_BLACK),
        ("fade out", Transition.FADE_BLACK),
        ("cross dissolve", Transition.DISSOLVE),
        ("hard cut", Transition.CUT),
        ("CUT TO:", Transition.CUT),
        ("iris", Transition.CIRCLE),
        ("push", Transition.SLIDE),
    ],
)
def test_markdown_transition_directive_accepts_names_and_aliases(value: str, expected: Transition) -> None:
    script = parse_script(f"## A\nText.\nTransition: {value}\n")

    assert script.scenes[0].transition is expected


def test_markdown_image_directive_variants_set_an_explicit_prompt() -> None:
    script = parse_script(
        "## A\nimage: a red door\n## B\nImage prompt:   a   blue   sea  \n## C\n**Image:** a green hill\n"
    )

    assert [(s.image_prompt, s.image_prompt_explicit) for s in script.scenes] == [
        ("a red door", True),
        ("a blue sea", True),
        ("a green hill", True),
    ]


def test_markdown_directive_before_any_heading_applies_to_the_first_scene() -> None:
    script = parse_script("Duration: 3s\nHello there.\n")

    assert (script.scenes[0].duration, script.scenes[0].narration, script.scenes[0].line) == (
        3.0,
        "Hello there.",
        1,
    )


def test_markdown_directive_ends_the_paragraph_it_interrupts() -> None:
    script = parse_script("## A\nLine one\nDuration: 3s\nLine two\n")

    assert script.scenes[0].narration == "Line one\n\nLine two"


def test_markdown_other_key_value_lines_are_narration() -> None:
    script = parse_script("## A\nNote: the sea is calm.\nMARA: Hello!\n")

    assert script.scenes[0].narration == "Note: the sea is calm. MARA: Hello!"


def test_markdown_inline_markup_is_removed_from_narration_and_titles() -> None:
    script = parse_script(
        "## The *Bold* `Move`\n"
        "> A **quoted** line with a [link](https://example.com) and ![an image](pic.png).\n"
        "- a bullet with snake_case_words and 2 * 3 and \\*stars\\*\n"
    )

    scene = script.scenes[0]
    assert scene.title == "The Bold Move"
    assert scene.narration == (
        "A quoted line with a link and an image. a bullet with snake_case_words and 2 * 3 and *stars*"
    )


def test_markdown_front_matter_accepts_friendly_keys_and_values() -> None:
    script = parse_script(
        "---\nAspect-Ratio: portrait\nResolution: 1080\nImage Provider: BEDROCK\nfps: '24'\n"
        'title: "Quoted: title"\nseed:\nvoice: ~\n---\nText.\n'
    )

    assert script.title == "Quoted: title"
    assert script.settings == ScriptSettings(
        aspect_ratio=AspectRatio.PORTRAIT,
        resolution=Resolution.FULL_HD,
        image_provider=ImageProviderName.BEDROCK,
        fps=24,
    )


def test_markdown_front_matter_may_close_with_dots_and_may_be_empty() -> None:
    assert parse_script("---\nfps: 30\n...\nText.\n").settings.fps == 30
    script = parse_script("---\n---\nText.\n")
    assert (script.settings, script.scenes[0].line) == (ScriptSettings(), 3)


def test_markdown_front_matter_comments_are_fine() -> None:
    script = parse_script("---\nfps: 30  # smooth\n# a comment line\nseed: 7\n---\nText.\n")

    assert (script.settings.fps, script.settings.seed) == (30, 7)


def test_markdown_front_matter_only_is_an_empty_script_pointing_after_it() -> None:
    error = parse_error("---\ntitle: Nothing\n---\n")

    assert where(error) == ("empty_script", 4, 1)


@pytest.mark.parametrize(
    ("front_matter_line", "reason", "column"),
    [
        ("fps: 29", "invalid_setting", 6),
        ("fps: thirty", "invalid_setting", 6),
        ("seed: -1", "invalid_setting", 7),
        ("seed: 4294967296", "invalid_setting", 7),
        ("seed: 99999999999999999999999999999999", "invalid_setting", 7),
        ("aspect_ratio: 4:3", "invalid_setting", 15),
        ("resolution: 4k", "invalid_setting", 13),
        ("image_provider: dalle", "invalid_setting", 17),
        ("style: [a, b]", "invalid_setting", 8),
        ("voice: {a: 1}", "invalid_setting", 8),
        ("fps: true", "invalid_setting", 6),
        ("colour: blue", "unknown_setting", 1),
        ("Image: a red door", "unknown_setting", 1),
        ("title: " + "t" * 201, "title_too_long", 8),
        ("style: " + "s" * 201, "invalid_setting", 8),
        ("music: " + "m" * 201, "invalid_setting", 8),
    ],
)
def test_markdown_bad_front_matter_setting_reports_its_line(
    front_matter_line: str, reason: str, column: int
) -> None:
    error = parse_error(f"---\n# settings\n{front_matter_line}\n---\n## A\nText.\n")

    assert where(error) == (reason, 3, column)
    assert error.details["text"].startswith(front_matter_line[:40])


def test_markdown_front_matter_value_on_its_own_line_reports_the_key() -> None:
    error = parse_error("---\nfps:\n  - 30\n---\nText.\n")

    assert where(error) == ("invalid_setting", 2, 1)


def test_markdown_style_at_the_limit_is_accepted() -> None:
    script = parse_script("---\nstyle: " + "s" * 200 + "\n---\nText.\n")

    assert script.settings.style == "s" * 200


def test_markdown_seed_bounds_are_accepted() -> None:
    assert parse_script("---\nseed: 0\n---\nText.\n").settings.seed == 0
    assert parse_script("---\nseed: 4294967295\n---\nText.\n").settings.seed == 4_294_967_295


@pytest.mark.parametrize("fps", [24, 25, 30])
def test_markdown_every_allowed_fps_is_accepted(fps: int) -> None:
    assert parse_script(f"---\nfps: {fps}\n---\nText.\n").settings.fps == fps


def test_markdown_front_matter_duplicate_key_is_an_error() -> None:
    error = parse_error("---\nfps: 30\nFPS: 25\n---\nText.\n")

    assert where(error) == ("invalid_front_matter", 3, 1)


@pytest.mark.parametrize(
    ("yaml_lines", "line", "column"),
    [
        ("a: &anchor 1\nb: *anchor", 2, 4),
        ("fps: !!int 30", 2, 6),
        ("title: [unclosed", 2, 17),
        ("title: a\n  style: b", 3, 8),
        ("title: ok\n\tbad: tab", 3, 1),
    ],
)
def test_markdown_unsafe_or_malformed_front_matter_is_refused(
    yaml_lines: str, line: int, column: int
) -> None:
    error = parse_error(f"---\n{yaml_lines}\n---\nText.\n")

    assert where(error) == ("invalid_front_matter", line, column)


def test_markdown_yaml_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "\n".join(
        ["a: &a [x, x, x, x, x, x, x, x, x]"]
        + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}] " for i in range(8)]
    )

    error = parse_error(f"---\n{bomb}\n---\nText.\n")

    assert where(error) == ("invalid_front_matter", 2, 4)


def test_markdown_deeply_nested_front_matter_is_refused() -> None:
    error = parse_error("---\nstyle: " + "[" * 500 + "]" * 500 + "\n---\nText.\n")

    assert error.details["reason"] == "invalid_front_matter"
    assert error.details["line"] == 2


def test_markdown_front_matter_over_8_kb_is_refused() -> None:
    error = parse_error("---\n" + "title: x\n" + "# padding\n" * 900 + "---\nText.\n")

    assert where(error) == ("invalid_front_matter", 1, 1)


def test_markdown_duration_over_30s_reports_line_and_reason() -> None:
    error = parse_error("## Opening\nSome words.\n\nDuration: 45s\n")

    assert where(error) == ("duration_out_of_range", 4, 11)
    assert error.message == 'line 4: "Duration: 45s" — a scene lasts 1 to 30 seconds'
    assert error.details["text"] == "Duration: 45s"


@pytest.mark.parametrize("value", ["0.5s", "0", "999ms", "30.5s", "31", "31000ms"])
def test_markdown_duration_outside_1_to_30_seconds_is_out_of_range(value: str) -> None:
    error = parse_error(f"## A\nText.\nDuration: {value}\n")

    assert where(error) == ("duration_out_of_range", 3, 11)


@pytest.mark.parametrize("value", ["soon", "4 minutes", "4s5", "-3s", "", "1" * 50, "4..5s"])
def test_markdown_unreadable_duration_is_invalid(value: str) -> None:
    error = parse_error(f"## A\nText.\nDuration: {value}\n")

    assert where(error)[:2] == ("invalid_duration", 3)


def test_markdown_unknown_transition_reports_line_and_column() -> None:
    error = parse_error("## A\nText.\n  Transition: zoom\n")

    assert where(error) == ("unknown_transition", 3, 15)
    assert "fadeblack" in error.details["hint"]


def test_markdown_duplicate_directive_in_a_scene_is_an_error() -> None:
    error = parse_error("## A\nDuration: 3s\nText.\nduration: 4s\n")

    assert where(error) == ("duplicate_directive", 4, 11)


def test_markdown_same_directive_in_two_scenes_is_fine() -> None:
    script = parse_script("## A\nDuration: 3s\n## B\nDuration: 4s\n")

    assert [s.duration for s in script.scenes] == [3.0, 4.0]


def test_markdown_empty_image_directive_is_an_error() -> None:
    error = parse_error("## A\nImage:   \n")

    assert where(error) == ("empty_image_prompt", 2, 10)


def test_markdown_image_prompt_over_2000_characters_is_an_error() -> None:
    error = parse_error("## A\nImage: " + "word " * 401 + "\n")

    assert where(error) == ("image_prompt_too_long", 2, 8)


def test_markdown_scene_title_over_200_characters_is_an_error() -> None:
    error = parse_error("## A\nText.\n\n## " + "T" * 201 + "\nMore.\n")

    assert where(error) == ("title_too_long", 4, 1)
    assert error.details["text"].endswith("…")
    assert len(error.details["text"]) == 80


def test_markdown_h1_title_over_200_characters_is_an_error() -> None:
    error = parse_error("# " + "T" * 201 + "\n\nText.\n")

    assert where(error) == ("title_too_long", 1, 1)


def test_markdown_scene_with_directives_only_is_an_empty_scene() -> None:
    error = parse_error("## A\nText.\n---\nDuration: 4s\nTransition: cut\n")

    assert where(error) == ("empty_scene", 4, 1)


def test_markdown_narration_over_1500_characters_reports_the_scene_line() -> None:
    error = parse_error("## A\nShort.\n\n## B\n" + "word " * 150 + "\n\n" + "word " * 151 + "\n")

    assert where(error) == ("narration_too_long", 4, 1)
    assert "scene 2" in error.message


def test_markdown_narration_of_exactly_1500_characters_is_accepted() -> None:
    script = parse_script("## A\n" + "x" * 1500 + "\n")

    assert len(script.scenes[0].narration) == 1500


def test_markdown_empty_front_matter_title_lets_the_h1_give_it() -> None:
    script = parse_script("---\ntitle:\n---\n# From heading\n\nText.\n")

    assert script.title == "From heading"


def test_markdown_front_matter_with_a_character_yaml_cannot_read_is_invalid() -> None:
    error = parse_error("---\ntitle: bad \uffff char\n---\nText.\n")

    assert where(error) == ("invalid_front_matter", 2, 1)


def test_markdown_front_matter_that_is_not_a_mapping_is_refused() -> None:
    # The parser only hands over blocks whose first line looks like "key:", so this guards the helper.
    with pytest.raises(ScriptParsingException) as caught:
        _front_matter_entries("- a\n- b", ["---", "- a", "- b", "---"])

    assert where(caught.value) == ("invalid_front_matter", 2, 1)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_markdown_with_bom_and_windows_or_old_mac_line_ends_reads_the_same(newline: str) -> None:
    source = "---\ntitle: T\nfps: 30\n---\n## A\nDuration: 3s\nOne\ntwo.\n\n## B\nThree.\n"

    script = parse_script(b"\xef\xbb\xbf" + source.replace("\n", newline).encode())

    assert script == parse_script(source)
    assert [(s.title, s.narration, s.duration, s.line) for s in script.scenes] == [
        ("A", "One two.", 3.0, 5),
        ("B", "Three.", None, 10),
    ]


def test_markdown_error_lines_count_crlf_as_one_line_end() -> None:
    error = parse_error(b"## A\r\nText.\r\n\r\nTransition: spin\r\n")

    assert where(error) == ("unknown_transition", 4, 13)


def test_markdown_front_matter_key_that_is_not_text_is_refused() -> None:
    error = parse_error("---\ntitle: x\n? [a, b]\n: c\n---\nText.\n")

    assert where(error) == ("invalid_front_matter", 3, 3)


def test_markdown_unclosed_front_matter_is_a_scene_break_at_the_top() -> None:
    script = parse_script("---\ntitle: Not closed\n\nStory.\n")

    assert script.title is None
    assert [s.narration for s in script.scenes] == ["title: Not closed\n\nStory."]


def test_markdown_picture_directive_names_the_scenes_own_picture_at_its_path() -> None:
    script = parse_script('## Boat\nMira folds a boat.\n**picture:**  "photos/my boat.jpg"\n', "md")

    picture = script.scenes[0].picture
    assert picture is not None
    assert (picture.path, picture.line, picture.column) == ("photos/my boat.jpg", 3, 16)
    assert picture.text == '**picture:**  "photos/my boat.jpg"'
    # The prompt is still derived, as for a scene without a picture.
    assert script.scenes[0].image_prompt == "Boat. Mira folds a boat."
    assert script.scenes[0].image_prompt_explicit is False


def test_markdown_photo_is_another_name_for_picture() -> None:
    script = parse_script("## Boat\nPHOTO: <boat.webp>\n", "md")

    picture = script.scenes[0].picture
    assert picture is not None
    assert (picture.path, picture.line, picture.column) == ("boat.webp", 2, 9)


def test_markdown_scene_with_only_a_picture_is_a_scene() -> None:
    script = parse_script("Picture: boat.png\n\n---\n\nThe sea.\n", "md")

    first, second = script.scenes
    assert (first.title, first.narration, first.line, first.image_prompt) == (None, "", 1, "Boat.")
    assert first.picture is not None
    assert first.picture.path == "boat.png"
    assert (second.narration, second.picture) == ("The sea.", None)


def test_markdown_scene_without_picture_has_none() -> None:
    assert parse_script("## Boat\nText.\n", "md").scenes[0].picture is None


def test_markdown_second_picture_in_a_scene_is_a_duplicate_directive() -> None:
    error = parse_error("## Boat\nPicture: a.jpg\nText.\nPhoto: b.jpg\n", "md")

    assert where(error) == ("duplicate_directive", 4, 8)
    assert "already has a Picture line" in error.message


def test_markdown_bad_picture_is_reported_at_the_path() -> None:
    error = parse_error("## Boat\n\n  Picture:   ../boat.jpg\n", "md")

    assert where(error) == ("invalid_picture_path", 3, 14)
