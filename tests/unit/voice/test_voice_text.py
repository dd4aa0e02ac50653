"""Sentence splitting, speakability, the spoken form sent to engines, and the narration cache key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from videogen.domain.text import normalize_narration, speakable, split_sentences, spoken_text
from videogen.exceptions import VoiceSynthesisException
from videogen.voice.base import Narration, SentenceTiming, WordTiming, narration_cache_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Hello there, Mr. Smith. Dr. Who is here.", ["Hello there, Mr. Smith.", "Dr. Who is here."]),
        (
            "The price is 3.5 dollars. It rose by 0.25 today.",
            ["The price is 3.5 dollars.", "It rose by 0.25 today."],
        ),
        ("Wait... and see. Wait... What now?", ["Wait... and see.", "Wait...", "What now?"]),
        ("It was late… Nobody came.", ["It was late…", "Nobody came."]),
        ('"Stop!" she said. "Now." Then she left.', ['"Stop!" she said.', '"Now."', "Then she left."]),
        (
            "J. R. R. Tolkien wrote it. The U.S. Army came.",
            ["J. R. R. Tolkien wrote it.", "The U.S. Army came."],
        ),
        (
            "Fruit, e.g. apples, is good. See fig. 3 below.",
            ["Fruit, e.g. apples, is good.", "See fig. 3 below."],
        ),
        ("No. I will not go. Read No. 5 first.", ["No.", "I will not go.", "Read No. 5 first."]),
        ("We sold pens, ink, etc. Then we closed.", ["We sold pens, ink, etc.", "Then we closed."]),
        ("It costs $5. 10 people came.", ["It costs $5.", "10 people came."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ("(He left.) She stayed.", ["(He left.)", "She stayed."]),
        ("No punctuation at the end", ["No punctuation at the end"]),
    ],
)
def test_split_sentences_handles_abbreviations_decimals_ellipses_and_quotes(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_ends_a_sentence_at_a_blank_line_but_not_at_a_line_break() -> None:
    assert split_sentences("First line\nsame sentence\n\nNew paragraph") == [
        "First line same sentence",
        "New paragraph",
    ]


def test_split_sentences_keeps_emoji_with_the_sentence_they_follow() -> None:
    assert split_sentences("We won! 🎉🎉 Next one.") == ["We won! 🎉🎉", "Next one."]
    assert split_sentences("🎉 Party time. Yes") == ["🎉 Party time.", "Yes"]


def test_split_sentences_returns_unspeakable_text_as_one_piece() -> None:
    assert split_sentences("🎉🎉 👍") == ["🎉🎉 👍"]
    assert split_sentences("   \n\n ") == []


def test_split_sentences_keeps_every_word_in_order() -> None:
    text = 'Dr. Jones, aged 3.5, said: "Go... now!" Then?! e.g. this.\n\nEnd 🎉.'
    assert " ".join(split_sentences(text)) == " ".join(text.split())


def test_split_sentences_is_deterministic() -> None:
    text = "Mr. A. B. Smith met Mrs. Jones at 10.30 a.m. They talked. 🎉"
    assert split_sentences(text) == split_sentences(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hello", True), ("5", True), ("Ça", True), ("日本", True), ("🎉🎉", False), ("$%&", False),
     ("--- ...", False), ("", False), ("👍🏽❤️", False)],
)  # fmt: skip
def test_speakable_needs_a_letter_or_a_digit(text: str, expected: bool) -> None:
    assert speakable(text) is expected


def test_spoken_text_drops_emoji_with_their_modifiers_and_maps_back_to_the_original() -> None:
    original = "Hi 👍🏽 there 1️⃣ café ❤️!"
    spoken, index_map = spoken_text(original)
    assert spoken == "Hi there 1 café !"
    assert len(index_map) == len(spoken)
    for position, char in enumerate(spoken):
        if char != " ":
            assert original[index_map[position]] == char
    assert original[index_map[spoken.index("café")] :].startswith("café")


def test_normalize_narration_collapses_spaces_and_removes_control_characters() -> None:
    assert normalize_narration("  a\t b\x07c \n\n\n  d  ") == "a bc\n\nd"


def test_cache_key_is_the_same_for_the_same_words_and_voice() -> None:
    key = narration_cache_key("local", "en_US-joe-medium", "Hello  there.\nFriend.")
    assert key == narration_cache_key("local", "en_US-joe-medium", "Hello there. Friend.")
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    # ... and another for other words, or another voice
    assert key != narration_cache_key("local", "en_US-joe-medium", "Hello there. Friends.")
    assert key != narration_cache_key("local", "en_US-amy-medium", "Hello there. Friend.")


@pytest.mark.parametrize(
    ("provider", "voice", "text", "options"),
    [
        ("polly", "en_US-joe-medium", "Hello there.", ""),
        ("local", "other", "Hello there.", ""),
        ("local", "en_US-joe-medium", "Hello there!", ""),
        ("local", "en_US-joe-medium", "Hello there.", "gap=0.3"),
    ],
)
def test_cache_key_changes_with_provider_voice_text_and_options(
    provider: str, voice: str, text: str, options: str
) -> None:
    assert narration_cache_key(provider, voice, text, options) != narration_cache_key(
        "local", "en_US-joe-medium", "Hello there.", ""
    )


def test_narration_document_round_trips() -> None:
    narration = Narration(
        audio_path=Path("/tmp/x/narration.wav"),
        duration=2.5,
        sentences=[SentenceTiming("Ça va?", 0.0, 1.0, (WordTiming("Ça", 0.0, 0), WordTiming("va", 0.4, 3)))],
        voice="Joanna",
        sample_rate=16000,
    )
    document = narration.to_document()
    assert document["audio"] == "narration.wav"
    assert Narration.from_document(document, Path("/tmp/x/narration.wav")) == narration


def test_narration_document_of_a_silent_narration_has_no_audio() -> None:
    silent = Narration(None, 0.0, [], "Joanna", 0)
    assert silent.silent
    assert Narration.from_document(silent.to_document(), Path("ignored.wav")) == silent


@pytest.mark.parametrize("document", [{}, {"version": 99}, {"version": 1, "sentences": [{"text": "a"}]}, []])
def test_unreadable_narration_document_is_rejected(document: object) -> None:
    with pytest.raises(VoiceSynthesisException):
        Narration.from_document(document, None)  # type: ignore[arg-type]
