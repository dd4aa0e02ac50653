"""The values of scene directives, as a script writes them: durations, transitions and picture paths.

No regular expression with nested quantifiers touches user text: every parse is linear.
"""

from __future__ import annotations

import math
import re
import unicodedata

from videogen.domain.enums import Transition
from videogen.domain.limits import (
    MAX_PICTURE_PATH_CHARS,
    MAX_SCENE_SECONDS,
    MIN_SCENE_SECONDS,
    PICTURE_SUFFIXES,
)
from videogen.domain.models import PictureRef
from videogen.scripts.errors import FieldProblem, Location, Reason
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
#: The keys that name a scene's own picture (``Picture: boat.jpg``), for the formats' directive readers.
PICTURE_KEYS = {"picture": "picture", "photo": "picture"}
#: How many folders deep a picture may sit below the script's folder.
MAX_PICTURE_FOLDERS = 8
#: Quotes and brackets a writer may put around a path (``"my photo.jpg"``, ``<my photo.jpg>``).
_PATH_WRAPPERS = (('"', '"'), ("'", "'"), ("<", ">"), ("\u201c", "\u201d"), ("\u2018", "\u2019"))
# "C:", "c:\\", "D:/": a Windows drive.
_DRIVE = re.compile(r"[A-Za-z]:")
# "http:", "S3://", "file:": the scheme of a URL (a drive letter is one character, a scheme two or more).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,20}:")
_URL_SCHEMES = ("file", "data", "http", "https", "ftp")
_PICTURE_TYPES = "JPEG, PNG or WebP (" + ", ".join(PICTURE_SUFFIXES) + ")"
_PATH_HINT = "write the path from the script's folder, e.g. harbour.jpg or photos/harbour.jpg"
#: What to say about a suffix that is close to a picture but not one videogen reads.
_SUFFIX_ADVICE: dict[str, tuple[str, str]] = {
    ".gif": (
        "GIF pictures (often animated) cannot be used",
        "open it in an image editor and save the frame you want as PNG",
    ),
    ".heic": ("HEIC photos (the iPhone's format) cannot be used", "export the photo as JPEG"),
    ".heif": ("HEIF photos cannot be used", "export the photo as JPEG"),
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


def parse_picture_path(value: str) -> str:
    """The path of a scene's own picture as a script writes it, checked and normalized.

    The path is relative to the script's folder. Surrounding quotes or ``<...>`` go; backslashes are folder
    separators; ``.`` segments and repeated slashes go (``./photos//a.jpg`` → ``photos/a.jpg``). Spaces
    inside names stay.

    Returns:
        The path with ``/`` between folders.

    Raises:
        FieldProblem: ``invalid_picture_path`` for an empty, absolute or URL path, a ``..`` segment, a
            control character, more than MAX_PICTURE_PATH_CHARS characters or MAX_PICTURE_FOLDERS folders;
            ``unsupported_picture_type`` when the suffix is not one of PICTURE_SUFFIXES.
    """
    path = _unwrapped(value.strip())
    shown = collapse(path)[:60]
    if not path:
        raise FieldProblem(Reason.INVALID_PICTURE_PATH, "the picture has no file name", _PATH_HINT)
    if len(path) > MAX_PICTURE_PATH_CHARS:
        raise _bad_path(
            f"the picture path is {len(path):,} characters; the limit is {MAX_PICTURE_PATH_CHARS}",
            "use a shorter file or folder name",
        )
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in path):
        raise _bad_path("the picture path holds a tab or another control character", _PATH_HINT)
    scheme = _SCHEME.match(path)
    if "://" in path or (scheme and scheme.group()[:-1].lower() in _URL_SCHEMES):
        raise _bad_path(
            f'"{shown}" is a web address; a picture is a file beside the script',
            "save the picture beside the script and write its file name, e.g. harbour.jpg",
        )
    if path.startswith(("/", "\\", "~")) or _DRIVE.match(path):
        raise _bad_path(
            f'"{shown}" is an absolute path; a picture is named relative to the script\'s folder',
            "put the picture beside the script (or in a folder next to it) and " + _PATH_HINT,
        )
    written = path.replace("\\", "/")
    segments = [segment for segment in written.split("/") if segment not in ("", ".")]
    if ".." in segments:
        raise _bad_path(
            f'"{shown}" goes up out of the script\'s folder with ".."',
            "move the picture into the script's folder (or a folder inside it) and " + _PATH_HINT,
        )
    if not segments or written.endswith("/"):
        raise _bad_path(f'"{shown}" names a folder, not a picture file', _PATH_HINT)
    if len(segments) - 1 > MAX_PICTURE_FOLDERS:
        raise _bad_path(
            f'"{shown}" is {len(segments) - 1} folders deep; the limit is {MAX_PICTURE_FOLDERS}',
            "move the picture closer to the script",
        )
    _check_picture_suffix(segments[-1])
    return "/".join(segments)


def picture_at(value: str, at: Location) -> PictureRef:
    """The picture a scene names with ``value``, written at ``at``; its column is where the path itself
    starts (after any space, quote or ``<`` before it).

    Raises:
        FieldProblem: as :func:`parse_picture_path`.
    """
    path = parse_picture_path(value)
    written = value.strip()
    inner = _unwrapped(written)
    lead = len(value) - len(value.lstrip())
    if inner != written:
        lead += 1 + len(written[1:]) - len(written[1:].lstrip())
    return PictureRef(path=path, line=at.line, column=at.column + lead, text=at.text)


def _unwrapped(path: str) -> str:
    """``path`` without one pair of quotes or angle brackets around it."""
    for opening, closing in _PATH_WRAPPERS:
        if len(path) >= 2 and path.startswith(opening) and path.endswith(closing):
            return path[1:-1].strip()
    return path


def _bad_path(problem: str, hint: str) -> FieldProblem:
    return FieldProblem(Reason.INVALID_PICTURE_PATH, problem, hint)


def _check_picture_suffix(name: str) -> None:
    """Raise unsupported_picture_type unless the file name ends in one of PICTURE_SUFFIXES."""
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > 0 else ""
    if suffix in PICTURE_SUFFIXES:
        return
    if not suffix:
        problem = f'"{collapse(name)[:60]}" has no file type; a picture is a {_PICTURE_TYPES} file'
        hint = "write the file name with its suffix, e.g. harbour.jpg"
    else:
        problem, hint = _SUFFIX_ADVICE.get(
            suffix,
            (f"{suffix} files cannot be used", "save the picture as JPEG or PNG"),
        )
        problem = f"{problem}; a picture is a {_PICTURE_TYPES} file"
    raise FieldProblem(Reason.UNSUPPORTED_PICTURE_TYPE, problem, hint)
