"""A submitted script as text: decoding it, and the line and column of a place in it.

Lines end at ``\\n``; ``\\r\\n`` and a lone ``\\r`` are read as ``\\n`` first, so line numbers are the ones an
editor shows. Columns count characters (a tab is one), from 1.
"""

from __future__ import annotations

import re

from videogen.domain.limits import MAX_SCRIPT_BYTES
from videogen.scripts.errors import FieldProblem, Location, Reason, problem_error, script_error

UTF8_BOM = b"\xef\xbb\xbf"
# One character class each, so a search is a single linear scan.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


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
        bad = _LONE_SURROGATE.search(text)
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
    bad = _CONTROL_CHARACTER.search(text)
    if bad:
        raise problem_error(_control_character(bad.group()), location_at(text, bad.start()))
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


def escaped_text(text: str) -> str:
    """A string a JSON script holds (its escapes decoded), with ``\\n`` line ends, if a script may hold it.

    Raises:
        FieldProblem: ``invalid_utf8`` for a lone surrogate, ``control_character`` for a control character.
    """
    text = normalize_newlines(text)
    if _LONE_SURROGATE.search(text):
        raise FieldProblem(
            Reason.INVALID_UTF8, "a lone surrogate (\\ud800-\\udfff) is not valid text", "remove the escape"
        )
    bad = _CONTROL_CHARACTER.search(text)
    if bad:
        raise _control_character(bad.group())
    return text


def _control_character(char: str) -> FieldProblem:
    """The problem with a control character in a script (only tab and newline may appear)."""
    return FieldProblem(
        Reason.CONTROL_CHARACTER,
        f"control character U+{ord(char):04X} is not allowed in a script",
        "remove it; only tabs and line breaks may appear besides visible text",
    )
