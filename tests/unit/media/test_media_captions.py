"""Captions: phrase splitting, timing, and the exact SRT, WebVTT and ASS text, escaping included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from videogen.domain.text import split_sentences
from videogen.media.captions import (
    MAX_LINE_CHARS,
    Cue,
    ass_escape,
    caption_style,
    split_phrases,
    to_ass,
    to_srt,
    to_vtt,
    wrap_lines,
)

STORY = (
    "Once upon a time, in a small village by the sea, there lived an old lighthouse keeper named Tom. "
    "Every night he climbed the stairs. He lit the lamp, watched the ships, and waited for the dawn to "
    "come again over the quiet grey water."
)


def test_short_text_stays_on_one_line() -> None:
    assert wrap_lines("  The   sea was calm. ") == ["The sea was calm."]


def test_long_text_wraps_into_balanced_lines() -> None:
    lines = wrap_lines("one two three four five six seven eight nine ten eleven twelve thirteen", 42)

    assert lines == ["one two three four five six seven", "eight nine ten eleven twelve thirteen"]


def test_wrapping_never_leaves_one_word_alone_on_the_last_line() -> None:
    lines = wrap_lines("The lighthouse keeper climbed up the stairs", 40)

    assert len(lines) == 2
    assert len(lines[-1].split()) >= 2


def test_wrapping_prefers_a_break_after_a_comma() -> None:
    assert wrap_lines("When the storm came, the keeper lit every lamp he had", 42) == [
        "When the storm came,",
        "the keeper lit every lamp he had",
    ]


def test_a_word_longer_than_a_line_gets_its_own_line() -> None:
    word = "x" * 50

    assert wrap_lines(f"see {word} now", 20) == ["see", word, "now"]


def test_blank_text_has_no_lines_and_no_phrases() -> None:
    assert wrap_lines(" \n ") == []
    assert split_phrases("") == []


def test_phrases_are_at_most_two_lines_of_42_characters() -> None:
    phrases = split_phrases(STORY)

    assert len(phrases) > 1
    for phrase in phrases:
        lines = phrase.split("\n")
        assert 1 <= len(lines) <= 2
        assert all(len(line) <= MAX_LINE_CHARS for line in lines)


def test_phrases_keep_every_word_in_order() -> None:
    words = " ".join(split_phrases(STORY)).replace("\n", " ").split()

    assert words == STORY.split()


def test_a_long_sentence_breaks_at_a_clause() -> None:
    phrases = split_phrases(STORY)

    assert phrases[0] == "Once upon a time,\nin a small village by the sea,"


def test_short_sentences_share_a_line() -> None:
    assert split_phrases("Yes. No. Maybe.") == ["Yes. No. Maybe."]


def test_a_short_sentence_joins_the_cue_before_on_a_line_of_its_own() -> None:
    assert split_phrases("The keeper lit the lamp. Every night he climbed the stairs.") == [
        "The keeper lit the lamp.\nEvery night he climbed the stairs."
    ]


def test_no_line_runs_from_one_sentence_into_the_next() -> None:
    # The two sentences fit in one cue only if a line held the end of one and the start of the other.
    phrases = split_phrases(
        "The old keeper named Tom lit the lamp at dusk. Every night he climbed the stairs."
    )

    assert phrases == [
        "The old keeper named Tom\nlit the lamp at dusk.",
        "Every night he climbed the stairs.",
    ]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert split_phrases("Dr. Watson waved. Mr. Holmes smiled.") == ["Dr. Watson waved. Mr. Holmes smiled."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # examples/volcano.json: the old captions splitter ended a sentence at "a.m." and broke the line.
        (
            "At 3 a.m. the seismographs wake everyone at once.",
            ["At 3 a.m. the seismographs\nwake everyone at once."],
        ),
        (
            "We met Prof. Smith at the station and walked together to the old harbour in the rain.",
            ["We met Prof. Smith at\nthe station and walked", "together to the old harbour in the rain."],
        ),
    ],
)
def test_captions_break_sentences_where_the_voice_does(text: str, expected: list[str]) -> None:
    # The drift that was a bug: captions had a splitter of their own, which knew no initials, no "Prof."
    # and no lower-case continuation, so a cue or a line broke inside a sentence the voice says as one.
    assert split_sentences(text) == [text]

    assert split_phrases(text) == expected


def test_a_split_never_leaves_a_single_word_cue() -> None:
    text = "word " * 30 + "end."

    assert all(len(phrase.split()) > 1 for phrase in split_phrases(text))


def test_srt_is_exact() -> None:
    cues = [Cue(0.0, 1.5, "Hello there,\nold friend."), Cue(1.5, 3725.042, "Bye.")]

    assert to_srt(cues) == (
        "1\n00:00:00,000 --> 00:00:01,500\nHello there,\nold friend.\n\n"
        "2\n00:00:01,500 --> 01:02:05,042\nBye.\n\n"
    )


def test_srt_text_cannot_fake_a_timing_line() -> None:
    srt = to_srt([Cue(0.0, 1.0, "a --> b ---> c")])

    assert srt == "1\n00:00:00,000 --> 00:00:01,000\na -> b -> c\n\n"
    assert srt.count("-->") == 1


def test_srt_drops_blank_lines_that_would_end_a_cue_early() -> None:
    assert to_srt([Cue(0.0, 1.0, "one\n\n\ntwo")]) == "1\n00:00:00,000 --> 00:00:01,000\none\ntwo\n\n"


def test_vtt_is_exact_and_escapes_markup_and_arrows() -> None:
    vtt = to_vtt([Cue(0.25, 2.0, "a --> b <i>x</i> & y")])

    assert vtt == "WEBVTT\n\n00:00:00.250 --> 00:00:02.000\na --&gt; b &lt;i&gt;x&lt;/i&gt; &amp; y\n\n"


def test_empty_cue_lists_make_valid_empty_files() -> None:
    assert to_srt([]) == ""
    assert to_vtt([]) == "WEBVTT\n\n"


def test_ass_escape_defuses_override_tags_and_backslash_codes() -> None:
    assert ass_escape("{\\b1}bold") == "\\{\\\u2060b1\\}bold"
    assert ass_escape("line\\Nbreak") == "line\\\u2060Nbreak"
    assert ass_escape("tab\there\x00") == "tab here"


def test_ass_dialogue_is_exact_and_injection_proof() -> None:
    ass = to_ass([Cue(1.0, 2.344, "{\\b1}bold\\N {\\pos(0,0)}")], 1280, 720)

    events = ass.split("[Events]\n", 1)[1].splitlines()
    assert events == [
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        "Dialogue: 0,0:00:01.00,0:00:02.34,Default,,0,0,0,,"
        "\\{\\\u2060b1\\}bold\\\u2060N \\{\\\u2060pos(0,0)\\}",
    ]
    # No unescaped brace survives: libass would read it as the start of an override block.
    text = events[1].split(",,", 2)[-1]
    assert "{" not in text.replace("\\{", "")


def test_ass_header_sizes_the_font_to_the_frame() -> None:
    ass = to_ass([], 1280, 720)

    assert "PlayResX: 1280\nPlayResY: 720\n" in ass
    assert (
        "Style: Default,Aileron,40,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1," in ass
    )
    assert ass.endswith("Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")


def test_ass_rewraps_lines_for_a_portrait_frame() -> None:
    text = "there lived an old lighthouse keeper named\nTom, who loved the sea."

    ass = to_ass([Cue(0.0, 1.0, text)], 720, 1280)

    dialogue = ass.rsplit("\n", 2)[-2]
    lines = dialogue.split(",,", 2)[-1].split("\\N")
    assert len(lines) == 3
    assert all(len(line) <= caption_style(720, 1280).max_line_chars for line in lines)


@pytest.mark.parametrize(
    ("width", "height"), [(1280, 720), (720, 1280), (720, 720), (854, 480), (1920, 1080), (1080, 1920)]
)
def test_caption_style_keeps_margins_within_five_to_eight_percent(width: int, height: int) -> None:
    style = caption_style(width, height)

    assert 0.05 * height <= style.margin_v <= 0.08 * height
    assert 0.03 * height <= style.font_size <= 0.06 * height
    assert style.max_line_chars * style.font_size * 0.5 <= width - 2 * style.margin_h


_WORDS = st.sampled_from(
    ["a", "the", "sea,", "keeper.", "lighthouse", "Yes!", "Dr.", "storm;", "x" * 45, "—"]
)


@given(st.lists(_WORDS, max_size=80).map(" ".join))
def test_splitting_loses_no_word_and_respects_the_line_length(text: str) -> None:
    phrases = split_phrases(text)

    words = " ".join(phrases).replace("\n", " ").split()
    assert words == text.split()
    for phrase in phrases:
        for line in phrase.split("\n"):
            assert len(line) <= MAX_LINE_CHARS or " " not in line
