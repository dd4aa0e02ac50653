"""Image prompts derived from a scene's own words, for scenes whose script does not write one.

A derived prompt reads as up to three short sentences: the scene title, a condensed version of what the
scene says or shows (the first sentences that fit in about 300 characters, without ``NAME:`` speaker
prefixes), and the project's style. The same input always gives the same prompt, and the prompt never
exceeds ``max_chars``: the text is cut at a word boundary, and the style is kept whole when it fits,
because it is what makes all the pictures of a video look alike.
"""

from __future__ import annotations

import re

from videogen.domain.limits import MAX_IMAGE_PROMPT_CHARS

#: How much of the narration a derived prompt keeps: image models weigh the first words most.
TEXT_BUDGET = 300
# A lookbehind of one character and one run of whitespace: linear.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_TERMINAL = ".!?…"
_CLOSERS = "\"')]”’»"
_SPEAKER_MAX = 60


def derive_image_prompt(
    title: str, text: str, style: str = "", max_chars: int = MAX_IMAGE_PROMPT_CHARS
) -> str:
    """A deterministic, readable image prompt from a scene's title and text and the project style.

    Args:
        title: the scene title (may be empty).
        text: the narration or action the picture should show (may be empty).
        style: the project style, e.g. ``watercolor, soft light`` (may be empty).
        max_chars: the longest prompt to return; at least 1.

    Returns:
        ``"<Title>. <condensed text>. <Style>."``, leaving out empty parts, at most ``max_chars`` long; empty
        only when all three inputs are.

    Raises:
        ValueError: when ``max_chars`` is below 1.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    parts = [_sentence(_collapse(title)), _sentence(condense(text))]
    main = " ".join(part for part in parts if part)
    style_text = _collapse(style)
    tail = _sentence(style_text[:1].upper() + style_text[1:])
    if not tail:
        return cut_at_word(main, max_chars)
    room = max_chars - len(tail) - 1
    if not main or room < 1:
        # Nothing to say, or a style that fills the prompt on its own.
        return cut_at_word(tail, max_chars)
    return f"{cut_at_word(main, room)} {tail}"


def condense(text: str, budget: int = TEXT_BUDGET) -> str:
    """The first sentences of ``text`` that fit in ``budget`` characters, without speaker prefixes."""
    lines = (_without_speaker(line) for line in text.split("\n"))
    # Text that is nothing but speaker names ("BOB:") keeps them rather than leave the prompt empty.
    flat = _collapse(" ".join(lines)) or _collapse(text)
    if len(flat) <= budget:
        return flat
    kept: list[str] = []
    used = 0
    for sentence in _SENTENCE_END.split(flat):
        extra = len(sentence) + (1 if kept else 0)
        if used + extra > budget:
            break
        kept.append(sentence)
        used += extra
    # A first sentence longer than the budget is cut rather than dropped: some text beats none.
    return " ".join(kept) if kept else cut_at_word(flat, budget)


def cut_at_word(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at the last word boundary (mid-word only if it must)."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    space = head.rfind(" ")
    if space > 0:
        cut = head[:space].rstrip(" ,;:-—–")
        if cut:
            return cut
    return text[:limit].rstrip()


def _without_speaker(line: str) -> str:
    """``line`` without a leading ``NAME:`` or ``NAME (V.O.):`` speaker prefix."""
    colon = line.find(":", 0, _SPEAKER_MAX)
    if colon <= 0 or line[colon + 1 : colon + 2] not in ("", " "):
        return line
    name = line[:colon].split("(", 1)[0]
    if any(c.isupper() for c in name) and not any(c.islower() for c in name):
        return line[colon + 1 :]
    return line


def _collapse(text: str) -> str:
    """``text`` with every whitespace run turned into one space."""
    return " ".join(text.split())


def _sentence(text: str) -> str:
    """``text`` ending in sentence punctuation (a period added when it has none); empty stays empty."""
    if not text:
        return ""
    core = text.rstrip(_CLOSERS)
    if core and core[-1] in _TERMINAL:
        return text
    return text + "."
