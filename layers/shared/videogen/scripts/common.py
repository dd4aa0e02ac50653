"""What every script format shares: decoding, positions, text clean-up, directive values and scene assembly.

Choices that hold for all formats:

* Narration is canonical: whitespace inside a paragraph collapses to single spaces (a line break inside a
  paragraph is a soft wrap), and paragraphs are joined with a blank line (``"\\n\\n"``), which keeps the
  pause between them for the voice and the captions.
* Lines end at ``\\n``; ``\\r\\n`` and a lone ``\\r`` are read as ``\\n`` first, so line numbers are the
  ones an editor shows. Columns count characters (a tab is one), from 1.
* Everything here runs in time linear in the input: no regular expression with nested quantifiers
  touches user text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from videogen.domain.enums import (
    FPS_CHOICES,
    AspectRatio,
    CaptionOutline,
    CaptionPosition,
    CaptionSize,
    ImageProviderName,
    Resolution,
    ScriptFormat,
    Transition,
)
from videogen.domain.limits import (
    MAX_IMAGE_PROMPT_CHARS,
    MAX_NARRATION_CHARS,
    MAX_SCENE_SECONDS,
    MAX_SCENES,
    MAX_SCRIPT_BYTES,
    MAX_SEED,
    MAX_STYLE_CHARS,
    MAX_TITLE_CHARS,
    MIN_SCENE_SECONDS,
)
from videogen.domain.voices import validate_voice
from videogen.exceptions import UnknownVoiceException
from videogen.scripts.errors import FieldProblem, Location, Reason, script_error
from videogen.scripts.model import ParsedScript, SceneSpec, ScriptSettings
from videogen.scripts.prompts import derive_image_prompt

UTF8_BOM = b"\xef\xbb\xbf"
#: Voice and music are names (a voice id, a track key): as short as a style.
MAX_SETTING_TEXT_CHARS = MAX_STYLE_CHARS

# One character class each, so a search is a single linear scan.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
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


# --- source decoding and positions -------------------------------------------------------------------


def decode_source(source: str | bytes) -> str:
    """Turn a submitted script into text with ``\\n`` line ends, or raise on anything not plain UTF-8 text.

    Checks, in order: size (at most 100 KB of UTF-8, a leading BOM not counted), UTF-8 validity (for
    ``str`` input: no lone surrogates), and control characters (only tab and newline allowed).

    Raises:
        ScriptParsingException: ``script_too_large``, ``invalid_utf8`` or ``control_character``, at the
            line and column of the first offending byte or character.
    """
    if isinstance(source, str):
        text = source.removeprefix("\ufeff")
        data = text.encode("utf-8", "surrogatepass")
        if len(data) > MAX_SCRIPT_BYTES:
            raise _too_large(data)
        text = normalize_newlines(text)
        bad = _SURROGATE.search(text)
        if bad:
            raise script_error(
                Reason.INVALID_UTF8,
                "the text holds a lone surrogate, which is not valid Unicode",
                "save the script as UTF-8 text",
                location_at(text, bad.start()),
            )
    else:
        data = bytes(source).removeprefix(UTF8_BOM)
        if len(data) > MAX_SCRIPT_BYTES:
            raise _too_large(data)
        try:
            text = normalize_newlines(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise script_error(
                Reason.INVALID_UTF8,
                f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
                "save the script as UTF-8 (in most editors: Save with encoding → UTF-8)",
                byte_location(data, exc.start),
            ) from None
    bad = _CONTROL.search(text)
    if bad:
        raise script_error(
            Reason.CONTROL_CHARACTER,
            f"control character U+{ord(bad.group()):04X} is not allowed in a script",
            "remove it; only tabs and line breaks may appear besides visible text",
            location_at(text, bad.start()),
        )
    return text


def _too_large(data: bytes) -> Exception:
    """The error for a script over the size limit, pointing at the first byte past it."""
    return script_error(
        Reason.SCRIPT_TOO_LARGE,
        f"the script is {len(data):,} bytes; the limit is {MAX_SCRIPT_BYTES:,} bytes (100 KB)",
        "split it into several projects or shorten the narration",
        byte_location(data, MAX_SCRIPT_BYTES),
    )


def normalize_newlines(text: str) -> str:
    """``text`` with CRLF and lone CR line ends turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def location_at(text: str, index: int) -> Location:
    """The line, column and line text of character ``index`` in ``\\n``-separated ``text``."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    line_text = text[start : end if end != -1 else len(text)]
    return Location(text.count("\n", 0, index) + 1, index - start + 1, line_text)


def byte_location(data: bytes, offset: int) -> Location:
    """The line, column (in characters) and line text of byte ``offset`` in undecoded UTF-8 ``data``.

    Any of CRLF, CR and LF ends a line, as they will once the text is decoded.
    """
    head = data[:offset]
    line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    start = max(head.rfind(b"\n"), head.rfind(b"\r")) + 1
    ends = [pos for pos in (data.find(b"\n", offset), data.find(b"\r", offset)) if pos != -1]
    line_bytes = data[start : min(ends) if ends else len(data)]
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return Location(line, column, line_bytes.decode("utf-8", "replace"))


# --- text clean-up -----------------------------------------------------------------------------------


def collapse(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) turned into one space, trimmed."""
    return " ".join(text.split())


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text`` (separated by blank lines), each collapsed to one line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(collapse(" ".join(current)))
            current = []
    if current:
        paragraphs.append(collapse(" ".join(current)))
    return paragraphs


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Canonical narration: the non-empty paragraphs separated by a blank line."""
    return "\n\n".join(p for p in paragraphs if p)


def strip_emphasis(line: str) -> str:
    """``line`` without Markdown/Fountain emphasis markers (``*``, ``**``, ``_``), keeping escaped ones.

    Markers are removed only in pairs: an opening run (followed by a non-space) closed by a later run
    of the same character (preceded by a non-space). ``_`` inside a word (``snake_case``) is a letter,
    and a lone ``*`` (``*69``, ``2 * 3``) stays. ``\\*`` and ``\\_`` become literal ``*`` and ``_``. One pass:
    each run meets only the top of its character's stack.
    """
    if "*" not in line and "_" not in line:
        return line
    pieces: list[str] = []
    openers: dict[str, list[int]] = {"*": [], "_": []}
    matched: set[int] = set()
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if char == "\\" and i + 1 < n and line[i + 1] in "*_":
            pieces.append(line[i + 1])
            i += 2
            continue
        if char in "*_":
            j = i
            while j < n and line[j] == char:
                j += 1
            before = line[i - 1] if i > 0 else " "
            after = line[j] if j < n else " "
            can_open = not after.isspace()
            can_close = not before.isspace()
            if char == "_" and before.isalnum() and after.isalnum():
                can_open = can_close = False
            stack = openers[char]
            if can_close and stack:
                matched.add(stack.pop())
                matched.add(len(pieces))
            elif can_open:
                stack.append(len(pieces))
            pieces.append(line[i:j])
            i = j
            continue
        j = i + 1
        while j < n and line[j] not in "*_\\":
            j += 1
        pieces.append(line[i:j])
        i = j
    return "".join(piece for index, piece in enumerate(pieces) if index not in matched)


def clean_title(raw: str | None) -> str | None:
    """A script or scene title, collapsed; None when empty.

    Raises:
        FieldProblem: ``title_too_long`` past 200 characters.
    """
    if raw is None:
        return None
    title = collapse(raw)
    if len(title) > MAX_TITLE_CHARS:
        raise FieldProblem(
            Reason.TITLE_TOO_LONG,
            f"the title is {len(title)} characters; the limit is {MAX_TITLE_CHARS}",
            "shorten the title",
        )
    return title or None


def clean_image_prompt(raw: str) -> str:
    """An explicit image prompt, collapsed.

    Raises:
        FieldProblem: ``empty_image_prompt`` or ``image_prompt_too_long``.
    """
    prompt = collapse(raw)
    if not prompt:
        raise FieldProblem(
            Reason.EMPTY_IMAGE_PROMPT,
            "the image prompt is empty",
            'describe the picture after "Image:", or remove the line to let videogen derive one',
        )
    if len(prompt) > MAX_IMAGE_PROMPT_CHARS:
        raise FieldProblem(
            Reason.IMAGE_PROMPT_TOO_LONG,
            f"the image prompt is {len(prompt):,} characters; the limit is {MAX_IMAGE_PROMPT_CHARS:,}",
            "shorten the image prompt",
        )
    return prompt


# --- directive values --------------------------------------------------------------------------------


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


# --- settings ----------------------------------------------------------------------------------------


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


# --- scene assembly ----------------------------------------------------------------------------------


@dataclass(slots=True)
class SceneDraft:
    """A scene while its format is being read; :func:`build_script` checks it and makes it a SceneSpec."""

    line: int
    text: str = ""  # the source line where the scene starts, shown in errors about the whole scene
    column: int = 1
    title: str | None = None
    prompt_title: str | None = None  # the title as the image prompt should read it (Fountain slug lines)
    paragraphs: list[str] = field(default_factory=list)
    prompt_text: str | None = None  # what the picture shows, when it is not the narration
    image_prompt: str | None = None
    duration: float | None = None
    transition: Transition = Transition.FADE
    #: A draft without content is skipped, unless this is set: then it is an ``empty_scene`` error.
    must_have_content: bool = False
    directives: set[str] = field(default_factory=set)

    def has_content(self) -> bool:
        """Whether the scene has anything to show or say."""
        return bool(self.title or self.image_prompt or self.prompt_text or any(self.paragraphs))


def build_script(
    script_format: ScriptFormat,
    title: str | None,
    settings: ScriptSettings,
    drafts: Sequence[SceneDraft],
    empty_at: Location | None = None,
) -> ParsedScript:
    """Check the scenes against the limits and assemble the parsed script.

    Raises:
        ScriptParsingException: ``empty_script``, ``too_many_scenes``, ``empty_scene`` or
            ``narration_too_long``, at the line where the offending scene starts.
    """
    scenes: list[SceneDraft] = []
    for draft in drafts:
        if draft.has_content():
            scenes.append(draft)
        elif draft.must_have_content:
            raise script_error(
                Reason.EMPTY_SCENE,
                "this scene has no title, narration or image",
                "give the scene some text, or remove it",
                Location(draft.line, draft.column, draft.text),
            )
    if not scenes:
        raise script_error(
            Reason.EMPTY_SCRIPT,
            "the script has no scenes",
            "write at least one scene of narration",
            empty_at,
        )
    if len(scenes) > MAX_SCENES:
        extra = scenes[MAX_SCENES]
        raise script_error(
            Reason.TOO_MANY_SCENES,
            f"scene {MAX_SCENES + 1} is one too many; a script has at most {MAX_SCENES} scenes",
            "split the script into several projects or merge short scenes",
            Location(extra.line, extra.column, extra.text),
        )
    # The project style is applied once, when the image is requested (it can change without a new script).
    specs: list[SceneSpec] = []
    for number, draft in enumerate(scenes, start=1):
        narration = join_paragraphs(draft.paragraphs)
        if len(narration) > MAX_NARRATION_CHARS:
            raise script_error(
                Reason.NARRATION_TOO_LONG,
                f"scene {number} has {len(narration):,} characters of narration; "
                f"the limit is {MAX_NARRATION_CHARS:,}",
                "split the scene in two",
                Location(draft.line, draft.column, draft.text),
            )
        prompt = draft.image_prompt or derive_image_prompt(
            draft.prompt_title or draft.title or "", draft.prompt_text or narration
        )
        specs.append(
            SceneSpec(
                number=number,
                title=draft.title,
                narration=narration,
                image_prompt=prompt,
                image_prompt_explicit=draft.image_prompt is not None,
                duration=draft.duration,
                transition=draft.transition,
                line=draft.line,
            )
        )
    return ParsedScript(format=script_format, title=title, settings=settings, scenes=specs)
