"""JSON scripts: ``{"title", "settings": {...}, "scenes": [{"title", "narration", "image_prompt",
"duration", "transition", "picture"}]}``, validated by a pydantic model with the limits every format has.

* ``scenes`` is required (1 to 200); every other field is optional. A scene needs a title, narration,
  an image prompt or a picture; ``{}`` is an ``empty_scene`` error rather than skipped, since JSON says
  exactly what it means.
* ``picture`` is the path of the user's own JPEG, PNG or WebP file, relative to the script's folder
  (``"photos/harbour.jpg"``), shown instead of a generated image; the same path rules as Markdown's
  ``Picture:``. Its place in the scene (line and column) is where the string's text starts.
* ``duration`` is a number of seconds or a written duration (``"4.5s"``, ``"1500ms"``); ``transition``
  takes the names and aliases Markdown takes. Settings are those of front matter, with their exact names.
* Text is normalized as in every format (whitespace collapsed, paragraphs split at blank lines).
  Strings may not hold control characters (``"\\u0000"``) or lone surrogates (``"\\ud800"``) either.
* Errors name the JSON path (``scenes[2].duration``) and point at the line and column of that field's key
  (or of the scene, or the value) in the text; JSON syntax errors at the place the decoder stopped. Of
  several problems, the one earliest in the text is reported. JSON nested deeper than 32 levels is
  refused before decoding (the decoder is recursive).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model
from pydantic_core import ErrorDetails

from videogen.domain.enums import ScriptFormat, Transition
from videogen.domain.limits import MAX_NARRATION_CHARS, MAX_SCENES, MIN_SCENES
from videogen.domain.models import PictureRef
from videogen.scripts.assembly import SceneDraft, build_script
from videogen.scripts.errors import FieldProblem, Location, Reason, problem_error, script_error
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.scene_values import (
    check_duration,
    parse_duration,
    parse_picture_path,
    parse_transition,
    picture_at,
)
from videogen.scripts.setting_values import SETTING_KEYS, setting_value
from videogen.scripts.source import escaped_text, location_at
from videogen.scripts.text import clean_image_prompt, clean_title, join_paragraphs, split_paragraphs

#: A script needs three levels; anything much deeper is a mistake or an attack on the recursive decoder.
MAX_JSON_DEPTH = 32
#: Paths recorded for error locations: ("scenes", 3, "duration") is as deep as a script goes.
_LOCATED_DEPTH = 3
#: Integers longer than this are read as floats: int() of huge digit strings is slow and capped.
_MAX_INT_DIGITS = 40

# The unrolled string loop: no nested quantifier can match the same text two ways, so one match is
# linear. It is only ever tried at a known opening quote, never at every offset (which is quadratic).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET_OR_QUOTE = re.compile(r'[\[\]{}"]')
_JSON_HINT = "check the JSON near this place: quotes, commas, brackets"
#: Pydantic's wording names internal classes for some errors; these read better.
_TYPE_PROBLEMS = {
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "list_type": "must be a JSON list",
    "string_type": "must be text (a JSON string)",
    "missing": "is missing",
}

type Path = tuple[str | int, ...]


def _parse_int(digits: str) -> int | float:
    """A JSON integer; a float (likely infinite) past 40 digits, which every range check then refuses."""
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else float(digits)


_DECODER = json.JSONDecoder(parse_int=_parse_int)


# --- field checks (pydantic before-validators) -------------------------------------------------------


def _text(value: object) -> object:
    """Normalize line ends of a JSON string and refuse control characters in it; other types pass on."""
    return escaped_text(value) if isinstance(value, str) else value


def _title(value: object) -> object:
    text = _text(value)
    return clean_title(text) if isinstance(text, str) else text


def _narration(value: object) -> object:
    if value is None:
        return ""
    text = _text(value)
    if not isinstance(text, str):
        return text
    narration = join_paragraphs(split_paragraphs(text))
    if len(narration) > MAX_NARRATION_CHARS:
        raise FieldProblem(
            Reason.NARRATION_TOO_LONG,
            f"the narration has {len(narration):,} characters; the limit is {MAX_NARRATION_CHARS:,}",
            "split the scene in two",
        )
    return narration


def _image_prompt(value: object) -> object:
    text = _text(value)
    if not isinstance(text, str):
        return text
    # An empty string is the same as leaving the field out: let videogen derive the prompt.
    return clean_image_prompt(text) if text.strip() else None


def _duration(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return check_duration(float(value))
    raise FieldProblem(
        Reason.INVALID_DURATION, "the duration must be a number of seconds", 'write e.g. 4, 4.5 or "1500ms"'
    )


def _transition(value: object) -> Transition:
    if value is None:
        return Transition.FADE
    if not isinstance(value, str):
        raise FieldProblem(Reason.UNKNOWN_TRANSITION, "the transition must be a name", 'write e.g. "fade"')
    return parse_transition(value)


def _picture(value: object) -> object:
    text = _text(value)
    # A checked path here, so a bad one is reported with the field's JSON path like any other field.
    return parse_picture_path(text) if isinstance(text, str) else text


def _setting(key: str) -> BeforeValidator:
    """The before-validator of one setting: the same check front matter gets."""

    def check(value: object) -> object:
        return setting_value(key, _text(value))

    return BeforeValidator(check)


_SETTING_FIELDS: dict[str, Any] = {key: (Annotated[object, _setting(key)], None) for key in SETTING_KEYS}
#: ``settings``: project settings, names as in front matter, each checked as front matter checks it.
_JsonSettings = create_model(
    "_JsonSettings", __config__=ConfigDict(extra="forbid", frozen=True), **_SETTING_FIELDS
)


class _JsonScene(BaseModel):
    """One element of ``scenes``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str | None, BeforeValidator(_title)] = None
    narration: Annotated[str, BeforeValidator(_narration)] = ""
    image_prompt: Annotated[str | None, BeforeValidator(_image_prompt)] = None
    duration: Annotated[float | None, BeforeValidator(_duration)] = None
    transition: Annotated[Transition, BeforeValidator(_transition)] = Transition.FADE
    picture: Annotated[str | None, BeforeValidator(_picture)] = None


def _none_is_empty(value: object) -> object:
    return {} if value is None else value


class _JsonScript(BaseModel):
    """The whole JSON document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str | None, BeforeValidator(_title)] = None
    settings: Annotated[_JsonSettings, BeforeValidator(_none_is_empty)] = _JsonSettings()
    scenes: list[_JsonScene] = Field(min_length=MIN_SCENES, max_length=MAX_SCENES)


# --- parsing -----------------------------------------------------------------------------------------


def parse_json_script(text: str) -> ParsedScript:
    """Parse a decoded JSON script.

    Raises:
        ScriptParsingException: for any problem, at its line (see videogen.scripts.errors).
    """
    _check_depth(text)
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        lines = text.split("\n")
        raise script_error(
            Reason.INVALID_JSON,
            f"the JSON is not valid ({exc.msg})",
            _JSON_HINT,
            Location(exc.lineno, exc.colno, lines[exc.lineno - 1] if exc.lineno <= len(lines) else ""),
        ) from None
    offsets = _value_offsets(text)
    try:
        script = _JsonScript.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, text, offsets) from None
    drafts = []
    for index, scene in enumerate(script.scenes):
        at = location_at(text, offsets.get(("scenes", index), 0))
        drafts.append(
            SceneDraft(
                line=at.line,
                text=at.text,
                column=at.column,
                title=scene.title,
                paragraphs=[scene.narration] if scene.narration else [],
                image_prompt=scene.image_prompt,
                duration=scene.duration,
                transition=scene.transition,
                picture=_picture_ref(text, offsets, index, scene.picture),
                must_have_content=True,
            )
        )
    settings = ScriptSettings.model_validate(script.settings.model_dump())
    return build_script(ScriptFormat.JSON, script.title, settings, drafts)


def _picture_ref(text: str, offsets: dict[Path, int], index: int, path: str | None) -> PictureRef | None:
    """The checked ``picture`` of scene ``index``, placed where its path starts in the string."""
    if path is None:
        return None
    key = offsets[("scenes", index, "picture")]
    colon = text.index(":", _DECODER.raw_decode(text, key)[1])
    quote = text.index('"', colon)
    written = _DECODER.raw_decode(text, quote)[0]
    # Checked with the scene already; read again, as every format reads it, to place where the path starts.
    return picture_at(written, location_at(text, quote + 1))


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH, before the recursive decoder sees it."""
    depth = 0
    for offset, mark in _brackets(text, 0):
        if mark in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise script_error(
                    Reason.INVALID_JSON,
                    f"the JSON nests deeper than {MAX_JSON_DEPTH} levels",
                    "a script is an object with a list of scene objects; remove the extra brackets",
                    location_at(text, offset),
                )
        else:
            depth -= 1


def _brackets(text: str, start: int) -> Iterator[tuple[int, str]]:
    """The (offset, bracket) of every bracket outside strings from ``start`` on, in one linear pass.

    Stops at an unterminated string (the decoder reports it).
    """
    i = start
    while (found := _BRACKET_OR_QUOTE.search(text, i)) is not None:
        if found.group() == '"':
            string = _STRING.match(text, found.start())
            if string is None:
                return
            i = string.end()
            continue
        yield found.start(), found.group()
        i = found.end()


def _validation_error(exc: ValidationError, text: str, offsets: dict[Path, int]) -> Exception:
    """The script error for the validation problem that comes first in the text."""
    best: tuple[int, Exception] | None = None
    for error in exc.errors():
        loc: Path = tuple(error["loc"])
        offset = _offset_of(loc, offsets)
        if error["type"] == "too_long" and loc == ("scenes",):
            offset = offsets.get(("scenes", MAX_SCENES), offset)  # the first scene over the limit
        if best is None or offset < best[0]:
            best = (offset, _problem_for(error, loc, location_at(text, offset)))
    assert best is not None  # a ValidationError always has at least one error
    return best[1]


def _problem_for(error: ErrorDetails, loc: Path, at: Location) -> Exception:
    """One pydantic error as a script error, with its JSON path."""
    path = _path_text(loc)
    kind = error["type"]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, FieldProblem):
        return problem_error(cause, at, path)
    if loc == ("scenes",) and kind in ("too_short", "too_long", "missing"):
        reasons: dict[str, tuple[Reason, str, str]] = {
            "too_short": (Reason.EMPTY_SCRIPT, "the script has no scenes", "add at least one scene"),
            "too_long": (
                Reason.TOO_MANY_SCENES,
                f"scene {MAX_SCENES + 1} is one too many; a script has at most {MAX_SCENES} scenes",
                "split the script into several projects or merge short scenes",
            ),
            "missing": (Reason.INVALID_FIELD, '"scenes" is missing', 'add "scenes": [{"narration": "..."}]'),
        }
        reason, problem, hint = reasons[kind]
        return script_error(reason, problem, hint, at)
    if kind == "extra_forbidden":
        reason = (
            Reason.UNKNOWN_SETTING if loc[:1] == ("settings",) and len(loc) == 2 else Reason.UNKNOWN_FIELD
        )
        what = "setting" if reason == Reason.UNKNOWN_SETTING else "field"
        return script_error(reason, f"{path} is not a {what} videogen knows", _field_hint(loc), at)
    what = _TYPE_PROBLEMS.get(kind, error["msg"])
    return script_error(Reason.INVALID_FIELD, f"{path or 'the script'}: {what}", _field_hint(loc), at)


def _field_hint(loc: Path) -> str:
    """Which fields the object at ``loc`` may have."""
    if loc[:1] == ("settings",):
        return "settings are: " + ", ".join(_JsonSettings.model_fields)
    if loc[:1] == ("scenes",) and len(loc) >= 2:
        return "a scene has: " + ", ".join(_JsonScene.model_fields)
    return "a script has: " + ", ".join(_JsonScript.model_fields) + ' (only "scenes" is required)'


def _path_text(loc: Path) -> str:
    """``("scenes", 2, "duration")`` → ``scenes[2].duration``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _offset_of(loc: Path, offsets: dict[Path, int]) -> int:
    """The text offset of the longest prefix of ``loc`` whose place is known (the document's, at least)."""
    for size in range(len(loc), 0, -1):
        found = offsets.get(loc[:size])
        if found is not None:
            return found
    return offsets.get((), 0)


# --- where values sit in the text --------------------------------------------------------------------


def _value_offsets(text: str) -> dict[Path, int]:
    """Offsets of values in valid JSON ``text``, by path, down to ("scenes", i, field).

    An object member is placed at its key, an array element where it starts. Deeper values are skipped
    in one linear scan. A duplicated key keeps its last place, as ``json.loads`` keeps its last value.
    """
    offsets: dict[Path, int] = {}
    _LayoutScanner(text, offsets).value(0, (), record=True)
    return offsets


class _LayoutScanner:
    """A minimal reader of already-validated JSON that only notes where things are."""

    def __init__(self, text: str, offsets: dict[Path, int]) -> None:
        self._text = text
        self._offsets = offsets

    def _space(self, i: int) -> int:
        text = self._text
        while i < len(text) and text[i] in " \t\n\r":
            i += 1
        return i

    def value(self, i: int, path: Path, record: bool) -> int:
        """Read the value at or after ``i``; returns the offset after it."""
        i = self._space(i)
        if record:
            self._offsets[path] = i
        char = self._text[i]
        if char == "{" and len(path) < _LOCATED_DEPTH:
            return self._members(i + 1, path)
        if char == "[" and len(path) < _LOCATED_DEPTH:
            return self._elements(i + 1, path)
        return self._skip(i)

    def _members(self, i: int, path: Path) -> int:
        return self._sequence(i, "}", lambda j, _: self._member(j, path))

    def _member(self, i: int, path: Path) -> int:
        i = self._space(i)
        key, end = _DECODER.raw_decode(self._text, i)
        self._offsets[(*path, key)] = i
        colon = self._space(end)
        return self.value(colon + 1, (*path, key), record=False)

    def _elements(self, i: int, path: Path) -> int:
        return self._sequence(i, "]", lambda j, index: self.value(j, (*path, index), record=True))

    def _sequence(self, i: int, close: str, read: Callable[[int, int], int]) -> int:
        """Read comma-separated items up to ``close``; ``read(offset, index)`` reads one."""
        i = self._space(i)
        if self._text[i] == close:
            return i + 1
        index = 0
        while True:
            i = self._space(read(i, index))
            if self._text[i] == close:
                return i + 1
            i += 1  # the comma
            index += 1

    def _skip(self, i: int) -> int:
        """The offset after the value at ``i``; decoding it again is linear, and its depth is bounded."""
        return _DECODER.raw_decode(self._text, i)[1]
