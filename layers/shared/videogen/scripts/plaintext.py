"""Plain text scripts: every paragraph (lines up to a blank line) is one scene, its text the narration.

Plain text has no markup: no titles, directives or settings, and nothing is stripped. The lines of a
paragraph join with a single space (they are a soft-wrapped paragraph), whitespace runs collapse.
"""

from __future__ import annotations

from videogen.domain.enums import ScriptFormat
from videogen.scripts.assembly import SceneDraft, build_script
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.text import collapse


def parse_plaintext(text: str) -> ParsedScript:
    """Parse a decoded plain text script.

    Raises:
        ScriptParsingException: empty_script, too_many_scenes or narration_too_long.
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
            words.append(line)
        elif current is not None:
            current.paragraphs.append(" ".join(words))
            current, words = None, []
    if current is not None:
        current.paragraphs.append(" ".join(words))
    return build_script(ScriptFormat.TEXT, None, ScriptSettings(), drafts)
