"""Fountain screenplays: title page, scene headings, action, dialogue, transitions, notes and boneyard."""

from __future__ import annotations

import pytest

from videogen.domain.enums import AspectRatio, Resolution, ScriptFormat, Transition
from videogen.exceptions import ScriptParsingException
from videogen.scripts.fountain import remove_notes_and_boneyard
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.parser import parse_script

from ._support import parse_error, where

SCREENPLAY = """Title:
    _**BRICK & STEEL**_
    _**FULL RETIRED**_
Credit: Written by
Author: Stu Maschwitz
Style: noir, high contrast
Aspect ratio: 16:9

FADE IN:

EXT. BRICK'S PATIO - DAY #1A#

A gorgeous day.  The sun is *shining*.

BRICK
(sipping)
Retirement suits me.

STEEL (V.O.)
Speak for yourself.

CUT TO:

INT. GARAGE - NIGHT

Steel works on the car alone.
"""


def fountain(text: str) -> ParsedScript:
    return parse_script(text, ScriptFormat.FOUNTAIN)


def fountain_error(text: str) -> ScriptParsingException:
    return parse_error(text, ScriptFormat.FOUNTAIN)


def test_fountain_screenplay_reads_title_page_scenes_dialogue_and_transitions() -> None:
    script = fountain(SCREENPLAY)

    assert script.format is ScriptFormat.FOUNTAIN
    assert script.title == "BRICK & STEEL FULL RETIRED"
    assert script.settings == ScriptSettings(style="noir, high contrast", aspect_ratio=AspectRatio.LANDSCAPE)
    patio, garage = script.scenes
    assert patio.number == 1
    assert patio.title == "EXT. BRICK'S PATIO - DAY"
    assert patio.narration == "BRICK: Retirement suits me.\n\nSTEEL: Speak for yourself."
    assert patio.image_prompt == ("Exterior, brick's patio, day. A gorgeous day. The sun is shining.")
    assert patio.image_prompt_explicit is False
    assert patio.duration is None
    assert patio.transition is Transition.CUT
    assert patio.line == 11
    assert garage.number == 2
    assert garage.title == "INT. GARAGE - NIGHT"
    assert garage.narration == "Steel works on the car alone."
    assert garage.image_prompt == "Interior, garage, night. Steel works on the car alone."
    assert garage.transition is Transition.FADE
    assert garage.line == 24


def test_fountain_title_page_value_on_the_key_line_and_ignored_keys() -> None:
    script = fountain(
        "Title: The *Last* Train\nDraft date: 1/20/2012\nContact:\n\tSomeone\n\nINT. CAR - DAY\n\nHi.\n"
    )

    assert script.title == "The Last Train"
    assert script.settings == ScriptSettings()
    assert script.scenes[0].line == 6


def test_fountain_title_page_settings_are_read() -> None:
    script = fountain(
        "Title: T\nResolution: 1080p\nFPS: 24\nSeed: 7\nVoice: polly:Matthew\nMusic: strings\n\n.A\n\nB.\n"
    )

    assert script.settings == ScriptSettings(
        resolution=Resolution.FULL_HD, fps=24, seed=7, voice="polly:Matthew", music="strings"
    )


def test_fountain_bad_title_page_setting_reports_line_and_column() -> None:
    error = fountain_error("Title: T\nFPS:  29\n\nINT. A - DAY\n\nText.\n")

    assert where(error) == ("invalid_setting", 2, 7)


def test_fountain_title_page_title_over_200_characters_is_an_error() -> None:
    error = fountain_error("Title: " + "T" * 201 + "\n\nINT. A - DAY\n\nText.\n")

    assert where(error) == ("title_too_long", 1, 8)


def test_fountain_first_paragraph_that_is_not_all_key_value_is_not_a_title_page() -> None:
    script = fountain("Note: this is action.\nIt goes on.\n")

    assert script.title is None
    assert script.scenes[0].narration == "Note: this is action. It goes on."


def test_fountain_title_page_with_a_shallow_indent_is_not_a_title_page() -> None:
    script = fountain("Title: T\n  two spaces\n")

    assert script.title is None
    assert script.scenes[0].narration == "Title: T two spaces"


def test_fountain_only_a_title_page_is_an_empty_script() -> None:
    error = fountain_error("Title: Nothing here\nAuthor: Me\n")

    assert where(error) == ("empty_script", 1, 1)


@pytest.mark.parametrize(
    "heading",
    [
        "INT. HOUSE - DAY",
        "EXT. HOUSE - DAY",
        "EST. CITY - DAWN",
        "INT./EXT. CAR - MOVING",
        "INT/EXT CAR - MOVING",
        "I/E CAR - MOVING",
        "int house - day",
        "ext. brick's pool - day",
    ],
)
def test_fountain_natural_scene_headings_start_scenes(heading: str) -> None:
    script = fountain(f"Before.\n\n{heading}\n\nInside.\n")

    assert [(s.title, s.narration, s.line) for s in script.scenes] == [
        (None, "Before.", 1),
        (heading, "Inside.", 3),
    ]


@pytest.mark.parametrize("line", ["INTERNAL AFFAIRS INVESTIGATES.", "EXTRA! EXTRA!", "Interview over."])
def test_fountain_words_starting_like_a_heading_are_action(line: str) -> None:
    script = fountain(f"INT. A - DAY\n\n{line}\n")

    assert len(script.scenes) == 1
    assert script.scenes[0].narration == line


def test_fountain_forced_scene_heading_drops_its_period() -> None:
    script = fountain("INT. A - DAY\n\nOne.\n\n.SNIPER SCOPE POV\n\nTwo.\n")

    assert [s.title for s in script.scenes] == ["INT. A - DAY", "SNIPER SCOPE POV"]
    assert script.scenes[1].image_prompt == "Sniper scope pov. Two."


def test_fountain_leading_ellipsis_is_not_a_forced_heading() -> None:
    script = fountain("EXT. CIRCUS - NIGHT\n\n...where the carnival is parked.\n")

    assert len(script.scenes) == 1
    assert script.scenes[0].narration == "...where the carnival is parked."


def test_fountain_heading_needs_a_blank_line_before_it() -> None:
    script = fountain("INT. A - DAY\n\nShe says it:\nINT. B - NIGHT\n")

    assert len(script.scenes) == 1
    assert script.scenes[0].narration == "She says it: INT. B - NIGHT"


def test_fountain_heading_directly_followed_by_a_cue_reads_dialogue() -> None:
    script = fountain("INT. A - DAY\nBOB\nHello.\n")

    assert script.scenes[0].narration == "BOB: Hello."


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("INT. HOUSE - DAY #1#", "INT. HOUSE - DAY"),
        ("INT. HOUSE - DAY #I-1-A#", "INT. HOUSE - DAY"),
        ("INT. HOUSE - DAY #1.#", "INT. HOUSE - DAY"),
        ("INT. HOUSE - DAY - FLASHBACK (1944) #110A#", "INT. HOUSE - DAY - FLASHBACK (1944)"),
        ("INT. HOUSE #NOT A NUMBER#", "INT. HOUSE #NOT A NUMBER#"),
    ],
)
def test_fountain_scene_numbers_are_removed_from_titles(heading: str, title: str) -> None:
    assert fountain(f"{heading}\n\nText.\n").scenes[0].title == title


def test_fountain_scene_heading_over_200_characters_is_an_error() -> None:
    error = fountain_error("INT. A - DAY\n\nText.\n\nINT. " + "H" * 200 + "\n\nMore.\n")

    assert where(error) == ("title_too_long", 5, 1)


def test_fountain_action_is_narration_when_a_scene_has_no_dialogue() -> None:
    script = fountain("INT. A - DAY\n\nThey drink long.\nAnd well.\n\nThe men look at each other.\n")

    assert script.scenes[0].narration == "They drink long. And well.\n\nThe men look at each other."


def test_fountain_dialogue_is_narration_and_action_feeds_the_image_prompt() -> None:
    script = fountain("INT. BAR - NIGHT\n\nA dark bar.\n\nJOE\nAnother one.\n\nThe barman pours.\n")

    scene = script.scenes[0]
    assert scene.narration == "JOE: Another one."
    assert scene.image_prompt == "Interior, bar, night. A dark bar. The barman pours."


def test_fountain_dialogue_only_scene_derives_its_prompt_without_speaker_names() -> None:
    script = fountain("INT. BAR - NIGHT\n\nJOE\nAnother one.\n")

    assert script.scenes[0].image_prompt == "Interior, bar, night. Another one."


@pytest.mark.parametrize(
    ("cue", "speaker"),
    [
        ("MOM (O. S.)", "MOM"),
        ("HANS (on the radio)", "HANS"),
        ("STEEL ^", "STEEL"),
        ("R2D2", "R2D2"),
        ("@McCLANE", "McCLANE"),
        ("@McCLANE (V.O.) ^", "McCLANE"),
        ("  BRICK", "BRICK"),
    ],
)
def test_fountain_character_cues_keep_the_name_without_extensions(cue: str, speaker: str) -> None:
    script = fountain(f"INT. A - DAY\n\n{cue}\nYippie ki-yay.\n")

    assert script.scenes[0].narration == f"{speaker}: Yippie ki-yay."


def test_fountain_uppercase_line_followed_by_a_blank_line_is_action() -> None:
    script = fountain("INT. A - DAY\n\nTHE END\n\nFin.\n")

    assert script.scenes[0].narration == "THE END\n\nFin."


def test_fountain_uppercase_line_without_a_blank_line_before_is_action() -> None:
    script = fountain("INT. A - DAY\n\nShe shouts.\nSTOP\nNobody listens.\n")

    assert script.scenes[0].narration == "She shouts. STOP Nobody listens."


def test_fountain_numbers_are_not_a_character_cue() -> None:
    script = fountain("INT. A - DAY\n\n23\nSkidoo.\n")

    assert script.scenes[0].narration == "23 Skidoo."


def test_fountain_forced_action_is_not_a_cue() -> None:
    script = fountain("INT. CASINO - NIGHT\n\n!SCANNING THE AISLES...\nWhere is that pit boss?\n")

    assert script.scenes[0].narration == "SCANNING THE AISLES... Where is that pit boss?"


def test_fountain_parentheticals_are_dropped_even_over_several_lines() -> None:
    script = fountain(
        "INT. A - DAY\n\nSTEEL\n(starting\nthe engine)\nSo much for\nretirement!\n(beat)\nRight.\n"
    )

    assert script.scenes[0].narration == "STEEL: So much for retirement! Right."


def test_fountain_two_spaces_keep_a_speech_going() -> None:
    script = fountain("INT. A - DAY\n\nDEALER\nTen.\n  \nHit or stand?\n\nMONKEY\nDude.\n")

    assert script.scenes[0].narration == "DEALER: Ten. Hit or stand?\n\nMONKEY: Dude."


def test_fountain_empty_line_ends_a_speech() -> None:
    script = fountain("INT. A - DAY\n\nDEALER\nTen.\n\nHit or stand?\n")

    scene = script.scenes[0]
    assert scene.narration == "DEALER: Ten."
    assert scene.image_prompt == "Interior, a, day. Hit or stand?"


def test_fountain_cue_with_only_parentheticals_says_nothing() -> None:
    script = fountain("INT. A - DAY\n\nThe room.\n\nBOB\n(silent)\n")

    assert script.scenes[0].narration == "The room."


def test_fountain_lyrics_are_narration_without_a_speaker() -> None:
    script = fountain(
        "INT. FACTORY - DAY\n\nKids gape.\n\n~Willy Wonka! Willy Wonka!\n~The amazing chocolatier!\n"
    )

    scene = script.scenes[0]
    assert scene.narration == "Willy Wonka! Willy Wonka! The amazing chocolatier!"
    assert scene.image_prompt == "Interior, factory, day. Kids gape."


def test_fountain_lyrics_inside_dialogue_are_sung_by_the_speaker() -> None:
    script = fountain("INT. A - DAY\n\nWILLY\n~Come with me\n")

    assert script.scenes[0].narration == "WILLY: Come with me"


@pytest.mark.parametrize(
    ("line", "transition"),
    [
        ("CUT TO:", Transition.CUT),
        ("SMASH CUT TO:", Transition.CUT),
        ("DISSOLVE TO:", Transition.DISSOLVE),
        ("MATCH DISSOLVE TO:", Transition.DISSOLVE),
        ("FADE TO:", Transition.FADE),
        ("WIPE TO:", Transition.WIPE),
        ("IRIS OUT TO:", Transition.CIRCLE),
        ("FADE OUT.", Transition.FADE_BLACK),
        ("FADE TO BLACK.", Transition.FADE_BLACK),
        ("FADE TO BLACK", Transition.FADE_BLACK),
        ("CUT TO BLACK.", Transition.FADE_BLACK),
        ("> Burn to White.", Transition.FADE),
        (">CUT TO:", Transition.CUT),
        ("> fade out", Transition.FADE_BLACK),
        ("              DISSOLVE TO:", Transition.DISSOLVE),
    ],
)
def test_fountain_transitions_set_how_their_scene_ends(line: str, transition: Transition) -> None:
    script = fountain(f"INT. A - DAY\n\nOne.\n\n{line}\n\nINT. B - DAY\n\nTwo.\n")

    assert [s.transition for s in script.scenes] == [transition, Transition.FADE]
    assert script.scenes[0].narration == "One."


def test_fountain_transition_needs_blank_lines_around_it() -> None:
    script = fountain("INT. A - DAY\n\nOne.\nCUT TO:\nmore.\n")

    assert script.scenes[0].transition is Transition.FADE
    assert script.scenes[0].narration == "One. CUT TO: more."


def test_fountain_transition_before_any_scene_and_fade_in_are_ignored() -> None:
    script = fountain("FADE IN:\n\nCUT TO:\n\nINT. A - DAY\n\nOne.\n")

    assert [(s.title, s.narration, s.transition) for s in script.scenes] == [
        ("INT. A - DAY", "One.", Transition.FADE)
    ]


def test_fountain_centered_text_is_action() -> None:
    script = fountain("INT. A - DAY\n\n>THE END<\n\n> **Act Two** <\n")

    assert script.scenes[0].narration == "THE END\n\nAct Two"


def test_fountain_sections_synopses_and_page_breaks_are_ignored() -> None:
    script = fountain(
        "# ACT I\n\n= Set up the story.\n\nINT. A - DAY\n\n= This scene sets things up.\nOne.\n\n"
        "===\n\n## Seq\n\nTwo.\n"
    )

    assert [(s.title, s.narration) for s in script.scenes] == [("INT. A - DAY", "One.\n\nTwo.")]


def test_fountain_notes_are_removed_inline_and_across_lines() -> None:
    script = fountain(
        "INT. TRAILER - DAY\n\nDAN and JACK[[Or real names?]]. They count the take.\n\n"
        "[[It was supposed to be\nVietnamese, right?]]\n\n"
        "The phone RINGS.[[This needs work.\n  \nCoffee.]] He looks.\n"
    )

    assert script.scenes[0].narration == "DAN and JACK. They count the take.\n\nThe phone RINGS.\n\nHe looks."


def test_fountain_note_spanning_an_empty_line_is_not_a_note() -> None:
    script = fountain("INT. A - DAY\n\nOne [[broken\n\nnote]] two.\n")

    assert script.scenes[0].narration == "One [[broken\n\nnote]] two."


def test_fountain_boneyard_removes_whole_scenes_and_keeps_line_numbers() -> None:
    script = fountain(
        "INT. A - DAY\n\nOne.\n\nCUT TO:\n/*\nINT. GARAGE - DAY\n\nCut stuff.\n\nCUT TO:\n*/\n"
        "EXT. MANSION - DAY\n\nTwo.\n"
    )

    assert [(s.title, s.narration, s.transition, s.line) for s in script.scenes] == [
        ("INT. A - DAY", "One.", Transition.CUT, 1),
        ("EXT. MANSION - DAY", "Two.", Transition.FADE, 13),
    ]


def test_fountain_unclosed_boneyard_and_notes_stay_as_text() -> None:
    script = fountain("INT. A - DAY\n\nA /* b [[ c ]\n")

    assert script.scenes[0].narration == "A /* b [[ c ]"


def test_fountain_emphasis_is_stripped_and_escapes_kept() -> None:
    script = fountain(
        "INT. A - DAY\n\n_Steel's face FILLS the *Leupold Mark 4* scope_.\n\n"
        "BOB\nThe code is **\\*9765\\***. He dialed *69 and then *23.\n"
    )

    scene = script.scenes[0]
    assert scene.narration == "BOB: The code is *9765*. He dialed *69 and then *23."
    assert scene.image_prompt == "Interior, a, day. Steel's face FILLS the Leupold Mark 4 scope."


def test_fountain_emphasis_does_not_cross_line_breaks() -> None:
    script = fountain("INT. A - DAY\n\nBrick and Steel *share a look.\nThis is BAD.*\n")

    assert script.scenes[0].narration == "Brick and Steel *share a look. This is BAD.*"


def test_fountain_text_before_the_first_heading_is_an_untitled_scene() -> None:
    script = fountain("A cold open.\n\nBOB\nHi.\n\nINT. A - DAY\n\nOne.\n")

    assert [(s.title, s.narration, s.line) for s in script.scenes] == [
        (None, "BOB: Hi.", 1),
        ("INT. A - DAY", "One.", 6),
    ]


def test_fountain_is_chosen_by_extension_and_handles_crlf() -> None:
    script = parse_script(b"INT. A - DAY\r\n\r\nBOB\r\nHi.\r\n", filename="scene.spmd")

    assert script.format is ScriptFormat.FOUNTAIN
    assert script.scenes[0].narration == "BOB: Hi."


def test_fountain_notes_and_boneyard_removal_keeps_every_line_break() -> None:
    text = "a[[x\ny]]b\n/* 1\n2\n3 */c[[unclosed\n"

    cleaned = remove_notes_and_boneyard(text)

    assert cleaned == "a\nb\n\n\nc[[unclosed\n"
    assert cleaned.count("\n") == text.count("\n")


def test_fountain_note_runs_to_the_first_close_however_many_opens_it_holds() -> None:
    assert remove_notes_and_boneyard("a" + "[[ " * 1000 + "]]b") == "ab"


def test_fountain_repeated_opens_before_an_empty_line_are_all_kept() -> None:
    text = "x" + "[[" * 500 + "\n\n]]"

    assert remove_notes_and_boneyard(text) == text


def test_fountain_forced_elements_with_nothing_after_the_marker_add_nothing() -> None:
    script = fountain("INT. A - DAY\n\n!\n\n~\n\nOne.\n")

    assert script.scenes[0].narration == "One."


def test_fountain_speech_may_run_to_the_end_of_the_file() -> None:
    script = fountain("INT. A - DAY\n\nBOB\nLast words.")

    assert script.scenes[0].narration == "BOB: Last words."


def test_fountain_picture_note_names_the_scenes_own_picture() -> None:
    script = parse_script(
        "INT. KITCHEN - DAY\n\nMira folds a boat. [[ picture:  photos/boat.jpg ]]\n\n"
        "EXT. STREET - DAY\n\nRain.\n",
        "fountain",
    )

    kitchen, street = script.scenes
    assert kitchen.picture is not None
    assert (kitchen.picture.path, kitchen.picture.line, kitchen.picture.column) == ("photos/boat.jpg", 3, 33)
    assert kitchen.picture.text == "Mira folds a boat. [[ picture:  photos/boat.jpg ]]"
    assert kitchen.narration == "Mira folds a boat."
    assert kitchen.image_prompt == "Interior, kitchen, day. Mira folds a boat."
    assert street.picture is None


def test_fountain_picture_note_belongs_to_the_scene_it_sits_in() -> None:
    script = parse_script(
        'INT. KITCHEN - DAY\n\nAction.\n\n[[PICTURE:\nlate.webp]]\n\nEXT. SEA [[Photo: "sea.png"]]\n',
        "fountain",
    )

    kitchen, sea = script.scenes
    assert kitchen.picture is not None
    assert (kitchen.picture.path, kitchen.picture.line, kitchen.picture.column) == ("late.webp", 6, 1)
    assert kitchen.picture.text == "late.webp]]"
    assert sea.picture is not None
    assert (sea.picture.path, sea.picture.line, sea.picture.column) == ("sea.png", 8, 20)


def test_fountain_other_notes_are_still_ignored() -> None:
    script = parse_script("INT. KITCHEN - DAY\n\nAction. [[Note: boat.jpg]] [[picture this]]\n", "fountain")

    assert (script.scenes[0].narration, script.scenes[0].picture) == ("Action.", None)


def test_fountain_picture_note_before_any_heading_is_a_scene_of_its_own() -> None:
    script = parse_script(
        "Title: Boat\n\n[[Picture: cover.jpg]]\n\nINT. KITCHEN - DAY\n\nAction.\n", "fountain"
    )

    cover, kitchen = script.scenes
    assert (cover.title, cover.narration, cover.line) == (None, "", 3)
    assert cover.picture is not None
    assert (cover.picture.path, cover.picture.line, cover.picture.column) == ("cover.jpg", 3, 12)
    assert kitchen.picture is None


def test_fountain_picture_note_in_the_title_page_is_ignored() -> None:
    script = parse_script("Title: Boat [[Picture: cover.jpg]]\n\nINT. KITCHEN - DAY\n", "fountain")

    assert script.title == "Boat"
    assert [scene.picture for scene in script.scenes] == [None]


def test_fountain_second_picture_note_in_a_scene_is_a_duplicate_directive() -> None:
    error = parse_error(
        "INT. KITCHEN - DAY\n\n[[Picture: a.jpg]] Action.\n\nMore. [[Picture: b.jpg]]\n", "fountain"
    )

    assert where(error) == ("duplicate_directive", 5, 18)
    assert "already has a Picture note" in error.message


def test_fountain_picture_note_inside_boneyard_is_removed_with_it() -> None:
    script = parse_script("INT. KITCHEN - DAY\n\n/* [[Picture: old.gif]] */ Action.\n", "fountain")

    assert script.scenes[0].picture is None
