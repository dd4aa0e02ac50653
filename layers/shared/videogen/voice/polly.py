"""Amazon Polly voices: the audio and its speech marks, from two ``synthesize_speech`` calls.

The audio is requested as 16-bit PCM (its exact length is its byte count, no decoding needed) and the
timings as speech marks (``sentence`` and ``word``), newline-delimited JSON whose ``start``/``end`` are
BYTE offsets into the UTF-8 text sent, not character offsets. Sentences are videogen's own
(``split_sentences``), so captions split the same way whichever voice speaks; Polly's marks are mapped onto
them by position. Plain text is enough: no SSML is needed for any of this.
"""

from __future__ import annotations

import bisect
import json
import logging
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from videogen.domain.text import speakable, split_sentences, spoken_text
from videogen.domain.voices import POLLY_NEURAL_ENGLISH_VOICES
from videogen.exceptions import (
    ConfigurationException,
    RateLimitException,
    UnknownVoiceException,
    VoiceSynthesisException,
    VoiceUnavailableException,
)
from videogen.voice.base import Narration, SentenceTiming, WordTiming, silent_narration

logger = logging.getLogger(__name__)

#: Neural voices speak PCM at 8 or 16 kHz; 16 kHz is the better of the two.
DEFAULT_SAMPLE_RATE: Final = 16_000
DEFAULT_RETRY_AFTER: Final = 2
_THROTTLING: Final = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling"})
_UNAVAILABLE: Final = frozenset({"ServiceFailureException", "ServiceUnavailableException", "InternalFailure"})


@dataclass(frozen=True, slots=True)
class SpeechMark:
    """One Polly speech mark, its offsets converted to characters of the text that was sent."""

    kind: str
    time: float  # seconds from the start of the audio
    start: int  # character offsets into the sent text
    end: int
    value: str


def utf8_offsets(text: str) -> list[int]:
    """The UTF-8 byte offset at which each character of ``text`` starts, plus the total byte length."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode("utf-8")))
    return offsets


def byte_span_to_chars(offsets: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Character span of a byte span, given ``utf8_offsets`` of the text.

    A start inside a multi-byte character snaps to that character; an end inside one snaps past it, so
    the span always covers every byte it was given. Offsets beyond the text are clamped to it.
    """
    last = len(offsets) - 1
    first_char = max(0, min(last, bisect.bisect_right(offsets, max(0, start)) - 1))
    end_char = max(first_char, min(last, bisect.bisect_left(offsets, max(0, end))))
    return first_char, end_char


def parse_speech_marks(body: bytes | str, text: str) -> list[SpeechMark]:
    """Polly's newline-delimited JSON speech marks for ``text``, with character offsets.

    Raises:
        VoiceSynthesisException: a line is not a speech mark.
    """
    raw = body.decode("utf-8") if isinstance(body, bytes) else body
    offsets = utf8_offsets(text)
    marks: list[SpeechMark] = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            start, end = byte_span_to_chars(offsets, int(item["start"]), int(item["end"]))
            mark = SpeechMark(str(item["type"]), int(item["time"]) / 1000, start, end, str(item["value"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise VoiceSynthesisException("Polly returned unreadable speech marks") from exc
        if text[mark.start : mark.end] != mark.value:
            # Only a check: the offsets, not the echoed value, say where the mark is.
            logger.warning("Speech mark value differs from its span", extra={"kind": mark.kind})
        marks.append(mark)
    return marks


class PollyVoiceProvider:
    """Amazon Polly neural English voices through boto3 (one client per provider, created on first use)."""

    name = "polly"

    def __init__(
        self,
        client: Any | None = None,
        engine: str = "neural",
        *,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        region: str | None = None,
    ) -> None:
        self._client = client
        self.engine = engine
        self.sample_rate = sample_rate
        self.region = region
        #: What else changes the audio, for ``narration_cache_key``.
        self.cache_options = f"{engine}/pcm{sample_rate}"

    @property
    def client(self) -> Any:
        """The Polly client, made on first use."""
        if self._client is None:
            self._client = boto3.client("polly", region_name=self.region)
        return self._client

    def voices(self) -> list[str]:
        """The neural English voices offered."""
        return sorted(POLLY_NEURAL_ENGLISH_VOICES)

    def synthesize(self, text: str, voice: str, workdir: Path) -> Narration:
        """Speak ``text`` with Polly ``voice`` into ``workdir/narration.wav`` (mono 16-bit PCM).

        Raises:
            UnknownVoiceException: ``voice`` is not one of ``voices()``.
            RateLimitException: Polly throttled the call (the state machine retries it).
            VoiceUnavailableException: a Polly 5xx or a network failure (worth a retry).
            ConfigurationException: no AWS credentials.
            VoiceSynthesisException: any other Polly error.
        """
        if voice not in POLLY_NEURAL_ENGLISH_VOICES:
            raise UnknownVoiceException(f"polly:{voice}", [f"polly:{name}" for name in self.voices()])
        sentences = split_sentences(text)
        if not any(speakable(sentence) for sentence in sentences):
            return silent_narration(voice)
        sent, spans, maps = compose_text(sentences)
        request = {"Engine": self.engine, "Text": sent, "TextType": "text", "VoiceId": voice}
        audio = self._synthesize(
            {**request, "OutputFormat": "pcm", "SampleRate": str(self.sample_rate)}, voice
        )
        body = self._synthesize(
            {**request, "OutputFormat": "json", "SpeechMarkTypes": ["sentence", "word"]}, voice
        )
        marks = parse_speech_marks(body, sent)

        workdir.mkdir(parents=True, exist_ok=True)
        output = workdir / "narration.wav"
        with wave.open(str(output), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.sample_rate)
            wav.writeframes(audio[: len(audio) - len(audio) % 2])
        duration = (len(audio) // 2) / self.sample_rate
        if duration <= 0:
            raise VoiceSynthesisException("Polly returned no audio", {"voice": voice})
        return Narration(
            audio_path=output,
            duration=duration,
            sentences=timings_from_marks(sentences, spans, maps, marks, duration),
            voice=voice,
            sample_rate=self.sample_rate,
        )

    def _synthesize(self, request: dict[str, Any], voice: str) -> bytes:
        try:
            response = self.client.synthesize_speech(**request)
            stream = response["AudioStream"]
            try:
                return bytes(stream.read())
            finally:
                stream.close()
        except ClientError as exc:
            raise _mapped(exc, voice) from exc
        except NoCredentialsError as exc:
            raise ConfigurationException("Polly needs AWS credentials") from exc
        except BotoCoreError as exc:
            raise VoiceUnavailableException("Polly could not be reached", {"voice": voice}) from exc


def _mapped(exc: ClientError, voice: str) -> Exception:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in _THROTTLING or status == 429:
        return RateLimitException("Polly is throttling requests", retry_after=DEFAULT_RETRY_AFTER)
    if code in _UNAVAILABLE or status >= 500:
        return VoiceUnavailableException("Polly is unavailable", {"voice": voice, "code": code})
    if code == "TextLengthExceededException":
        return VoiceSynthesisException("The narration is too long for Polly", {"voice": voice, "code": code})
    return VoiceSynthesisException("Polly could not synthesize the narration", {"voice": voice, "code": code})


def compose_text(sentences: Sequence[str]) -> tuple[str, list[tuple[int, int]], list[list[int]]]:
    """The text sent to Polly (spoken forms joined by spaces), each sentence's span in it and index map."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    maps: list[list[int]] = []
    position = 0
    for sentence in sentences:
        spoken, index_map = spoken_text(sentence)
        if parts:
            position += 1  # the joining space
        parts.append(spoken)
        spans.append((position, position + len(spoken)))
        maps.append(index_map)
        position += len(spoken)
    return " ".join(parts), spans, maps


def timings_from_marks(
    sentences: Sequence[str],
    spans: Sequence[tuple[int, int]],
    maps: Sequence[Sequence[int]],
    marks: Sequence[SpeechMark],
    duration: float,
) -> list[SentenceTiming]:
    """Our sentences timed by Polly's marks: a sentence starts at its first mark, ends where the next starts.

    Polly segments sentences its own way, so both its sentence and word marks are placed by where they
    start in the sent text. A sentence without any mark (not seen in practice) is placed by its position in
    the text, proportionally, so the timings stay ordered.
    """
    span_starts = [start for start, _ in spans]
    starts: list[float | None] = [None] * len(sentences)
    words: list[list[WordTiming]] = [[] for _ in sentences]
    for mark in marks:
        if mark.kind not in ("sentence", "word"):
            continue
        index = bisect.bisect_right(span_starts, mark.start) - 1
        if index < 0 or mark.start >= spans[index][1]:
            continue  # a mark on a joining space: belongs to no sentence
        current = starts[index]
        starts[index] = mark.time if current is None else min(current, mark.time)
        if mark.kind == "word":
            local_start = mark.start - spans[index][0]
            local_end = min(mark.end, spans[index][1]) - spans[index][0]
            first = maps[index][local_start]
            last = maps[index][max(local_start, local_end - 1)] + 1
            words[index].append(WordTiming(sentences[index][first:last], mark.time, first))
    total_chars = max(1, spans[-1][1])
    resolved: list[float] = []
    for index, start in enumerate(starts):
        estimate = duration * spans[index][0] / total_chars if start is None else start
        resolved.append(max(estimate, resolved[-1]) if resolved else estimate)
    timings = []
    for index, sentence in enumerate(sentences):
        end = resolved[index + 1] if index + 1 < len(sentences) else duration
        ordered = tuple(sorted(words[index], key=lambda word: (word.start, word.offset)))
        timings.append(SentenceTiming(sentence, resolved[index], max(resolved[index], end), ordered))
    return timings
