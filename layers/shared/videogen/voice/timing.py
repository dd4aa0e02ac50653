"""Scene timing from narration, and caption cues timed by the voice rather than by reading speed.

Rules:

* A scene lasts as long as its narration plus a pad before and after it (never less than
  ``MIN_NARRATED_SCENE_SECONDS``), unless the script fixes its duration: then the narration must fit, or
  ``NarrationTooLongException`` names the scene and by how much it is too long.
* A scene without anything spoken lasts as long as its caption takes to read (as without a voice).
* Consecutive narrations never overlap: cross-faded scenes overlap in time, so a narration starts no
  earlier than ``NARRATION_GAP_SECONDS`` after the previous one ended (``narration_starts``).
* Each sentence's first caption starts exactly when the sentence does; a long sentence is split into
  phrases (``videogen.media.captions.split_phrases``: two lines at most, no orphan words), each starting at
  its first word when the provider timed words, else at its share of the sentence by characters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from videogen.domain.limits import MAX_SCENE_SECONDS
from videogen.exceptions import NarrationTooLongException
from videogen.media.captions import (
    MAX_LINE_CHARS,
    MAX_LINES,
    Cue,
    cues_for_text,
    reading_seconds,
    split_phrases,
)
from videogen.voice.base import Narration, SentenceTiming

PAD_BEFORE_SECONDS: Final = 0.4
PAD_AFTER_SECONDS: Final = 0.6
MIN_NARRATED_SCENE_SECONDS: Final = 2.0
#: A scene with nothing spoken lasts its caption's reading time plus this, at least the minimum below.
SILENT_SCENE_PAD_SECONDS: Final = 1.0
SILENT_SCENE_MIN_SECONDS: Final = 3.0
#: The least silence between one scene's narration and the next one's.
NARRATION_GAP_SECONDS: Final = 0.2
#: A caption stays up across a pause in the voice shorter than this, instead of blinking off.
CAPTION_HOLD_GAP_SECONDS: Final = 1.0
#: The last caption of a scene stays up at most this long after the voice stops (within its window).
CAPTION_LINGER_SECONDS: Final = 1.0
#: Floating-point slack when comparing times that were computed two ways.
_EPSILON: Final = 1e-6


@dataclass(frozen=True, slots=True)
class SceneTiming:
    """How long a scene lasts and when, from the scene's start, its narration begins."""

    duration: float
    voice_offset: float


def scene_timing(
    scene: int,
    narration_seconds: float,
    *,
    fixed: float | None = None,
    text: str = "",
    pad_before: float = PAD_BEFORE_SECONDS,
    pad_after: float = PAD_AFTER_SECONDS,
) -> SceneTiming:
    """The duration of scene number ``scene`` and where its narration sits in it.

    Args:
        scene: the scene's 1-based number (named in errors).
        narration_seconds: length of its narration audio; 0 when nothing is spoken.
        fixed: the duration the script fixed, if any.
        text: its narration text, which sets the length of a scene with nothing spoken.

    Raises:
        NarrationTooLongException: the narration is longer than ``fixed``.
    """
    if fixed is not None:
        if narration_seconds > fixed + _EPSILON:
            raise NarrationTooLongException(scene, narration_seconds, fixed)
        pads = pad_before + pad_after
        slack = max(0.0, fixed - narration_seconds)
        # A tight fixed scene shrinks both pads in proportion, keeping the voice where it would be.
        offset = 0.0 if narration_seconds <= 0 or pads <= 0 else min(pad_before, slack * pad_before / pads)
        return SceneTiming(fixed, offset)
    if narration_seconds > 0:
        natural = pad_before + narration_seconds + pad_after
        duration = max(MIN_NARRATED_SCENE_SECONDS, natural)
        return SceneTiming(duration, pad_before + (duration - natural) / 2)
    silent = reading_seconds(text) + SILENT_SCENE_PAD_SECONDS
    return SceneTiming(min(MAX_SCENE_SECONDS, max(SILENT_SCENE_MIN_SECONDS, silent)), 0.0)


def narration_starts(
    spans: Sequence[tuple[float, float]],
    timings: Sequence[SceneTiming],
    narration_seconds: Sequence[float],
    scene_numbers: Sequence[int] | None = None,
) -> list[float]:
    """Where each scene's narration starts in the video, so that no two narrations overlap.

    Args:
        spans: each scene's (start, end) in the video (``videogen.media.assemble.timeline``).
        timings: each scene's ``scene_timing``.
        narration_seconds: each scene's narration length (0: silent).
        scene_numbers: the numbers named in errors; 1, 2, ... by default.

    Raises:
        NarrationTooLongException: pushed back behind the previous narration, a narration would run past
            the end of its scene (only possible with fixed durations).
        ValueError: the sequences differ in length.
    """
    numbers = list(scene_numbers) if scene_numbers is not None else list(range(1, len(spans) + 1))
    if not len(spans) == len(timings) == len(narration_seconds) == len(numbers):
        raise ValueError("spans, timings, narration lengths and scene numbers differ in length")
    starts: list[float] = []
    previous_end = -math.inf
    for (span_start, span_end), timing, seconds, number in zip(
        spans, timings, narration_seconds, numbers, strict=True
    ):
        start = span_start + timing.voice_offset
        if seconds <= 0:
            starts.append(start)
            continue
        earliest = max(span_start, previous_end + NARRATION_GAP_SECONDS)
        start = max(start, earliest)
        if start + seconds > span_end + _EPSILON:
            raise NarrationTooLongException(number, seconds, span_end - earliest)
        starts.append(start)
        previous_end = start + seconds
    return starts


def cues_from_sentences(
    sentences: Sequence[SentenceTiming],
    narration_start: float,
    *,
    hold_until: float | None = None,
    max_line_chars: int = MAX_LINE_CHARS,
    max_lines: int = MAX_LINES,
) -> list[Cue]:
    """Caption cues for one narration, timed by its sentences (and words, when known).

    Args:
        sentences: the narration's sentence timings, relative to its audio.
        narration_start: the time in the video at which the narration audio starts.
        hold_until: the end of the scene's caption window; the last cue may stay up until then, but at most
            ``CAPTION_LINGER_SECONDS`` after the voice stops.
    """
    timed: list[tuple[float, float, str]] = []  # (start, end of speech, text), relative to the audio
    for sentence in sentences:
        timed.extend(_phrases(sentence, max_line_chars, max_lines))
    cues: list[Cue] = []
    for index, (start, spoken_end, text) in enumerate(timed):
        end = spoken_end
        if index + 1 < len(timed):
            following = timed[index + 1][0]
            # Within a sentence the next phrase takes over at once; across a short pause, it too.
            if following - spoken_end <= CAPTION_HOLD_GAP_SECONDS:
                end = following
        elif hold_until is not None:
            end = max(end, min(hold_until - narration_start, spoken_end + CAPTION_LINGER_SECONDS))
        cues.append(Cue(narration_start + start, narration_start + max(end, start + 0.001), text))
    return cues


def cues_for_scene(
    text: str,
    narration: Narration | None,
    narration_start: float,
    window: tuple[float, float],
    *,
    max_line_chars: int = MAX_LINE_CHARS,
    max_lines: int = MAX_LINES,
) -> list[Cue]:
    """A scene's cues: timed by its voice when it has one, else by reading speed over its caption window.

    Args:
        text: the scene's narration text.
        narration: its synthesized narration, or None without a voice.
        narration_start: where the narration starts in the video (``narration_starts``).
        window: the scene's caption window (``videogen.media.captions.caption_windows``).
    """
    if narration is not None and narration.sentences:
        return cues_from_sentences(
            narration.sentences,
            narration_start,
            hold_until=window[1],
            max_line_chars=max_line_chars,
            max_lines=max_lines,
        )
    return cues_for_text(text, window[0], window[1], max_line_chars=max_line_chars, max_lines=max_lines)


def _phrases(sentence: SentenceTiming, max_line_chars: int, max_lines: int) -> list[tuple[float, float, str]]:
    """A sentence's phrases with their start and end of speech, relative to the narration audio."""
    phrases = split_phrases(sentence.text, max_line_chars, max_lines)
    if not phrases:
        return []
    flat = [phrase.replace("\n", " ") for phrase in phrases]
    length = max(1, sum(len(phrase) for phrase in flat) + len(flat) - 1)
    span = max(0.0, sentence.end - sentence.start)
    starts: list[float] = []
    position = 0
    for index, phrase in enumerate(flat):
        if index == 0:
            start = sentence.start
        else:
            word = next((word for word in sentence.words if word.offset >= position), None)
            start = word.start if word is not None else sentence.start + span * position / length
            start = min(max(start, starts[-1]), sentence.end)
        starts.append(start)
        position += len(phrase) + 1
    ends = [*starts[1:], max(sentence.end, starts[-1])]
    return list(zip(starts, ends, phrases, strict=True))
