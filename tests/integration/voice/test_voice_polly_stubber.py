"""PollyVoiceProvider through a real boto3 Polly client whose wire is botocore's Stubber.

The Stubber checks every request against Polly's service model. The speech-mark fixtures in
``tests/events/polly`` follow Polly's documented output (newline-delimited JSON, byte offsets into the UTF-8
text sent) for texts with accents, an em dash and an emoji.
"""

from __future__ import annotations

import io
import json
import math
import struct
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.credentials import CredentialResolver
from botocore.response import StreamingBody
from botocore.stub import Stubber

from videogen.exceptions import (
    ConfigurationException,
    RateLimitException,
    UnknownVoiceException,
    VoiceSynthesisException,
    VoiceUnavailableException,
)
from videogen.media.timeline import cues_from_sentences
from videogen.voice.polly import PollyVoiceProvider

EVENTS = Path(__file__).resolve().parents[2] / "events" / "polly"
RATE = 16_000


def load(name: str) -> tuple[dict[str, Any], bytes]:
    spec = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return spec, (EVENTS / f"{name}.marks.ndjson").read_bytes()


def pcm_tone(seconds: float) -> bytes:
    """16-bit mono PCM of a quiet tone: stands in for Polly's audio, whose content is not under test."""
    count = round(seconds * RATE)
    return b"".join(struct.pack("<h", round(3000 * math.sin(i * 0.1))) for i in range(count))


def body(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # The Stubber answers before anything is signed or sent, but the client wants credentials.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield boto3.client("polly", region_name="us-east-1")


def stub_synthesis(stubber: Stubber, spec: dict[str, Any], marks: bytes, audio: bytes) -> None:
    request = {"Engine": "neural", "Text": spec["sent_text"], "TextType": "text", "VoiceId": spec["voice"]}
    stubber.add_response(
        "synthesize_speech",
        {
            "AudioStream": body(audio),
            "ContentType": "audio/pcm",
            "RequestCharacters": spec["request_characters"],
        },
        {**request, "OutputFormat": "pcm", "SampleRate": str(RATE)},
    )
    stubber.add_response(
        "synthesize_speech",
        {"AudioStream": body(marks), "ContentType": "application/x-json-stream",
         "RequestCharacters": spec["request_characters"]},
        {**request, "OutputFormat": "json", "SpeechMarkTypes": ["sentence", "word"]},
    )  # fmt: skip


def test_non_ascii_narration_gets_sentences_and_words_at_the_right_characters(
    client: Any, tmp_path: Path
) -> None:
    # Given Polly's audio and speech marks for a text with accents, an em dash and an emoji
    spec, marks = load("joanna_nonascii")
    audio = pcm_tone(spec["audio_seconds"])
    with Stubber(client) as stubber:
        stub_synthesis(stubber, spec, marks, audio)
        # When it is synthesized
        narration = PollyVoiceProvider(client).synthesize(spec["text"], spec["voice"], tmp_path)
        stubber.assert_no_pending_responses()
    # Then the audio is the PCM Polly sent, as a WAV of the exact length
    assert narration.audio_path == tmp_path / "narration.wav"
    with wave.open(str(narration.audio_path), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (RATE, 1, 2)
        assert wav.readframes(wav.getnframes()) == audio
    assert narration.duration == pytest.approx(spec["audio_seconds"])
    assert (narration.voice, narration.sample_rate) == ("Joanna", RATE)
    # And the sentences are ours, with the emoji kept for the captions, timed by the marks
    assert [(s.text, s.start, s.end) for s in narration.sentences] == [
        ("Ça va?", 0.006, 0.912),
        ("Über café — naïve.", 0.912, 2.731),
        ("Let's go 🎉!", 2.731, pytest.approx(spec["audio_seconds"])),
    ]
    # And every word lands on its own characters, although Polly counted bytes
    for sentence in narration.sentences:
        for word in sentence.words:
            assert sentence.text[word.offset : word.offset + len(word.text)] == word.text
    assert [(w.text, w.offset, w.start) for w in narration.sentences[1].words] == [
        ("Über", 0, 0.912),
        ("café", 5, 1.268),
        ("naïve", 12, 1.894),
    ]


def test_a_long_sentence_is_captioned_in_phrases_starting_at_their_words(client: Any, tmp_path: Path) -> None:
    spec, marks = load("matthew_long_sentence")
    with Stubber(client) as stubber:
        stub_synthesis(stubber, spec, marks, pcm_tone(spec["audio_seconds"]))
        narration = PollyVoiceProvider(client).synthesize(spec["text"], spec["voice"], tmp_path)
    assert [s.text for s in narration.sentences] == [
        "Mr. Smith arrived at 3.5 p.m. sharp, carrying a small brown suitcase, an umbrella and a newspaper "
        "he had not yet read.",
        "Then he left.",
    ]
    cues = cues_from_sentences(narration.sentences, narration_start=1.0)
    words = {(w.text, round(1.0 + w.start, 6)) for s in narration.sentences for w in s.words}
    assert len(cues) >= 3
    for cue in cues:
        # Every cue starts exactly when its first word is spoken
        assert any(cue.text.startswith(word) and start == round(cue.start, 6) for word, start in words)


def test_unspeakable_text_makes_no_call(client: Any, tmp_path: Path) -> None:
    with Stubber(client):
        narration = PollyVoiceProvider(client).synthesize("🎉🎉 👍", "Joanna", tmp_path)
    assert narration.silent and narration.sentences == [] and narration.duration == 0


def test_an_unknown_voice_lists_the_valid_ones(client: Any, tmp_path: Path) -> None:
    with pytest.raises(UnknownVoiceException) as caught:
        PollyVoiceProvider(client).synthesize("Hello.", "Hans", tmp_path)
    assert "polly:Joanna" in caught.value.details["valid"]


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ThrottlingException", 400, RateLimitException),
        ("ServiceFailureException", 500, VoiceUnavailableException),
        ("TextLengthExceededException", 400, VoiceSynthesisException),
        ("InvalidSampleRateException", 400, VoiceSynthesisException),
    ],
)
def test_polly_errors_become_our_own(
    client: Any, tmp_path: Path, code: str, status: int, expected: type[Exception]
) -> None:
    with Stubber(client) as stubber:
        stubber.add_client_error("synthesize_speech", service_error_code=code, http_status_code=status)
        with pytest.raises(expected) as caught:
            PollyVoiceProvider(client).synthesize("Hello there.", "Joanna", tmp_path)
    if expected is RateLimitException:
        assert caught.value.retryable  # type: ignore[attr-defined]
    if expected is VoiceSynthesisException:
        assert not caught.value.retryable  # type: ignore[attr-defined]
        assert caught.value.details["code"] == code  # type: ignore[attr-defined]


def test_missing_credentials_are_a_configuration_error(tmp_path: Path) -> None:
    # A client whose credential chain is empty: it fails at signing, before any network access.
    session = botocore.session.get_session()
    session.register_component("credential_provider", CredentialResolver(providers=[]))
    client = session.create_client("polly", region_name="us-east-1")
    with pytest.raises(ConfigurationException):
        PollyVoiceProvider(client).synthesize("Hello there.", "Joanna", tmp_path)
