"""Plan a picture from a prompt: where it is set, when, in what weather, and what stands where.

``plan_scene`` is a pure function (no Pillow, no I/O, no clock): the renderer draws exactly the plan it
gets, and the plan's ``motifs`` line is what the PNG says it shows.
"""

from __future__ import annotations

import difflib
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from videogen.providers.illustrator.lexicon import (
    PHRASES,
    SUBJECTS,
    VOCABULARY,
    Kind,
    Style,
    TimeOfDay,
    find,
    unknown_words,
)

#: At most this many subjects are drawn in one picture (the first ones the prompt names): more is clutter.
MAX_SUBJECTS: Final = 6
#: Places the fallback chooses among when no word of the prompt is near a known one.
FALLBACK_PLACES: Final = ("countryside", "forest", "mountain", "sea", "city", "desert")
#: The interior a prompt set inside gets when it names no room, from the first subject that suggests one.
IMPLIED_ROOMS: Final = {
    "station": "concourse",
    "train": "compartment",
    "market": "concourse",
    "campfire": "room",
    "tower": "room",
    "lighthouse": "room",
    "house": "room",
}
#: Subjects an interior already shows as itself, so they are not drawn again inside it.
ROOM_SHOWS: Final = {
    "compartment": frozenset({"train"}),
    "concourse": frozenset({"station", "train"}),
    "cafe": frozenset(),
    "kitchen": frozenset({"campfire"}),
}
#: Subjects that can stand inside a room; the others are seen through its window.
INDOOR: Final = frozenset({"people", "crowd", "cat", "dog", "campfire", "fish"})
#: Subjects at home on the water; on a sea the others stand on the far shore (landmarks) or on a beach in
#: front (things).
AFLOAT: Final = frozenset({"lighthouse", "harbour", "ship", "boat", "whale", "fish", "bridge", "birds"})
WATER_PLACES: Final = frozenset({"sea", "island"})
#: Weather a weather word brings with it.
WEATHER_BRINGS: Final = {"storm": ("rain", "lightning"), "lightning": ("storm",)}
_DEFAULT_TIMES: Final = (
    TimeOfDay.MORNING,
    TimeOfDay.NOON,
    TimeOfDay.NOON,
    TimeOfDay.AFTERNOON,
    TimeOfDay.AFTERNOON,
    TimeOfDay.DUSK,
)


@dataclass(frozen=True, slots=True)
class Placement:
    """One subject and where it stands: ``x`` across the frame and ``depth`` from the horizon (0) to the
    bottom edge (1), both fractions; ``scale`` is its size as a fraction of the frame height."""

    subject: str
    x: float
    depth: float
    scale: float
    flip: bool
    variant: int


@dataclass(frozen=True, slots=True)
class ScenePlan:
    """Everything a picture shows, decided before a pixel is drawn."""

    setting: str  # "interior" or "exterior"
    place: str  # the landscape: seen around an exterior, or through an interior's window
    room: str  # the interior's kind ("" outside)
    time: TimeOfDay
    weather: tuple[str, ...]
    subjects: tuple[Placement, ...]
    style: Style
    seed: int  # seeds the renderer's random choices (shapes, not what is drawn)
    hue: float  # a small palette shift, so scenes of one story differ a little
    fallback: bool  # True when the place came from no known word (the closest theme)
    named: tuple[str, ...] = ()  # the place and room the prompt itself named (listed with the subjects)

    @property
    def names(self) -> tuple[str, ...]:
        """The subjects planned, in drawing order, then the weather."""
        return (*(placed.subject for placed in self.subjects), *self.weather)

    def motifs(self, drawn: Sequence[str] | None = None) -> str:
        """The line the PNG carries: ``subjects=a,b; setting=exterior/sea; time=night; style=ink``.

        Args:
            drawn: the subjects the renderer drew (default: all planned), listed before the weather.
        """
        subjects = tuple(drawn) if drawn is not None else tuple(placed.subject for placed in self.subjects)
        names = (*self.named, *subjects, *self.weather)
        where = f"{self.setting}/{self.room or self.place}"
        if self.setting == "interior":
            where += f"+window:{self.place}"
        return (
            f"subjects={','.join(names) or 'none'}; setting={where}; time={self.time.value}; "
            f"style={self.style.value}"
        )


def style_of(style: str) -> Style:
    """The rendering a style setting asks for: its first style word ("oil painting, soft light" is a
    watercolor), else flat. The prompt's words do not choose it: "a hand-painted sign" is not a style."""
    for name in find(style):
        if name.startswith("style:"):
            return Style(name.removeprefix("style:"))
    return Style.FLAT


def plan_scene(prompt: str, seed: int, width: int, height: int, style: str = "") -> ScenePlan:
    """The picture ``prompt`` describes, as a plan; the same arguments always give the same plan.

    Args:
        prompt: the scene's image prompt (any length or script; only known words count).
        seed: varies the placements and shapes, not what is drawn.
        width, height: the frame, in pixels (a tall frame stacks subjects, a wide one spreads them).
        style: the project's style setting; its style words choose the rendering.
    """
    digest = hashlib.sha256("\x1f".join((prompt, str(seed), style)).encode("utf-8")).digest()
    rng = random.Random(int.from_bytes(digest[:16], "big"))
    names = find(prompt)
    named = [name.removeprefix("subject:") for name in names if name.startswith("subject:")]
    subjects = [name for name in named if name in SUBJECTS]

    setting = _setting(names, subjects)
    room = ""
    if setting == "interior":
        rooms = [name for name in subjects if SUBJECTS[name].kind is Kind.ROOM]
        room = (
            rooms[0]
            if rooms
            else next((IMPLIED_ROOMS[name] for name in subjects if name in IMPLIED_ROOMS), "room")
        )
    place, fallback = _place(prompt, subjects, digest)
    time = _time(names, subjects, place, rng)
    weather = _weather(subjects)

    shown = ROOM_SHOWS.get(room, frozenset())
    drawn = [
        name
        for name in subjects
        if SUBJECTS[name].kind in (Kind.LANDMARK, Kind.THING, Kind.SKY) and name not in shown
    ]
    if "people" in drawn and "crowd" in drawn:
        drawn.remove("people")
    if place == "space" and time is not TimeOfDay.NIGHT:
        time = TimeOfDay.NIGHT
    placements = _place_subjects(
        drawn[:MAX_SUBJECTS], setting=setting, place=place, width=width, height=height, rng=rng
    )
    return ScenePlan(
        setting=setting,
        place=place,
        room=room,
        time=time,
        weather=weather,
        subjects=placements,
        style=style_of(style),
        seed=int.from_bytes(digest[16:24], "big"),
        hue=rng.uniform(-0.04, 0.04),
        fallback=fallback,
        named=tuple(
            name for name in subjects if name in (place, room) or (name in shown and setting == "interior")
        ),
    )


def _setting(names: list[str], subjects: list[str]) -> str:
    """Interior or exterior: the first INT./EXT./inside/outside word, else whether a room is named before
    any place (a kitchen by the sea is a kitchen with the sea in its window)."""
    if "cave" in subjects:
        return "exterior"  # a cave is drawn from inside, looking out of its mouth
    for name in names:
        if name.startswith("setting:"):
            return name.removeprefix("setting:")
    for name in subjects:
        kind = SUBJECTS[name].kind
        if kind is Kind.ROOM:
            return "interior"
        if kind is Kind.PLACE:
            return "exterior"
    return "exterior"


def _place(prompt: str, subjects: list[str], digest: bytes) -> tuple[str, bool]:
    """The landscape: underwater or space wherever they are named, else the first place named, else the
    place the first subject implies, else the closest known word's place (``True``: a fallback)."""
    places = [name for name in subjects if SUBJECTS[name].kind is Kind.PLACE]
    for overriding in ("underwater", "space", "cave"):
        if overriding in places:
            return overriding, False
    if "island" in places:
        return "island", False
    if places:
        return places[0], False
    implied = [SUBJECTS[name].place for name in subjects if SUBJECTS[name].place]
    if implied:
        return implied[0], False
    if subjects:
        # Rooms and weather alone: the window (or the world) is a town's or the countryside's.
        return (
            "city" if any(SUBJECTS[name].kind is Kind.ROOM for name in subjects) else "countryside"
        ), False
    return _closest_place(prompt, digest), True


def _closest_place(prompt: str, digest: bytes) -> str:
    """The place of the known word nearest in spelling to one of the prompt's words, else one chosen by the
    prompt's hash: a picture always has somewhere to be."""
    for word in [word for word in unknown_words(prompt) if len(word) >= 4][:40]:
        for match in difflib.get_close_matches(word, VOCABULARY, n=3, cutoff=0.75):
            for name in PHRASES[(match,)]:
                subject = SUBJECTS.get(name.removeprefix("subject:"))
                if subject is None:
                    continue
                place = name.removeprefix("subject:") if subject.kind is Kind.PLACE else subject.place
                if place:
                    return place
    return FALLBACK_PLACES[digest[24] % len(FALLBACK_PLACES)]


def _time(names: list[str], subjects: list[str], place: str, rng: random.Random) -> TimeOfDay:
    """The first time-of-day word, else night under the moon and stars, else a daylight hour by seed."""
    for name in names:
        if name.startswith("time:"):
            return TimeOfDay(name.removeprefix("time:"))
    if {"moon", "stars"} & set(subjects) or place == "space":
        return TimeOfDay.NIGHT
    if place == "underwater":
        return TimeOfDay.NOON
    return rng.choice(_DEFAULT_TIMES)


def _weather(subjects: list[str]) -> tuple[str, ...]:
    weather: list[str] = []
    for name in subjects:
        if SUBJECTS[name].kind is Kind.WEATHER:
            for item in (name, *WEATHER_BRINGS.get(name, ())):
                if item not in weather:
                    weather.append(item)
    return tuple(weather)


#: How big each subject is drawn, as a fraction of the frame height (landmarks stand in the middle
#: distance; things stand nearer, at the depth range given).
_SIZES: Final = {
    "lighthouse": 0.62,
    "volcano": 0.5,
    "lava": 0.5,
    "station": 0.42,
    "harbour": 0.3,
    "bridge": 0.3,
    "castle": 0.42,
    "house": 0.34,
    "market": 0.3,
    "tower": 0.62,
    "windmill": 0.5,
    "tent": 0.22,
    "waterfall": 0.55,
    "river": 0.3,
    "road": 0.3,
    "flowers": 0.3,
    "wheat": 0.3,
    "train": 0.2,
    "ship": 0.26,
    "boat": 0.14,
    "car": 0.12,
    "bus": 0.16,
    "rocket": 0.5,
    "campfire": 0.14,
    "fish": 0.08,
    "whale": 0.3,
    "horse": 0.22,
    "dog": 0.15,
    "cat": 0.14,
    "people": 0.26,
    "crowd": 0.14,
    "moon": 0.12,
    "stars": 0.0,
    "planet": 0.3,
    "birds": 0.03,
    "rainbow": 0.6,
    "sun": 0.1,
}
_DEPTHS: Final = {Kind.LANDMARK: (0.05, 0.2), Kind.THING: (0.45, 0.8), Kind.SKY: (0.0, 0.0)}


def _place_subjects(
    names: list[str], *, setting: str, place: str, width: int, height: int, rng: random.Random
) -> tuple[Placement, ...]:
    """Spread the subjects over distinct columns, landmarks behind, things in front."""
    columns = [0.2, 0.5, 0.8, 0.35, 0.65, 0.1, 0.9]
    first, rest = columns[:3], columns[3:]
    rng.shuffle(first)
    rng.shuffle(rest)
    free = first + rest
    # Sizes are fractions of the height: a narrow frame scales them down so its subjects fit its width.
    fit = min(1.0, width / max(1, height) * 1.1)
    placements = []
    for name in names:
        kind = SUBJECTS[name].kind
        low, high = _DEPTHS.get(kind, (0.4, 0.8))
        if setting == "interior":
            low, high = 0.55, 0.85
        x = free.pop(0) if free else rng.uniform(0.1, 0.9)
        scale = _SIZES.get(name, 0.2) * rng.uniform(0.85, 1.15) * fit
        if setting == "exterior" and place in WATER_PLACES and name not in AFLOAT:
            if kind is Kind.LANDMARK:
                low, high, scale = 0.0, 0.01, scale * 0.6
            elif kind is Kind.THING:
                low, high = 0.86, 0.95
        placements.append(
            Placement(
                subject=name,
                x=x + rng.uniform(-0.04, 0.04),
                depth=rng.uniform(low, high),
                scale=scale,
                flip=rng.random() < 0.5,
                variant=rng.randrange(1 << 16),
            )
        )
    # Far things first: a painter's order.
    return tuple(
        sorted(placements, key=lambda placed: (SUBJECTS[placed.subject].kind is not Kind.SKY, placed.depth))
    )
