"""What a voice provider gives back, and the text rules every provider shares.

A narration is split into sentences once, here, by rules that do not depend on the provider, so the same
text gives the same sentences (and the same caption cues) whichever voice speaks it. Pure functions and
small types only: the API function imports this module to validate settings, so nothing heavy loads.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from videogen.exceptions import VoiceSynthesisException

#: Bumped when synthesis changes in a way that must invalidate cached narrations.
CACHE_FORMAT: Final = "videogen-narration-v1"
TIMINGS_VERSION: Final = 1

#: Titles before a name: their full stop never ends a sentence ("Mr. Smith", "St. Louis").
_TITLES: Final = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "prof", "sr", "st", "mt", "capt", "col", "gen", "gov", "lt", "maj", "rev",
     "sen", "rep", "sgt", "hon", "fr"}
)  # fmt: skip
#: Abbreviations read as such inside a sentence; they end one only before a capitalised word.
_ABBREVIATIONS: Final = frozenset(
    {"e.g", "i.e", "vs", "cf", "etc", "approx", "dept", "est", "fig", "inc", "ltd", "co", "jr", "al", "no"}
)
_TERMINAL = re.compile(r"(?:[.!?…‽]+)[\"'”’»)\]]*$")
_OPENERS: Final = "\"'“‘«([¿¡"
#: A single initial ("J.") or a dotted acronym ("U.S."): a full stop that is not a sentence end.
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARAGRAPH = re.compile(r"\n\s*\n")
#: Unicode categories a voice cannot say: emoji and other pictographs, modifiers (skin tones), private and
#: unassigned code points, invisible format characters (the zero-width joiner of emoji sequences).
_UNSPOKEN_CATEGORIES: Final = frozenset({"So", "Sk", "Co", "Cn", "Cs", "Cf"})
#: Combining marks that only dress a removed symbol (an accent on an emoji is no accent on speech).
_DRESSING_MARKS: Final = frozenset({"Mn", "Me"})
#: Marks that only ever choose how a symbol is drawn: variation selectors and enclosing marks (keycaps).
_PRESENTATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u20dd-\u20e4]")


@dataclass(frozen=True, slots=True)
class WordTiming:
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


# --- text rules ---------------------------------------------------------------------------------------------


def normalize_narration(text: str) -> str:
    """``text`` with control characters removed, paragraphs separated by one blank line, spaces collapsed."""
    paragraphs = (" ".join(part.split()) for part in _PARAGRAPH.split(_CONTROL.sub("", text)))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def speakable(text: str) -> bool:
    """Whether a voice has anything to say in ``text``: at least one letter or digit.

    Emoji, pictographs and punctuation or symbols alone ("🎉🎉", "$%&", "---") are not speakable; engines
    would otherwise read out symbol names or produce noise.
    """
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def spoken_text(text: str) -> tuple[str, list[int]]:
    """``text`` as it is sent to an engine, and where each of its characters came from in ``text``.

    Emoji and other unsayable characters are removed (with the marks that dress them), and the spaces
    this leaves are collapsed. The index map lets a provider's offsets into the spoken text be mapped back
    to the text shown in captions.
    """
    kept: list[tuple[str, int]] = []
    removed_previous = False
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if (
            category in _UNSPOKEN_CATEGORIES
            or _PRESENTATION.match(char)
            or (removed_previous and category in _DRESSING_MARKS)
        ):
            removed_previous = True
            continue
        removed_previous = False
        if char.isspace():
            if kept and kept[-1][0] != " ":
                kept.append((" ", index))
            continue
        kept.append((char, index))
    while kept and kept[-1][0] == " ":
        kept.pop()
    return "".join(char for char, _ in kept), [index for _, index in kept]


def split_sentences(text: str) -> list[str]:
    """Split narration into sentences, deterministically, keeping every character of the normalized text.

    A sentence ends at ``.``, ``!``, ``?``, ``…`` or ``...`` (closing quotes and brackets stay with it)
    unless the next word starts with a lower-case letter. So decimals ("3.5"),
    titles ("Mr. Smith"), initials and dotted acronyms ("J. R. R. Tolkien", "the U.S. Army"), common
    abbreviations before a lower-case word ("e.g. this") and ellipses inside a sentence ("wait... and
    see") do not split. A blank line always ends a sentence. A piece with nothing speakable in it ("🎉")
    joins the sentence before it (or after it, at the start), so every sentence but a wholly unspeakable
    text has something to say.
    """
    sentences: list[str] = []
    for paragraph in normalize_narration(text).split("\n\n"):
        words = [word for word in paragraph.split(" ") if word]
        current: list[str] = []
        index = 0
        while index < len(words):
            word = words[index]
            current.append(word)
            index += 1
            if not _TERMINAL.search(word):
                continue
            # Emoji after the full stop ("We won! 🎉 Next ...") belong to the sentence they follow.
            after = index
            while after < len(words) and not speakable(words[after]):
                after += 1
            following = words[after] if after < len(words) else None
            if following is None or _ends_sentence(word, following):
                current.extend(words[index:after])
                sentences.append(" ".join(current))
                current = []
                index = after
        if current:
            sentences.append(" ".join(current))
    return _merge_unspeakable(sentences)


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


def _ends_sentence(word: str, following: str) -> bool:
    """Whether ``word`` (which ends in terminal punctuation) ends its sentence, given the next word."""
    bare = word.strip(_OPENERS + "\"'”’»)]")
    stem = bare.rstrip(".").lower()
    if bare.endswith(".") and not bare.endswith(".."):
        if stem in _TITLES or _INITIALS.match(bare):
            return False
        if stem in _ABBREVIATIONS and not _starts_capitalised(following):
            return False
    return _starts_sentence(following)


def _starts_capitalised(word: str) -> bool:
    first = word.lstrip(_OPENERS)[:1]
    return first.isupper()


def _starts_sentence(word: str) -> bool:
    first = word.lstrip(_OPENERS)[:1]
    # A capital, a digit or a symbol ("$5", "—") opens a sentence; a lower-case letter continues one.
    return not first or not first.isalpha() or first.isupper()


def _merge_unspeakable(sentences: Sequence[str]) -> list[str]:
    merged: list[str] = []
    pending: list[str] = []
    for sentence in sentences:
        if not speakable(sentence):
            if merged:
                merged[-1] = f"{merged[-1]} {sentence}"
            else:
                pending.append(sentence)
            continue
        merged.append(" ".join([*pending, sentence]))
        pending = []
    if pending:
        merged.append(" ".join(pending))
    return merged
