"""Polly speech marks: UTF-8 byte offsets converted to characters, and marks mapped onto our sentences."""

from __future__ import annotations

import json

import pytest

from videogen.domain.text import split_sentences
from videogen.exceptions import VoiceSynthesisException
from videogen.voice.polly import (
    SpeechMark,
    byte_span_to_chars,
    compose_text,
    parse_speech_marks,
    timings_from_marks,
    utf8_offsets,
)


def byte_span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    prefix = len(text[:start].encode("utf-8"))
    return prefix, prefix + len(fragment.encode("utf-8"))


@pytest.mark.parametrize(
    "fragment", ["Ça", "va", "Über", "café", "—", "naïve", "🎉", "👍🏽", "日本語", "end"]
)
def test_byte_spans_of_non_ascii_text_become_the_right_characters(fragment: str) -> None:
    text = "Ça va? Über café — naïve. 🎉 and 👍🏽, 日本語 end"
    offsets = utf8_offsets(text)
    start, end = byte_span_to_chars(offsets, *byte_span(text, fragment))
    assert text[start:end] == fragment


def test_utf8_offsets_count_bytes_per_character() -> None:
    assert utf8_offsets("aÇ€🎉") == [0, 1, 3, 6, 10]


def test_byte_offsets_inside_a_character_snap_outwards() -> None:
    text = "a🎉b"
    offsets = utf8_offsets(text)
    assert byte_span_to_chars(offsets, 2, 3) == (1, 2)  # inside the emoji: the whole emoji
    assert byte_span_to_chars(offsets, 0, 100) == (0, 3)  # past the end: clamped
    assert byte_span_to_chars(offsets, -5, 1) == (0, 1)


def test_character_offsets_would_be_wrong_which_is_why_bytes_are_converted() -> None:
    # Given a mark for "naïve" whose offsets are bytes
    text = "Über café — naïve."
    start, end = byte_span(text, "naïve")
    # Then reading them as characters lands elsewhere; converting them does not
    assert text[start:end] != "naïve"
    assert text[slice(*byte_span_to_chars(utf8_offsets(text), start, end))] == "naïve"


def test_parse_speech_marks_reads_newline_delimited_json() -> None:
    text = "Ça va? Über café."
    lines = [
        {"time": 6, "type": "sentence", "start": 0, "end": 7, "value": "Ça va?"},
        {"time": 6, "type": "word", "start": 0, "end": 3, "value": "Ça"},
        {"time": 812, "type": "word", "start": 8, "end": 13, "value": "Über"},
    ]
    body = ("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n").encode("utf-8")
    marks = parse_speech_marks(body, text)
    assert marks == [
        SpeechMark("sentence", 0.006, 0, 6, "Ça va?"),
        SpeechMark("word", 0.006, 0, 2, "Ça"),
        SpeechMark("word", 0.812, 7, 11, "Über"),
    ]


@pytest.mark.parametrize(
    "body", [b"not json\n", b'{"time": 1}\n', b'{"time":"x","type":"word","start":0,"end":1}']
)
def test_parse_speech_marks_rejects_garbage(body: bytes) -> None:
    with pytest.raises(VoiceSynthesisException):
        parse_speech_marks(body, "a")


def test_marks_are_mapped_onto_our_sentences_even_when_polly_segments_differently() -> None:
    # Given our three sentences, and Polly marking only one sentence but every word
    sentences = split_sentences("Mr. Smith came. Über café! Go 🎉.")
    sent, spans, maps = compose_text(sentences)
    assert sent == "Mr. Smith came. Über café! Go ."
    offsets = utf8_offsets(sent)

    def word(value: str, time: int, after: int = 0) -> SpeechMark:
        start = sent.index(value, after)
        return SpeechMark("word", time / 1000, start, start + len(value), value)

    marks = [
        SpeechMark("sentence", 0.01, 0, len(sent), sent),
        word("Mr.", 10),
        word("Smith", 300),
        word("came", 700),
        word("Über", 1500),
        word("café", 1900),
        word("Go", 2600),
    ]
    assert offsets[-1] == len(sent.encode("utf-8"))
    # When they are mapped
    timings = timings_from_marks(sentences, spans, maps, marks, duration=3.0)
    # Then each sentence starts at its first word, ends where the next starts, and keeps its original text
    assert [(t.text, t.start, t.end) for t in timings] == [
        ("Mr. Smith came.", 0.01, 1.5),
        ("Über café!", 1.5, 2.6),
        ("Go 🎉.", 2.6, 3.0),
    ]
    assert [(w.text, w.offset) for w in timings[1].words] == [("Über", 0), ("café", 5)]
    assert timings[0].words[1].start == 0.3


def test_a_sentence_without_marks_is_placed_in_order() -> None:
    sentences = ["One two.", "Three four.", "Five six."]
    sent, spans, maps = compose_text(sentences)
    marks = [
        SpeechMark("word", 0.0, 0, 3, "One"),
        SpeechMark("word", 2.0, spans[2][0], spans[2][0] + 4, "Five"),
    ]
    timings = timings_from_marks(sentences, spans, maps, marks, duration=3.0)
    starts = [t.start for t in timings]
    assert starts == sorted(starts)
    assert 0.0 < timings[1].start < 2.0
