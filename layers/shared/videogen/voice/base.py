"""What a voice provider is, what it gives back (a narration with its timings), and its cache key.

The text rules every provider shares (sentences, what can be said) are ``videogen.domain.text``. Small
types only: nothing heavy loads with this module.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple, Protocol

from videogen.domain.text import normalize_narration
from videogen.exceptions import VoiceSynthesisException

#: Bumped when synthesis changes in a way that must invalidate cached narrations.
CACHE_FORMAT: Final = "videogen-narration-v1"
TIMINGS_VERSION: Final = 1


class WordTiming(NamedTuple):
    """A word's start in the narration audio; ``offset`` is its character index in its sentence's text."""

    text: str
    start: float
    offset: int


@dataclass(frozen=True, slots=True)
class SentenceTiming:
    """When one sentence is spoken, in seconds from the start of its narration audio.

    ``words`` is filled when the provider times words too (Polly's speech marks); empty otherwise.
    """

    text: str
    start: float
    end: float
    words: tuple[WordTiming, ...] = ()


@dataclass(frozen=True, slots=True)
class Narration:
    """A synthesized narration: its audio file, exact length and per-sentence timings.

    Text with nothing to say (emoji or symbols only) gives ``audio_path=None``, ``duration=0``, no
    sentences and ``sample_rate=0``: the scene stays silent and its captions fall back to reading time.
    """

    audio_path: Path | None
    duration: float
    sentences: list[SentenceTiming]
    voice: str
    sample_rate: int

    @property
    def silent(self) -> bool:
        """Whether there is no audio to play."""
        return self.audio_path is None or self.duration <= 0

    def to_document(self) -> dict[str, Any]:
        """The timings as a JSON-ready document (stored beside the audio, e.g. ``narration.json``)."""
        return {
            "version": TIMINGS_VERSION,
            "voice": self.voice,
            "sample_rate": self.sample_rate,
            "duration": round(self.duration, 6),
            "audio": None if self.audio_path is None else self.audio_path.name,
            "sentences": [
                {
                    "text": sentence.text,
                    "start": round(sentence.start, 6),
                    "end": round(sentence.end, 6),
                    "words": [
                        {"text": word.text, "start": round(word.start, 6), "offset": word.offset}
                        for word in sentence.words
                    ],
                }
                for sentence in self.sentences
            ],
        }

    @classmethod
    def from_document(cls, document: dict[str, Any], audio_path: Path | None) -> Narration:
        """A narration read back from ``to_document`` output, its audio at ``audio_path``.

        Raises:
            VoiceSynthesisException: the document is not a timings document of a known version.
        """
        if not isinstance(document, dict) or document.get("version") != TIMINGS_VERSION:
            raise VoiceSynthesisException("The narration timings document is not readable")
        try:
            sentences = [
                SentenceTiming(
                    text=str(item["text"]),
                    start=float(item["start"]),
                    end=float(item["end"]),
                    words=tuple(
                        WordTiming(str(word["text"]), float(word["start"]), int(word["offset"]))
                        for word in item.get("words", [])
                    ),
                )
                for item in document["sentences"]
            ]
            duration = float(document["duration"])
            return cls(
                audio_path=audio_path if duration > 0 else None,
                duration=duration,
                sentences=sentences,
                voice=str(document["voice"]),
                sample_rate=int(document["sample_rate"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise VoiceSynthesisException("The narration timings document is not readable") from exc


class VoiceProvider(Protocol):
    """Something that turns narration text into speech with sentence timings."""

    #: The provider's name in the ``voice`` setting ("local", "polly").
    name: str
    #: Settings other than the voice that change the audio; part of ``narration_cache_key``.
    cache_options: str

    def voices(self) -> list[str]:
        """The voice ids this provider can speak with."""
        ...

    def synthesize(self, text: str, voice: str, workdir: Path) -> Narration:
        """Speak ``text`` with ``voice``, writing the audio under ``workdir``."""
        ...


def narration_cache_key(provider: str, voice: str, text: str, options: str = "") -> str:
    """The sha256 (hex) identifying a narration: the same text and voice are never synthesized twice.

    Args:
        provider: the provider's name ("local", "polly").
        voice: the voice id.
        text: the narration; whitespace differences that change nothing spoken give the same key.
        options: anything else that changes the audio (an engine, a sample rate), as one string.
    """
    identity = json.dumps(
        [CACHE_FORMAT, provider, voice, options, normalize_narration(text)], ensure_ascii=False
    )
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def silent_narration(voice: str) -> Narration:
    """The narration of text with nothing speakable in it: no audio, no sentences."""
    return Narration(audio_path=None, duration=0.0, sentences=[], voice=voice, sample_rate=0)
