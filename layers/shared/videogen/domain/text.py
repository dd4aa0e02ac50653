"""Text rules shared by the voices and the captions: cleaning narration, what a voice can say, sentences.

A narration is split into sentences once, by rules that depend on neither the voice nor the caption
format, so the same text gives the same sentences (and the same caption breaks) whether a voice speaks it
or it is only read. Pure functions: the API function imports this module to estimate a render's length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final

#: Titles before a name: their full stop never ends a sentence ("Mr. Smith", "St. Louis").
_TITLES: Final = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "prof", "sr", "st", "mt", "capt", "col", "gen", "gov", "lt", "maj", "rev",
     "sen", "rep", "sgt", "hon", "fr"}
)  # fmt: skip
#: Abbreviations read as such inside a sentence; they end one only before a capitalised word.
_ABBREVIATIONS: Final = frozenset(
    {"e.g", "i.e", "vs", "cf", "etc", "approx", "dept", "est", "fig", "inc", "ltd", "co", "jr", "al", "no"}
)
_TERMINAL = re.compile(r"(?:[.!?…‽]+)[\"'”’»)\]]*$")
_OPENERS: Final = "\"'“‘«([¿¡"
#: A single initial ("J.") or a dotted acronym ("U.S."): a full stop that is not a sentence end.
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARAGRAPH = re.compile(r"\n\s*\n")
#: Unicode categories a voice cannot say: emoji and other pictographs, modifiers (skin tones), private and
#: unassigned code points, invisible format characters (the zero-width joiner of emoji sequences).
_UNSPOKEN_CATEGORIES: Final = frozenset({"So", "Sk", "Co", "Cn", "Cs", "Cf"})
#: Combining marks that only dress a removed symbol (an accent on an emoji is no accent on speech).
_DRESSING_MARKS: Final = frozenset({"Mn", "Me"})
#: Marks that only ever choose how a symbol is drawn: variation selectors and enclosing marks (keycaps).
_PRESENTATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u20dd-\u20e4]")


def normalize_narration(text: str) -> str:
    """``text`` with control characters removed, paragraphs separated by one blank line, spaces collapsed."""
    paragraphs = (" ".join(part.split()) for part in _PARAGRAPH.split(_CONTROL.sub("", text)))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def speakable(text: str) -> bool:
    """Whether a voice has anything to say in ``text``: at least one letter or digit.

    Emoji, pictographs and punctuation or symbols alone ("🎉🎉", "$%&", "---") are not speakable; engines
    would otherwise read out symbol names or produce noise.
    """
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def spoken_text(text: str) -> tuple[str, list[int]]:
    """``text`` as it is sent to an engine, and where each of its characters came from in ``text``.

    Emoji and other unsayable characters are removed (with the marks that dress them), and the spaces
    this leaves are collapsed. The index map lets a provider's offsets into the spoken text be mapped back
    to the text shown in captions.
    """
    kept: list[tuple[str, int]] = []
    removed_previous = False
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if (
            category in _UNSPOKEN_CATEGORIES
            or _PRESENTATION.match(char)
            or (removed_previous and category in _DRESSING_MARKS)
        ):
            removed_previous = True
            continue
        removed_previous = False
        if char.isspace():
            if kept and kept[-1][0] != " ":
                kept.append((" ", index))
            continue
        kept.append((char, index))
    while kept and kept[-1][0] == " ":
        kept.pop()
    return "".join(char for char, _ in kept), [index for _, index in kept]


def split_sentences(text: str) -> list[str]:
    """Split narration into sentences, deterministically, keeping every character of the normalized text.

    A sentence ends at ``.``, ``!``, ``?``, ``…`` or ``...`` (closing quotes and brackets stay with it)
    unless the next word starts with a lower-case letter. So decimals ("3.5"),
    titles ("Mr. Smith"), initials and dotted acronyms ("J. R. R. Tolkien", "the U.S. Army"), common
    abbreviations before a lower-case word ("e.g. this") and ellipses inside a sentence ("wait... and
    see") do not split. A blank line always ends a sentence. A piece with nothing speakable in it ("🎉")
    joins the sentence before it (or after it, at the start), so every sentence but a wholly unspeakable
    text has something to say.
    """
    sentences: list[str] = []
    for paragraph in normalize_narration(text).split("\n\n"):
        words = [word for word in paragraph.split(" ") if word]
        current: list[str] = []
        index = 0
        while index < len(words):
            word = words[index]
            current.append(word)
            index += 1
            if not _TERMINAL.search(word):
                continue
            # Emoji after the full stop ("We won! 🎉 Next ...") belong to the sentence they follow.
            after = index
            while after < len(words) and not speakable(words[after]):
                after += 1
            following = words[after] if after < len(words) else None
            if following is None or _ends_sentence(word, following):
                current.extend(words[index:after])
                sentences.append(" ".join(current))
                current = []
                index = after
        if current:
            sentences.append(" ".join(current))
    return _merge_unspeakable(sentences)


def one_line(text: str) -> str:
    """``text`` on one line: control characters removed, every run of white space one space."""
    return " ".join(_CONTROL.sub("", text).split())


def _ends_sentence(word: str, following: str) -> bool:
    """Whether ``word`` (which ends in terminal punctuation) ends its sentence, given the next word."""
    bare = word.strip(_OPENERS + "\"'”’»)]")
    stem = bare.rstrip(".").lower()
    if bare.endswith(".") and not bare.endswith(".."):
        if stem in _TITLES or _INITIALS.match(bare):
            return False
        if stem in _ABBREVIATIONS and not _starts_capitalised(following):
            return False
    return _starts_sentence(following)


def _starts_capitalised(word: str) -> bool:
    first = word.lstrip(_OPENERS)[:1]
    return first.isupper()


def _starts_sentence(word: str) -> bool:
    first = word.lstrip(_OPENERS)[:1]
    # A capital, a digit or a symbol ("$5", "—") opens a sentence; a lower-case letter continues one.
    return not first or not first.isalpha() or first.isupper()


def _merge_unspeakable(sentences: Sequence[str]) -> list[str]:
    merged: list[str] = []
    pending: list[str] = []
    for sentence in sentences:
        if not speakable(sentence):
            if merged:
                merged[-1] = f"{merged[-1]} {sentence}"
            else:
                pending.append(sentence)
            continue
        merged.append(" ".join([*pending, sentence]))
        pending = []
    if pending:
        merged.append(" ".join(pending))
    return merged
