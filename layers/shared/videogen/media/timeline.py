"""A video's timeline: how long each scene lasts, where it sits, when its voice starts, what captions say.

Pure functions of their inputs, with no I/O and no media libraries: the API function imports this module to
estimate a render's length, and assembly plans a whole video with ``plan`` before anything is rendered.

The rules, each stated where it is applied: a scene lasts its narration plus pads, or its reading time
when nothing is spoken, or what the script fixed (``scene_timing``); cross-faded scenes overlap
(``transition_overlaps``); narrations never overlap (``narration_starts``); captions switch halfway
through a cross-fade (``caption_windows``) and follow the voice's sentences and words when it spoke
(``cues_from_sentences``), else share their window by reading time (``cues_for_text``).

Sentence timings come from a voice (``videogen.voice.base.SentenceTiming``) and are read here by their
shape (``SpokenSentence``): media never imports voice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from videogen.domain.enums import Transition
from videogen.domain.limits import MAX_SCENE_SECONDS
from videogen.domain.text import one_line, speakable
from videogen.exceptions import NarrationTooLongException, VideoAssemblyException
from videogen.media.captions import Cue, split_phrases

DEFAULT_TRANSITION_SECONDS: Final = 0.5
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
#: Comfortable adult reading speed in characters per second (subtitle guidelines use 15-17).
READING_CHARS_PER_SECOND: Final = 15.0
#: A cue is timed as if it had at least this many characters: about a second at reading speed.
MIN_CUE_CHARS: Final = 15
#: Floating-point slack when comparing times that were computed two ways.
_EPSILON: Final = 1e-6

Span = tuple[float, float]


class Timed(Protocol):
    """A scene as the timeline sees it: its length and how it hands over to the next scene."""

    @property
    def duration(self) -> float: ...
    @property
    def transition(self) -> Transition: ...
    @property
    def transition_duration(self) -> float: ...


class SpokenWord(Protocol):
    """A word a voice timed: when it starts, and its character offset in its sentence."""

    @property
    def start(self) -> float: ...
    @property
    def offset(self) -> int: ...


class SpokenSentence(Protocol):
    """A sentence a voice spoke, timed in seconds from the start of its narration audio."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def words(self) -> Sequence[SpokenWord]: ...


@dataclass(frozen=True, slots=True)
class Slot:
    """A scene's length and hand-over, before it has an image."""

    duration: float
    transition: Transition = Transition.FADE
    transition_duration: float = DEFAULT_TRANSITION_SECONDS


@dataclass(frozen=True, slots=True)
class SceneTiming:
    """How long a scene lasts and when, from the scene's start, its narration begins."""

    duration: float
    voice_offset: float


def reading_seconds(text: str) -> float:
    """Seconds a viewer needs to read ``text`` (0 for blank text)."""
    return len(one_line(text)) / READING_CHARS_PER_SECOND


def scene_timing(
    scene: int, narration_seconds: float, *, fixed: float | None = None, text: str = ""
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
        slack = max(0.0, fixed - narration_seconds)
        # A tight fixed scene shrinks both pads in proportion, keeping the voice where it would be.
        share = slack * PAD_BEFORE_SECONDS / (PAD_BEFORE_SECONDS + PAD_AFTER_SECONDS)
        offset = 0.0 if narration_seconds <= 0 else min(PAD_BEFORE_SECONDS, share)
        return SceneTiming(fixed, offset)
    if narration_seconds > 0:
        natural = PAD_BEFORE_SECONDS + narration_seconds + PAD_AFTER_SECONDS
        duration = max(MIN_NARRATED_SCENE_SECONDS, natural)
        return SceneTiming(duration, PAD_BEFORE_SECONDS + (duration - natural) / 2)
    silent = reading_seconds(text) + SILENT_SCENE_PAD_SECONDS
    return SceneTiming(min(MAX_SCENE_SECONDS, max(SILENT_SCENE_MIN_SECONDS, silent)), 0.0)


def estimated_scene_seconds(text: str, fixed: float | None = None, *, voiced: bool) -> float:
    """A scene's length before its narration is synthesized: ``scene_timing``'s, with speech assumed to
    run at reading speed (both voices speak about 15 characters a second).

    Args:
        text: the scene's narration.
        fixed: the duration the script fixed, if any.
        voiced: whether the project has a voice (without one, nothing is spoken).
    """
    if fixed is not None:
        return float(fixed)
    speech = reading_seconds(text) if voiced and speakable(text) else 0.0
    return scene_timing(0, speech, text=text).duration


def transition_overlaps(scenes: Sequence[Timed], fps: int | None = None) -> list[float]:
    """Seconds each scene overlaps the next one (one fewer than scenes).

    A cut overlaps nothing; a cross-fade lasts its duration, but at most half of either scene it joins, so
    a scene is never in two transitions at once. With ``fps``, in whole frames of the scenes' lengths in
    frames (``scene_frames``).

    Raises:
        VideoAssemblyException: a duration is not a positive finite number, or a transition is negative.
    """
    for number, scene in enumerate(scenes, start=1):
        if not (math.isfinite(scene.duration) and scene.duration > 0):
            raise VideoAssemblyException(
                f"Scene {number} has an invalid duration", {"scene": number, "duration": scene.duration}
            )
        if not (math.isfinite(scene.transition_duration) and scene.transition_duration >= 0):
            raise VideoAssemblyException(
                f"Scene {number} has an invalid transition duration",
                {"scene": number, "transition_duration": scene.transition_duration},
            )
    overlaps = []
    for current, following in zip(scenes, scenes[1:], strict=False):
        if current.transition is Transition.CUT:
            overlaps.append(0.0)
        elif fps is None:
            overlaps.append(min(current.transition_duration, current.duration / 2, following.duration / 2))
        else:
            frames = min(
                round(current.transition_duration * fps),
                scene_frames(current.duration, fps) // 2,
                scene_frames(following.duration, fps) // 2,
            )
            overlaps.append(frames / fps)
    return overlaps


def scene_frames(duration: float, fps: int) -> int:
    """A scene's length in whole frames: never shorter than ``duration`` (its narration must fit)."""
    return max(1, math.ceil(duration * fps - _EPSILON))


def timeline(scenes: Sequence[Timed], fps: int | None = None) -> list[Span]:
    """Each scene's (start, end) in seconds in the finished video; cross-faded scenes overlap.

    With ``fps``, every length and overlap is a whole number of frames first (``scene_frames``), so each
    start and end is a frame's time, and a scene keeps the same frames wherever it sits in the video (what
    lets a segment that did not change be reused: ``videogen.media.segments``).

    Raises:
        VideoAssemblyException: as ``transition_overlaps``.
    """
    if not scenes:
        return []
    overlaps = [*transition_overlaps(scenes, fps), 0.0]
    spans: list[Span] = []
    if fps is not None:
        first = 0
        for scene, overlap in zip(scenes, overlaps, strict=True):
            last = first + scene_frames(scene.duration, fps)
            spans.append((first / fps, last / fps))
            first = last - round(overlap * fps)
        return spans
    start = 0.0
    for scene, overlap in zip(scenes, overlaps, strict=True):
        end = start + scene.duration
        spans.append((start, end))
        start = end - overlap
    return spans


def total_duration(scenes: Sequence[Timed], fps: int | None = None) -> float:
    """Length of the finished video: the sum of durations minus the sum of transition overlaps (with
    ``fps``, in whole frames as ``timeline`` counts them)."""
    spans = timeline(scenes, fps)
    return spans[-1][1] if spans else 0.0


def narration_starts(
    spans: Sequence[Span],
    timings: Sequence[SceneTiming],
    narration_seconds: Sequence[float],
    scene_numbers: Sequence[int] | None = None,
) -> list[float]:
    """Where each scene's narration starts in the video, so that no two narrations overlap.

    Args:
        spans: each scene's (start, end) in the video (``timeline``).
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


def caption_windows(spans: Sequence[Span]) -> list[Span]:
    """The time each scene's captions may use: its span, with cross-fades shared at their midpoint.

    Scenes overlap during a transition; captions must not, so the switch happens halfway through it.
    """
    windows: list[Span] = []
    for index, (start, end) in enumerate(spans):
        begin = start if index == 0 else (start + spans[index - 1][1]) / 2
        finish = end if index == len(spans) - 1 else (end + spans[index + 1][0]) / 2
        windows.append((begin, max(begin, finish)))
    return windows


def cues_for_text(text: str, start: float, end: float) -> list[Cue]:
    """Cues for one stretch of narration shown between ``start`` and ``end``, timed by its characters.

    Each phrase gets a share of the time proportional to its length, which is how long it takes to read
    (and, roughly, to say): a long phrase stays up longer than a short one. Phrases shorter than
    ``MIN_CUE_CHARS`` count as that long, so a one-word cue does not flash by.
    """
    phrases = split_phrases(text)
    if not phrases or end <= start:
        return []
    weights = [max(MIN_CUE_CHARS, len(phrase.replace("\n", " "))) for phrase in phrases]
    total = sum(weights)
    cues: list[Cue] = []
    elapsed = 0
    for phrase, weight in zip(phrases, weights, strict=True):
        cue_start = start + (end - start) * elapsed / total
        elapsed += weight
        # The last cue ends exactly at ``end``; the float sum of shares could miss it by an ulp.
        cue_end = end if elapsed == total else start + (end - start) * elapsed / total
        cues.append(Cue(cue_start, cue_end, phrase))
    return cues


def cues_from_sentences(
    sentences: Sequence[SpokenSentence],
    narration_start: float,
    *,
    hold_until: float | None = None,
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
        timed.extend(_phrases(sentence))
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
    text: str, sentences: Sequence[SpokenSentence], narration_start: float, window: Span
) -> list[Cue]:
    """A scene's cues: timed by its voice when it spoke, else by reading speed over its caption window.

    Args:
        text: the scene's narration text.
        sentences: its spoken sentences; none without a voice or with nothing said.
        narration_start: where the narration starts in the video (``narration_starts``).
        window: the scene's caption window (``caption_windows``).
    """
    if sentences:
        return cues_from_sentences(sentences, narration_start, hold_until=window[1])
    return cues_for_text(text, window[0], window[1])


def _phrases(sentence: SpokenSentence) -> list[tuple[float, float, str]]:
    """A sentence's phrases with their start and end of speech, relative to the narration audio."""
    phrases = split_phrases(sentence.text)
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


@dataclass(frozen=True, slots=True)
class SceneToTime:
    """What the timeline needs to know of one scene."""

    number: int
    text: str
    fixed: float | None = None
    transition: Transition = Transition.FADE
    #: Length of its narration audio; 0 without a voice or with nothing said.
    narration_seconds: float = 0.0
    sentences: Sequence[SpokenSentence] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    """A whole video's timeline: per scene its timing, span and narration start; the cues; the length."""

    timings: list[SceneTiming]
    spans: list[Span]
    narration_starts: list[float]
    cues: list[Cue]
    duration: float


def plan(scenes: Sequence[SceneToTime], fps: int) -> Plan:
    """Time a whole video at ``fps``: scene lengths in whole frames, where each sits and when it speaks,
    and every caption cue.

    Raises:
        NarrationTooLongException: a narration does not fit its fixed-length scene.
        VideoAssemblyException: as ``transition_overlaps``.
    """
    timings = [
        scene_timing(scene.number, scene.narration_seconds, fixed=scene.fixed, text=scene.text)
        for scene in scenes
    ]
    # Whole frames: the picture shows exactly these lengths, so the voice and captions are timed on them.
    timings = [SceneTiming(scene_frames(t.duration, fps) / fps, t.voice_offset) for t in timings]
    slots = [Slot(timing.duration, scene.transition) for timing, scene in zip(timings, scenes, strict=True)]
    spans = timeline(slots, fps)
    seconds = [scene.narration_seconds for scene in scenes]
    starts = narration_starts(spans, timings, seconds, [scene.number for scene in scenes])
    cues = [
        cue
        for scene, start, window in zip(scenes, starts, caption_windows(spans), strict=True)
        for cue in cues_for_scene(scene.text, scene.sentences, start, window)
    ]
    return Plan(timings, spans, starts, cues, spans[-1][1] if spans else 0.0)
