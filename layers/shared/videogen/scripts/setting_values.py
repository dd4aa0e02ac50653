"""A script's settings as written (front matter, a title page, JSON ``settings``), read into ScriptSettings.

Whether a value is valid is ProjectSettings' decision (ScriptSettings is derived from it); this module
only reads the spellings a script author may use (``landscape``, ``1080``, ``yes``, ``"30"``) and words
the problem for them, from the field itself: a new setting needs no line here.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from videogen.domain.enums import AspectRatio, Resolution
from videogen.domain.settings import ProjectSettings
from videogen.scripts.errors import FieldProblem, Location, Reason, problem_error
from videogen.scripts.model import ScriptOnlySettings, ScriptSettings
from videogen.scripts.text import clean_title, collapse

#: The settings a script may name: the project's, then the script's own.
SETTING_KEYS: tuple[str, ...] = (*ProjectSettings.model_fields, *ScriptOnlySettings.model_fields)
#: Words for on and off, as YAML 1.1 reads them; JSON scripts may also write true or false.
_SWITCH_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
#: Digits longer than this are out of every range; int() of thousands of digits is slow and capped.
_MAX_DIGITS = 20
#: A number that is not a whole number (1.5, true, "thirty"): a value every check refuses.
_UNREADABLE = object()
#: The shapes' names, for ``aspect_ratio: landscape``.
_ASPECT_NAMES = {member.name.lower(): member.value for member in AspectRatio}


def normalize_setting_key(key: str) -> str:
    """``Aspect Ratio`` and ``aspect-ratio`` both name ``aspect_ratio``."""
    return "_".join(key.strip().lower().replace("-", " ").split())


def read_header(entries: Iterable[tuple[str, str | None, Location]]) -> tuple[str | None, ScriptSettings]:
    """The title and settings a script's header gives (Markdown front matter, a Fountain title page).

    Args:
        entries: each line as (``title`` or a key of :data:`SETTING_KEYS`, its text, where the text is).

    Raises:
        ScriptParsingException: a bad title or setting, at the place of its text.
    """
    title: str | None = None
    values: dict[str, object] = {}
    for key, text, at in entries:
        try:
            if key == "title":
                title = clean_title(text)
            else:
                values[key] = setting_value(key, text)
        except FieldProblem as problem:
            raise problem_error(problem, at) from None
    return title, ScriptSettings.model_validate(values)


def setting_value(key: str, value: object) -> object:
    """Validate one project setting; None (or an empty text) leaves it unset.

    Args:
        key: a normalized name from :data:`SETTING_KEYS`.
        value: as written: text from front matter or a title page, any JSON value from a JSON script.

    Returns:
        The value in the type :class:`ScriptSettings` holds.

    Raises:
        FieldProblem: ``unknown_setting`` for another key, ``invalid_setting`` for a bad value.
    """
    if key not in SETTING_KEYS:
        raise FieldProblem(
            Reason.UNKNOWN_SETTING,
            f'"{key[:40]}" is not a setting videogen knows',
            "settings are: title, " + ", ".join(SETTING_KEYS),
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    # The field as declared (ScriptSettings' copy carries its checks inside an optional type).
    field = ProjectSettings.model_fields.get(key) or ScriptOnlySettings.model_fields[key]
    kind = _kind(field.annotation)
    written = _as_written(kind, value)
    try:
        return getattr(ScriptSettings.model_validate({key: written}), key)
    except ValidationError:
        raise _bad_setting(key, field, kind, written) from None


def _kind(annotation: Any) -> Any:
    """The type a setting holds, ``| None`` taken off (pydantic keeps constraints in the field's metadata)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return next(arg for arg in get_args(annotation) if arg is not type(None))
    return annotation


def _item_kind(kind: Any) -> Any:
    """The type of each item of a list setting (``tuple[X, ...]`` holds X)."""
    return get_args(kind)[0]


def _choices(kind: Any) -> list[str] | None:
    """The values a choice setting takes (an enum or a Literal), as written; None for other settings."""
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [str(member.value) for member in kind]
    if get_origin(kind) is Literal:
        return [str(choice) for choice in get_args(kind)]
    return None


def _as_written(kind: Any, value: object) -> object:
    """The value a script wrote, in the spelling ProjectSettings takes; unreadable values as they are."""
    if kind is int or get_origin(kind) is Literal:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        digits = collapse(value) if isinstance(value, str) else ""
        readable = digits.isascii() and digits.isdigit() and len(digits) <= _MAX_DIGITS
        return int(digits) if readable else _UNREADABLE
    if get_origin(kind) is tuple:
        # A list setting (image_providers): comma-separated words, or a JSON list of them.
        words = value.split(",") if isinstance(value, str) else value
        if not isinstance(words, list | tuple):
            return words
        return [_as_written(_item_kind(kind), word) for word in words]
    if not isinstance(value, str):
        return value
    text = collapse(value)
    if kind is bool:
        return _SWITCH_WORDS.get(text.lower(), text)
    if kind is AspectRatio:
        return _ASPECT_NAMES.get(text.lower(), text.replace(" ", ""))
    if kind is Resolution and text.isdigit():
        return text + "p"
    if isinstance(kind, type) and issubclass(kind, Enum):
        return text.lower()
    return text


def _bad_setting(key: str, field: FieldInfo, kind: Any, value: object) -> FieldProblem:
    """The problem for a setting with a bad value, worded from what the field takes."""
    example = getattr(field.default, "value", field.default)
    choices = _choices(kind)
    if get_origin(kind) is tuple:
        least = next((meta.min_length for meta in field.metadata if isinstance(meta, MinLen)), 0)
        most = next((meta.max_length for meta in field.metadata if isinstance(meta, MaxLen)), None)
        names = _choices(_item_kind(kind)) or []
        return FieldProblem(
            Reason.INVALID_SETTING,
            f"{key} must list {least} to {most} different ones of {', '.join(names)}, separated by commas",
            f'write e.g. "{key}: {", ".join(names[1:])}"',
        )
    if choices is not None:
        problem = f"must be one of {', '.join(choices)}"
        example = choices[0] if example is None else example
    elif kind is bool:
        problem, example = "must be true or false", str(not field.default).lower()
    elif kind is int:
        low = next((meta.ge for meta in field.metadata if isinstance(meta, Ge)), 0)
        high = next((meta.le for meta in field.metadata if isinstance(meta, Le)), None)
        problem = f"must be a whole number from {low:,}" + (f" to {high:,}" if high is not None else " up")
        example = low
    elif not isinstance(value, str):
        return FieldProblem(
            Reason.INVALID_SETTING, f"{key} must be text", f'write e.g. "{key}: ..." with one value'
        )
    else:
        limit = next((meta.max_length for meta in field.metadata if isinstance(meta, MaxLen)), len(value))
        if len(value) > limit:
            return FieldProblem(
                Reason.INVALID_SETTING,
                f"{key} is {len(value)} characters; the limit is {limit}",
                f"shorten the {key}",
            )
        problem = f'"{value[:40]}" is not a {key} videogen has'
    return FieldProblem(Reason.INVALID_SETTING, f"{key} {problem}", f'write e.g. "{key}: {example}"')
