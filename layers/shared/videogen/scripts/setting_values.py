"""A script's settings as written (front matter, a title page, JSON ``settings``), checked one by one."""

from __future__ import annotations

from enum import StrEnum

from videogen.domain.enums import (
    FPS_CHOICES,
    AspectRatio,
    CaptionOutline,
    CaptionPosition,
    CaptionSize,
    ImageProviderName,
    Resolution,
)
from videogen.domain.limits import MAX_SEED, MAX_STYLE_CHARS
from videogen.domain.voices import validate_voice
from videogen.exceptions import UnknownVoiceException
from videogen.scripts.errors import FieldProblem, Reason
from videogen.scripts.model import ScriptSettings
from videogen.scripts.text import collapse

#: Voice and music are names (a voice id, a track key): as short as a style.
MAX_SETTING_TEXT_CHARS = MAX_STYLE_CHARS
SETTING_KEYS: tuple[str, ...] = tuple(ScriptSettings.model_fields)
_ASPECT_NAMES = {
    "landscape": AspectRatio.LANDSCAPE,
    "portrait": AspectRatio.PORTRAIT,
    "square": AspectRatio.SQUARE,
}
#: Caption settings: their values, and the example their hint gives.
_CAPTION_CHOICES: dict[str, tuple[type[StrEnum], str]] = {
    "caption_position": (CaptionPosition, "top"),
    "caption_size": (CaptionSize, "large"),
    "caption_outline": (CaptionOutline, "box"),
}
#: Words for on and off, as YAML 1.1 reads them; JSON scripts may also write true or false.
_SWITCH_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def normalize_setting_key(key: str) -> str:
    """``Aspect Ratio`` and ``aspect-ratio`` both name ``aspect_ratio``."""
    return "_".join(key.strip().lower().replace("-", " ").split())


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
    if key in ("fps", "seed"):
        return _whole_number_setting(key, value)
    if key == "captions":
        switch = _SWITCH_WORDS.get(value.strip().lower()) if isinstance(value, str) else value
        if not isinstance(switch, bool):
            raise _bad_setting(
                key, "must be true or false", 'write "captions: false" for a video without burned-in captions'
            )
        return switch
    if key in _CAPTION_CHOICES:
        choices, example = _CAPTION_CHOICES[key]
        member = _enum_member(choices, collapse(value).lower()) if isinstance(value, str) else None
        if member is None:
            names = ", ".join(choice.value for choice in choices)
            raise _bad_setting(key, f"must be one of {names}", f'write e.g. "{key}: {example}"')
        return member
    if not isinstance(value, str):
        raise _bad_setting(key, "must be text", f'write e.g. "{key}: ..." with one value')
    text = collapse(value)
    if key == "aspect_ratio":
        ratio = _ASPECT_NAMES.get(text.lower()) or _enum_member(AspectRatio, text.replace(" ", ""))
        if ratio is None:
            raise _bad_setting(key, "must be 16:9, 9:16 or 1:1", 'write e.g. "aspect_ratio: 16:9"')
        return ratio
    if key == "resolution":
        lowered = text.lower()
        resolution = _enum_member(Resolution, lowered if lowered.endswith("p") else lowered + "p")
        if resolution is None:
            raise _bad_setting(key, "must be 480p, 720p or 1080p", 'write e.g. "resolution: 720p"')
        return resolution
    if key == "image_provider":
        provider = _enum_member(ImageProviderName, text.lower())
        if provider is None:
            names = ", ".join(p.value for p in ImageProviderName)
            raise _bad_setting(key, f"must be one of {names}", 'write e.g. "image_provider: local"')
        return provider
    if key == "voice":
        try:
            return str(validate_voice(text))
        except UnknownVoiceException:
            raise _bad_setting(
                key,
                f'"{text[:40]}" is not a voice videogen has',
                'write e.g. "voice: local", "polly:Joanna" or "none"',
            ) from None
    limit = MAX_STYLE_CHARS if key == "style" else MAX_SETTING_TEXT_CHARS
    if len(text) > limit:
        raise _bad_setting(key, f"is {len(text)} characters; the limit is {limit}", f"shorten the {key}")
    return text


def _whole_number_setting(key: str, value: object) -> int:
    """fps or seed: a whole number (digits in text are fine), within its range."""
    number = -1
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip()
        # int() of thousands of digits is slow and capped by Python; anything this long is out of range.
        number = int(digits) if len(digits) <= 20 else MAX_SEED + 1
    if key == "fps":
        if number not in FPS_CHOICES:
            raise _bad_setting(key, "must be 24, 25 or 30", 'write e.g. "fps: 30"')
    elif not 0 <= number <= MAX_SEED:
        raise _bad_setting(key, f"must be a whole number from 0 to {MAX_SEED:,}", 'write e.g. "seed: 42"')
    return number


def _bad_setting(key: str, problem: str, hint: str) -> FieldProblem:
    """The problem for a setting with a bad value."""
    return FieldProblem(Reason.INVALID_SETTING, f"{key} {problem}", hint)


def _enum_member[E: StrEnum](enum: type[E], value: str) -> E | None:
    """The member of ``enum`` whose value is ``value``, or None."""
    try:
        return enum(value)
    except ValueError:
        return None
