"""How a script parser reports a problem: one exception type, a fixed set of reasons, a pointer into the text.

Every problem with a script raises :class:`~videogen.exceptions.ScriptParsingException` (HTTP 422, code
``SCRIPT_PARSE_ERROR``). Its ``message`` is a sentence a writer can act on, e.g.
``line 14: "Duration: 45s" — a scene lasts 1 to 30 seconds``, and its ``details`` always hold exactly:

``line``
    1-based line of the problem (line 1 when the problem has no better place).
``column``
    1-based column, in characters, of the problem on that line.
``text``
    the offending text (usually the whole line), cut to about 80 characters with an ellipsis.
``hint``
    a short suggestion for fixing it.
``reason``
    one of the stable, machine-readable strings below; clients match on these, never on the message.

Reasons:

============================  ================================================================================
``unsupported_format``        the format name or file extension is not one of md, txt, fountain, json
``script_too_large``          more than 100 KB of UTF-8; points at the first byte past the limit
``invalid_utf8``              bytes that are not UTF-8 (or a lone surrogate); points at the first bad byte
``control_character``         a NUL or other control character (tab and newline are fine)
``empty_script``              no scene at all
``too_many_scenes``           more than 200 scenes; points at the first scene over the limit
``empty_scene``               a scene with directives (duration, transition) but no title, text or image
``narration_too_long``        more than 1,500 characters of narration; points at the scene's first line
``title_too_long``            a script or scene title over 200 characters
``image_prompt_too_long``     an explicit image prompt over 2,000 characters
``empty_image_prompt``        an ``Image:`` directive without a prompt
``invalid_duration``          a duration that is not a number of seconds or milliseconds
``duration_out_of_range``     a duration outside 1 to 30 seconds
``unknown_transition``        a transition that is not one of the known names or aliases
``duplicate_directive``       the same directive twice in one scene
``invalid_front_matter``      front matter that is not a small, flat YAML mapping (or uses anchors/aliases)
``unknown_setting``           a setting name videogen does not know (front matter, JSON ``settings``)
``invalid_setting``           a setting with a bad value (fps, seed, aspect ratio, style length, ...)
``invalid_json``              JSON syntax error, or JSON nested too deeply
``invalid_field``             JSON of the wrong shape: wrong type, a missing ``scenes``, not an object
``unknown_field``             a JSON field the script format does not have
``invalid_picture_path``      a scene's picture path that is empty, absolute, a URL, climbs out with ``..``,
                              holds a control character, or is too long or too deeply nested
``unsupported_picture_type``  a scene's picture that is not a JPEG, PNG or WebP file by its suffix
============================  ================================================================================
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from videogen.exceptions import ScriptParsingException

#: How much of the offending text an error shows.
EXCERPT_CHARS = 80


class Reason(StrEnum):
    """The machine-readable reason of a script error (``details["reason"]``)."""

    UNSUPPORTED_FORMAT = "unsupported_format"
    SCRIPT_TOO_LARGE = "script_too_large"
    INVALID_UTF8 = "invalid_utf8"
    CONTROL_CHARACTER = "control_character"
    EMPTY_SCRIPT = "empty_script"
    TOO_MANY_SCENES = "too_many_scenes"
    EMPTY_SCENE = "empty_scene"
    NARRATION_TOO_LONG = "narration_too_long"
    TITLE_TOO_LONG = "title_too_long"
    IMAGE_PROMPT_TOO_LONG = "image_prompt_too_long"
    EMPTY_IMAGE_PROMPT = "empty_image_prompt"
    INVALID_DURATION = "invalid_duration"
    DURATION_OUT_OF_RANGE = "duration_out_of_range"
    UNKNOWN_TRANSITION = "unknown_transition"
    DUPLICATE_DIRECTIVE = "duplicate_directive"
    INVALID_FRONT_MATTER = "invalid_front_matter"
    UNKNOWN_SETTING = "unknown_setting"
    INVALID_SETTING = "invalid_setting"
    INVALID_JSON = "invalid_json"
    INVALID_FIELD = "invalid_field"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_PICTURE_PATH = "invalid_picture_path"
    UNSUPPORTED_PICTURE_TYPE = "unsupported_picture_type"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the script: 1-based line and column, and the text of that line."""

    line: int = 1
    column: int = 1
    text: str = ""


class FieldProblem(ValueError):
    """A value is wrong, but where it sits is for the caller to say.

    Raised by value checks shared between formats (durations, transitions, settings); the format parser
    catches it and turns it into a :class:`ScriptParsingException` at the right line. It is a ValueError
    so that pydantic validators may raise it and keep it in the error's context.
    """

    def __init__(self, reason: Reason, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.reason = reason
        self.problem = problem
        self.hint = hint


def excerpt(text: str, column: int = 1) -> str:
    """The part of ``text`` worth showing, around ``column``, at most about 80 characters."""
    lead = ""
    if len(text) > EXCERPT_CHARS and column > EXCERPT_CHARS - 10:
        # Far along a long line (a 100 KB one-liner): centre the window on the column, or the text shown
        # would not contain the problem at all.
        text = text[column - 1 - EXCERPT_CHARS // 2 :]
        lead = "…"
    # Spelling out control characters lengthens the text: bound the work before, the length after.
    shown = _printable(text[: EXCERPT_CHARS * 2]).strip()
    room = EXCERPT_CHARS - len(lead)
    if len(shown) > room:
        shown = shown[: room - 1].rstrip() + "…"
    return lead + shown


def _printable(text: str) -> str:
    """``text`` with control characters and lone surrogates spelled out, so a message stays one clean line."""
    out: list[str] = []
    for char in text:
        if char == "\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def script_error(
    reason: Reason, problem: str, hint: str, at: Location | None = None
) -> ScriptParsingException:
    """Build the exception for one problem at one place.

    Args:
        reason: the stable reason (``details["reason"]``).
        problem: what is wrong, as the end of a sentence (``a scene lasts 1 to 30 seconds``).
        hint: how to fix it.
        at: where it is; line 1, column 1 without one.

    Returns:
        The exception, for the caller to raise (so tracebacks point at the caller).
    """
    where = at or Location()
    line = max(1, where.line)
    column = max(1, where.column)
    text = excerpt(where.text, column)
    message = f'line {line}: "{text}" — {problem}' if text else f"line {line}: {problem}"
    details = {"line": line, "column": column, "text": text, "hint": hint, "reason": reason.value}
    return ScriptParsingException(message, details)


def problem_error(problem: FieldProblem, at: Location, prefix: str = "") -> ScriptParsingException:
    """Place a :class:`FieldProblem` at a location (``prefix`` names the field, e.g. a JSON path)."""
    text = f"{prefix}: {problem.problem}" if prefix else problem.problem
    return script_error(problem.reason, text, problem.hint, at)
