"""Text clean-up every format shares: paragraphs, emphasis, titles and image prompts.

Narration is canonical: whitespace inside a paragraph collapses to single spaces (a line break inside a
paragraph is a soft wrap), and paragraphs are joined with a blank line (``"\\n\\n"``), which keeps the pause
between them for the voice and the captions. Everything here runs in time linear in the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from videogen.domain.limits import MAX_IMAGE_PROMPT_CHARS, MAX_TITLE_CHARS
from videogen.scripts.errors import FieldProblem, Reason


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


def split_directive(raw: str, names: Mapping[str, str]) -> tuple[str, str, int] | None:
    """(name, value, 1-based column of the value) of a directive line such as ``Image: a red door``.

    The key (before a colon in the first 40 characters) is looked up in ``names`` (lower-case keys, single
    spaces) after its bold markers go: ``**Image:** a red door`` is a directive too. None: the line is not
    one of ``names``.
    """
    colon = raw.find(":", 0, 40)
    if colon <= 0:
        return None
    key_part = raw[:colon]
    name = names.get(" ".join(key_part.strip().strip("*_").split()).lower())
    if name is None:
        return None
    start = colon + 1
    if key_part.lstrip().startswith(("*", "_")):
        # "**Image:** a red door": the closing bold markers sit after the colon.
        while start < len(raw) and raw[start] in "*_":
            start += 1
    while start < len(raw) and raw[start] in " \t":
        start += 1
    return name, raw[start:], start + 1


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
