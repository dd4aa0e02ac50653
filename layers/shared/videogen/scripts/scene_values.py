"""The values of scene directives, as a script writes them: durations and transitions.

No regular expression with nested quantifiers touches user text: every parse is linear.
"""

from __future__ import annotations

import math
import re

from videogen.domain.enums import Transition
from videogen.domain.limits import MAX_SCENE_SECONDS, MIN_SCENE_SECONDS
from videogen.scripts.errors import FieldProblem, Reason
from videogen.scripts.text import collapse

# Bounded counts, no nesting: "4", "4.5 s", "1500ms", "4 sec", ".5s".
_DURATION = re.compile(r"(\d{1,6}(?:\.\d{1,6})?|\.\d{1,6}) {0,3}([a-z]{0,12})")
_SECONDS_UNITS = {"": 1.0, "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0}
_MILLIS_UNITS = {"ms": 0.001, "msec": 0.001, "msecs": 0.001, "millisecond": 0.001, "milliseconds": 0.001}

_TRANSITION_ALIASES: dict[str, Transition] = {
    "cut": Transition.CUT,
    "hard cut": Transition.CUT,
    "straight cut": Transition.CUT,
    "jump cut": Transition.CUT,
    "smash cut": Transition.CUT,
    "match cut": Transition.CUT,
    "none": Transition.CUT,
    "fade": Transition.FADE,
    "crossfade": Transition.FADE,
    "mix": Transition.FADE,
    "fadeblack": Transition.FADE_BLACK,
    "fade to black": Transition.FADE_BLACK,
    "fade out": Transition.FADE_BLACK,
    "dip to black": Transition.FADE_BLACK,
    "black": Transition.FADE_BLACK,
    "dissolve": Transition.DISSOLVE,
    "crossdissolve": Transition.DISSOLVE,
    "slide": Transition.SLIDE,
    "push": Transition.SLIDE,
    "wipe": Transition.WIPE,
    "circle": Transition.CIRCLE,
    "iris": Transition.CIRCLE,
    "iris out": Transition.CIRCLE,
}
_TRANSITION_HINT = (
    "use one of " + ", ".join(t.value for t in Transition) + ' (or e.g. "crossfade", "fade to black")'
)


def parse_duration(value: str) -> float:
    """Seconds from a written duration: ``4``, ``4s``, ``4.5 s``, ``4 sec``, ``1500ms`` (comma decimals too).

    Raises:
        FieldProblem: ``invalid_duration`` when it is not a duration, ``duration_out_of_range`` outside
            1 to 30 seconds.
    """
    written = value.strip().lower().replace(",", ".")
    match = _DURATION.fullmatch(written) if len(written) <= 40 else None
    unit = match.group(2) if match else ""
    scale = _SECONDS_UNITS.get(unit, _MILLIS_UNITS.get(unit))
    if match is None or scale is None:
        raise FieldProblem(
            Reason.INVALID_DURATION,
            f'"{collapse(value)[:40]}" is not a duration',
            'write seconds or milliseconds, e.g. "4s", "4.5 s" or "1500ms"',
        )
    return check_duration(float(match.group(1)) * scale)


def check_duration(seconds: float) -> float:
    """``seconds`` if it is a valid scene length.

    Raises:
        FieldProblem: ``duration_out_of_range`` outside 1 to 30 seconds (or not finite).
    """
    if not math.isfinite(seconds) or not MIN_SCENE_SECONDS <= seconds <= MAX_SCENE_SECONDS:
        raise FieldProblem(
            Reason.DURATION_OUT_OF_RANGE,
            f"a scene lasts {MIN_SCENE_SECONDS:g} to {MAX_SCENE_SECONDS:g} seconds",
            f"use {MIN_SCENE_SECONDS:g}s to {MAX_SCENE_SECONDS:g}s, or split the scene in two",
        )
    return round(seconds, 3)


def parse_transition(value: str) -> Transition:
    """The transition a name or friendly alias means (case-insensitive).

    Accepts the Transition values and aliases such as ``crossfade`` (fade), ``fade to black`` / ``fade
    out`` (fadeblack), ``cross-dissolve``, ``hard cut``, ``iris`` (circle); a trailing ``to``/``:``/``.`` is
    ignored, so ``CUT TO:`` is a cut.

    Raises:
        FieldProblem: ``unknown_transition``.
    """
    name = collapse(value.lower().replace("-", " ").replace("_", " ")).rstrip(".: ")
    name = name.removesuffix(" to")
    found = _TRANSITION_ALIASES.get(name) or _TRANSITION_ALIASES.get(name.replace(" ", ""))
    if found is None:
        raise FieldProblem(
            Reason.UNKNOWN_TRANSITION,
            f'"{collapse(value)[:40]}" is not a transition videogen knows',
            _TRANSITION_HINT,
        )
    return found
