"""Plain text scripts: every paragraph (lines up to a blank line) is one scene, its text the narration.

Plain text has no markup: no titles, directives or settings, and nothing is stripped. The lines of a
paragraph join with a single space (they are a soft-wrapped paragraph), whitespace runs collapse.

One line is read, not spoken: ``Picture: <path>`` (or ``Photo:``, any case) whose value ends in a file
suffix (``Picture: photos/harbour.jpg``, ``Picture: "my cat.gif"``) names the scene's own picture, as in
Markdown: relative to the script's folder, JPEG, PNG or WebP, at most once per scene; a paragraph of only
that line is a scene of only a picture. A value without a suffix (``Picture: a quiet harbour at dawn.``)
stays narration, so prose that happens to start with the word keeps being spoken.
"""

from __future__ import annotations

from videogen.domain.enums import ScriptFormat
from videogen.scripts.assembly import SceneDraft, build_script
from videogen.scripts.errors import FieldProblem, Location, Reason, problem_error, script_error
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.scene_values import PICTURE_KEYS, picture_at
from videogen.scripts.text import collapse, split_directive

#: Longest file suffix (after the dot) that makes a ``Picture:`` line name a file: ``.jpeg``, ``.heic``.
_MAX_SUFFIX_CHARS = 5


def parse_plaintext(text: str) -> ParsedScript:
    """Parse a decoded plain text script.

    Raises:
        ScriptParsingException: empty_script, too_many_scenes, narration_too_long, or a picture problem
            (invalid_picture_path, unsupported_picture_type, duplicate_directive).
    """
    drafts: list[SceneDraft] = []
    current: SceneDraft | None = None
    words: list[str] = []
    for index, raw in enumerate(text.split("\n")):
        line = collapse(raw)
        if line:
            if current is None:
                current = SceneDraft(line=index + 1, text=raw)
                drafts.append(current)
            picture = _picture_line(raw)
            if picture is None:
                words.append(line)
            else:
                _set_picture(current, picture[0], Location(index + 1, picture[1], raw))
        elif current is not None:
            current.paragraphs.append(" ".join(words))
            current, words = None, []
    if current is not None:
        current.paragraphs.append(" ".join(words))
    return build_script(ScriptFormat.TEXT, None, ScriptSettings(), drafts)


def _picture_line(raw: str) -> tuple[str, int] | None:
    """(value, 1-based column of the value) of a line naming a picture file, or None for narration."""
    found = split_directive(raw, PICTURE_KEYS)
    if found is None:
        return None
    _, value, column = found
    name = value.strip().rstrip("\"'>\u201d\u2019").replace("\\", "/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    suffix = name[dot + 1 :] if dot >= 0 else ""
    looks_like_file = (
        0 < len(suffix) <= _MAX_SUFFIX_CHARS
        and suffix.isascii()
        and suffix.isalnum()
        and not suffix.isdigit()
    )
    return (value, column) if looks_like_file else None


def _set_picture(scene: SceneDraft, value: str, at: Location) -> None:
    """Give the scene its picture (once)."""
    if scene.picture is not None:
        raise script_error(
            Reason.DUPLICATE_DIRECTIVE,
            "this scene already has a Picture line",
            "keep one of the two lines",
            at,
        )
    try:
        scene.picture = picture_at(value, at)
    except FieldProblem as problem:
        raise problem_error(problem, at) from None
