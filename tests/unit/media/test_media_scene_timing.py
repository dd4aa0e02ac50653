"""The timeline's scene lengths, narration starts and caption cues (by the voice, or by reading time)."""

from __future__ import annotations

import pytest

from videogen.domain.enums import Transition
from videogen.exceptions import NarrationTooLongException, ScriptParsingException
from videogen.media.captions import MAX_LINE_CHARS, Cue
from videogen.media.timeline import (
    CAPTION_LINGER_SECONDS,
    MIN_NARRATED_SCENE_SECONDS,
    NARRATION_GAP_SECONDS,
    PAD_AFTER_SECONDS,
    PAD_BEFORE_SECONDS,
    SILENT_SCENE_MIN_SECONDS,
    SceneTiming,
    SceneToTime,
    caption_windows,
    cues_for_scene,
    cues_for_text,
    cues_from_sentences,
    estimated_scene_seconds,
    narration_starts,
    plan,
    reading_seconds,
    scene_timing,
)
from videogen.voice.base import Narration, SentenceTiming, WordTiming

STORY = (
    "Once upon a time, in a small village by the sea, there lived an old lighthouse keeper named Tom. "
    "Every night he climbed the stairs. He lit the lamp, watched the ships, and waited for the dawn to "
    "come again over the quiet grey water."
)

LONG = (
    "Mr. Smith arrived at 3.5 p.m. sharp, carrying a small brown suitcase, an umbrella and a newspaper "
    "he had not yet read."
)


def test_a_narrated_scene_lasts_its_narration_plus_the_pads() -> None:
    timing = scene_timing(1, 4.0)
    assert timing == SceneTiming(PAD_BEFORE_SECONDS + 4.0 + PAD_AFTER_SECONDS, PAD_BEFORE_SECONDS)


def test_a_short_narration_is_centred_in_a_minimum_length_scene() -> None:
    timing = scene_timing(1, 0.5)
    assert timing.duration == MIN_NARRATED_SCENE_SECONDS
    slack = MIN_NARRATED_SCENE_SECONDS - 0.5 - PAD_BEFORE_SECONDS - PAD_AFTER_SECONDS
    assert timing.voice_offset == pytest.approx(PAD_BEFORE_SECONDS + slack / 2)


def test_a_fixed_duration_is_kept_and_the_narration_placed_inside_it() -> None:
    assert scene_timing(2, 3.0, fixed=6.0) == SceneTiming(6.0, PAD_BEFORE_SECONDS)
    tight = scene_timing(2, 4.8, fixed=5.0)
    assert tight.duration == 5.0
    assert tight.voice_offset == pytest.approx(
        0.2 * PAD_BEFORE_SECONDS / (PAD_BEFORE_SECONDS + PAD_AFTER_SECONDS)
    )
    assert tight.voice_offset + 4.8 <= 5.0


def test_a_narration_longer_than_its_fixed_duration_names_the_scene_and_the_excess() -> None:
    with pytest.raises(NarrationTooLongException) as caught:
        scene_timing(3, 6.25, fixed=5.0)
    error = caught.value
    assert isinstance(error, ScriptParsingException)
    assert error.status_code == 422
    assert error.details == {
        "scene": 3,
        "narration_seconds": 6.25,
        "available_seconds": 5.0,
        "over_by_seconds": 1.25,
    }
    assert "Scene 3" in error.message and "1.25 s too long" in error.message


def test_a_silent_scene_lasts_its_reading_time() -> None:
    assert scene_timing(1, 0.0).duration == SILENT_SCENE_MIN_SECONDS
    text = "A caption long enough to need more than the minimum time to read on screen, surely."
    assert scene_timing(1, 0.0, text=text).duration == pytest.approx(reading_seconds(text) + 1.0)
    assert scene_timing(1, 0.0, fixed=2.0) == SceneTiming(2.0, 0.0)


def test_narrations_of_cross_faded_scenes_never_overlap() -> None:
    # Given two fixed scenes whose narrations fill them, overlapping by a 0.5 s cross-fade
    timings = [scene_timing(1, 4.0, fixed=4.0), scene_timing(2, 3.0, fixed=4.0)]
    spans = [(0.0, 4.0), (3.5, 7.5)]
    # When the narrations are placed
    starts = narration_starts(spans, timings, [4.0, 3.0])
    # Then the second waits for the first, plus the gap
    assert starts[0] == 0.0
    assert starts[1] == pytest.approx(4.0 + NARRATION_GAP_SECONDS)


def test_a_narration_pushed_past_its_scene_end_is_too_long() -> None:
    timings = [scene_timing(1, 4.0, fixed=4.0), scene_timing(7, 3.9, fixed=4.0)]
    with pytest.raises(NarrationTooLongException) as caught:
        narration_starts([(0.0, 4.0), (3.5, 7.5)], timings, [4.0, 3.9], [1, 7])
    assert caught.value.details["scene"] == 7
    assert caught.value.details["over_by_seconds"] == pytest.approx(3.9 - (7.5 - 4.0 - NARRATION_GAP_SECONDS))


def test_automatic_scenes_keep_their_pads() -> None:
    timings = [scene_timing(1, 3.0), scene_timing(2, 2.0), scene_timing(3, 0.0)]
    spans = [(0.0, 4.0), (3.5, 6.5), (6.0, 9.0)]
    assert narration_starts(spans, timings, [3.0, 2.0, 0.0]) == pytest.approx([0.4, 3.9, 6.0])


def test_narration_starts_needs_matching_lengths() -> None:
    with pytest.raises(ValueError, match="differ"):
        narration_starts([(0.0, 1.0)], [], [1.0])


def test_each_sentence_starts_a_cue_exactly_when_it_is_spoken() -> None:
    sentences = [
        SentenceTiming("Hello there.", 0.0, 1.0),
        SentenceTiming(LONG, 1.25, 8.0),
        SentenceTiming("Then he left.", 8.6, 9.5),
    ]
    cues = cues_from_sentences(sentences, narration_start=10.4)
    starts = {round(cue.start, 6) for cue in cues}
    for sentence in sentences:
        assert round(10.4 + sentence.start, 6) in starts
    # The long sentence became several cues of at most two lines, none of them a lone word
    assert len(cues) >= 4
    for cue in cues:
        lines = cue.text.split("\n")
        assert len(lines) <= 2
        assert all(len(line) <= MAX_LINE_CHARS for line in lines)
        assert len(cue.text.split()) >= 2
    # Cues run in order, without overlapping
    for before, after in zip(cues, cues[1:], strict=False):
        assert before.start < before.end <= after.start


def test_phrases_of_a_long_sentence_are_timed_by_characters_without_word_timings() -> None:
    sentence = SentenceTiming(LONG, 1.0, 9.0)
    cues = cues_from_sentences([sentence], narration_start=0.0)
    assert len(cues) == 2
    first = cues[0].text.replace("\n", " ")
    expected = 1.0 + 8.0 * (len(first) + 1) / len(LONG)
    assert cues[1].start == pytest.approx(expected)
    assert cues[0].end == cues[1].start
    assert cues[1].end == 9.0


def test_phrases_start_at_their_first_word_when_words_are_timed() -> None:
    # Given word timings that are far from proportional
    words = []
    position = 0
    for index, word in enumerate(LONG.split(" ")):
        words.append(WordTiming(word, 1.0 + 0.1 * index, position))
        position += len(word) + 1
    sentence = SentenceTiming(LONG, 1.0, 9.0, tuple(words))
    cues = cues_from_sentences([sentence], narration_start=2.0)
    second = cues[1].text.replace("\n", " ")
    word_index = LONG.split(" ").index(second.split(" ")[0])
    assert cues[1].start == pytest.approx(2.0 + 1.0 + 0.1 * word_index)


def test_a_cue_holds_across_a_short_pause_but_not_a_long_one() -> None:
    sentences = [
        SentenceTiming("First sentence.", 0.0, 1.0),
        SentenceTiming("Second sentence.", 1.3, 2.0),
        SentenceTiming("After a long pause.", 5.0, 6.0),
    ]
    cues = cues_from_sentences(sentences, narration_start=0.0)
    assert cues[0].end == 1.3
    assert cues[1].end == 2.0
    assert cues[2].end == 6.0


def test_the_last_cue_lingers_within_the_window() -> None:
    sentences = [SentenceTiming("Only one.", 0.0, 1.0)]
    assert cues_from_sentences(sentences, 5.0, hold_until=5.5)[0].end == 6.0
    assert cues_from_sentences(sentences, 5.0, hold_until=6.4)[0].end == 6.4
    assert cues_from_sentences(sentences, 5.0, hold_until=20.0)[0].end == 6.0 + CAPTION_LINGER_SECONDS


def test_scene_cues_fall_back_to_reading_time_without_a_voice() -> None:
    window = caption_windows([(0.0, 4.0), (3.5, 8.0)])[1]
    silent = Narration(None, 0.0, [], "en_US-joe-medium", 0)
    text = "🎉 Party!"
    for sentences in ([], silent.sentences):
        cues = cues_for_scene(text, sentences, 4.0, window)
        assert [(cue.start, cue.end, cue.text) for cue in cues] == [(window[0], window[1], text)]


def test_scene_cues_follow_the_voice_when_there_is_one() -> None:
    narration = Narration(None, 2.0, [SentenceTiming("Hello there.", 0.0, 1.2)], "Joanna", 16000)
    cues = cues_for_scene("Hello there.", narration.sentences, 4.4, (3.75, 8.0))
    assert [(cue.start, cue.end) for cue in cues] == [
        pytest.approx((4.4, 4.4 + 1.2 + CAPTION_LINGER_SECONDS))
    ]


def test_blank_text_has_no_cues() -> None:
    assert cues_for_text("   ", 0.0, 5.0) == []


def test_cues_share_the_time_by_characters_and_tile_it() -> None:
    cues = cues_for_text(STORY, 2.0, 14.0)

    assert cues[0].start == 2.0
    assert cues[-1].end == 14.0
    for previous, following in zip(cues, cues[1:], strict=False):
        assert previous.end == following.start
    lengths = [len(cue.text) for cue in cues]
    durations = [cue.end - cue.start for cue in cues]
    longest, shortest = lengths.index(max(lengths)), lengths.index(min(lengths))
    assert durations[longest] > durations[shortest]


def test_a_tiny_phrase_still_gets_a_readable_share() -> None:
    cues = cues_for_text(
        "Yes. " + "This sentence is a good deal longer than the first one was, really.", 0.0, 6.0
    )

    assert cues[0].end - cues[0].start >= 1.0


def test_caption_windows_switch_halfway_through_a_cross_fade() -> None:
    assert caption_windows([(0.0, 3.0), (2.0, 5.0), (5.0, 7.0)]) == [(0.0, 2.5), (2.5, 5.0), (5.0, 7.0)]


def test_reading_seconds_counts_characters_at_fifteen_per_second() -> None:
    assert reading_seconds("x" * 30) == pytest.approx(2.0)
    assert reading_seconds("  ") == 0.0


def test_a_plan_without_a_voice_spreads_each_narration_over_its_caption_window() -> None:
    scenes = [
        SceneToTime(1, "First scene.", fixed=3.0),
        SceneToTime(2, "", fixed=3.0),
        SceneToTime(3, "Third."),
    ]

    planned = plan(scenes, 30)

    assert planned.spans == [(0.0, 3.0), (2.5, 5.5), (5.0, 8.0)]
    assert planned.duration == 8.0
    assert planned.narration_starts == [0.0, 2.5, 5.0]
    assert planned.cues == [Cue(0.0, 2.75, "First scene."), Cue(5.25, 8.0, "Third.")]


def test_a_plan_times_each_scene_by_its_voice_and_keeps_narrations_apart() -> None:
    # Given two voiced scenes joined by a cut, the first one's voice ending at its scene's end
    first = SceneToTime(
        1, "Hello there.", fixed=2.0, transition=Transition.CUT, narration_seconds=2.0,
        sentences=[SentenceTiming("Hello there.", 0.0, 2.0)],
    )  # fmt: skip
    second = SceneToTime(2, "Bye.", narration_seconds=1.0, sentences=[SentenceTiming("Bye.", 0.0, 1.0)])

    planned = plan([first, second], 30)

    # Then the second scene lasts its voice plus the pads, and speaks after the gap at the earliest
    assert planned.timings == [SceneTiming(2.0, 0.0), scene_timing(2, 1.0)]
    assert planned.spans == [(0.0, 2.0), (2.0, 2.0 + MIN_NARRATED_SCENE_SECONDS)]
    assert planned.narration_starts[1] == pytest.approx(2.0 + planned.timings[1].voice_offset)
    assert planned.narration_starts[1] >= 2.0 + NARRATION_GAP_SECONDS
    assert [cue.text for cue in planned.cues] == ["Hello there.", "Bye."]
    assert planned.cues[1].start == planned.narration_starts[1]


def test_a_plan_names_the_scene_whose_voice_does_not_fit() -> None:
    scene = SceneToTime(4, "Far too long.", fixed=1.0, narration_seconds=3.0)

    with pytest.raises(NarrationTooLongException) as caught:
        plan([scene], 30)

    assert caught.value.details["scene"] == 4


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hi.",
        "A caption long enough to need more than the minimum time to read on screen, surely.",
        "word " * 300,
    ],
)
def test_the_estimate_before_a_render_is_the_length_assembly_gives_a_silent_scene(text: str) -> None:
    # The drift that was a bug: the render limits estimated an unvoiced scene at its reading time plus a
    # second, with a floor of 1 s and no cap, while assembly makes it 3 s at least and 30 s at most. A short
    # scene was underestimated threefold; a 1500-character one was counted at 101 s, refusing renders whose
    # video would be within the limit.
    assert estimated_scene_seconds(text, voiced=False) == scene_timing(1, 0.0, text=text).duration


def test_the_estimate_of_a_voiced_scene_assumes_speech_at_reading_speed() -> None:
    text = "word " * 300

    assert estimated_scene_seconds(text, voiced=True) == pytest.approx(
        PAD_BEFORE_SECONDS + reading_seconds(text) + PAD_AFTER_SECONDS
    )
    assert estimated_scene_seconds("Hi.", voiced=True) == MIN_NARRATED_SCENE_SECONDS
    # Nothing speakable is silent, voice or not; a fixed length is the length
    assert estimated_scene_seconds("🎉", voiced=True) == SILENT_SCENE_MIN_SECONDS
    assert estimated_scene_seconds("word " * 300, 4.0, voiced=True) == 4.0
