"""The one entry point for reading a script, whatever its format.

The format comes from the explicit argument (``md``/``markdown``, ``txt``/``text``, ``fountain``,
``json``, any case, a leading dot allowed), else from the file name's extension (``.md``, ``.markdown``
→ md; ``.txt`` → txt; ``.fountain``, ``.spmd`` → fountain; ``.json`` → json), else Markdown: a name
without an extension, or no name, reads as Markdown, the documented default. An unknown format or
extension is an ``unsupported_format`` error, never a silent guess.
"""

from __future__ import annotations

from collections.abc import Callable

from videogen.domain.enums import ScriptFormat
from videogen.exceptions import ScriptParsingException
from videogen.scripts.errors import Location, Reason, script_error
from videogen.scripts.fountain import parse_fountain
from videogen.scripts.jsonscript import parse_json_script
from videogen.scripts.markdown import parse_markdown
from videogen.scripts.model import ParsedScript
from videogen.scripts.plaintext import parse_plaintext
from videogen.scripts.source import decode_source

DEFAULT_FORMAT = ScriptFormat.MARKDOWN

_EXTENSIONS: dict[str, ScriptFormat] = {
    "md": ScriptFormat.MARKDOWN,
    "markdown": ScriptFormat.MARKDOWN,
    "txt": ScriptFormat.TEXT,
    "fountain": ScriptFormat.FOUNTAIN,
    "spmd": ScriptFormat.FOUNTAIN,
    "json": ScriptFormat.JSON,
}
_FORMAT_NAMES: dict[str, ScriptFormat] = {
    **_EXTENSIONS,
    "text": ScriptFormat.TEXT,
    "plain": ScriptFormat.TEXT,
}
_PARSERS: dict[ScriptFormat, Callable[[str], ParsedScript]] = {
    ScriptFormat.MARKDOWN: parse_markdown,
    ScriptFormat.TEXT: parse_plaintext,
    ScriptFormat.FOUNTAIN: parse_fountain,
    ScriptFormat.JSON: parse_json_script,
}


def parse_script(
    source: str | bytes,
    script_format: ScriptFormat | str | None = None,
    filename: str | None = None,
) -> ParsedScript:
    """Read a script into scenes.

    Args:
        source: the script, as text or as UTF-8 bytes (a BOM and any line ends are fine).
        script_format: its format; wins over ``filename``.
        filename: the uploaded file's name, whose extension tells the format when ``script_format`` is None.

    Returns:
        The title, settings and scenes (1 to 200, each with an image prompt) of the script.

    Raises:
        ScriptParsingException: whenever the script cannot be read or breaks a limit; ``details`` say
            where and why (see videogen.scripts.errors for the reasons).
    """
    chosen = _resolve_format(script_format, filename)
    return _PARSERS[chosen](decode_source(source))


def detect_format(filename: str) -> ScriptFormat:
    """The script format a file name's extension (case-insensitive) means.

    Raises:
        ScriptParsingException: ``unsupported_format`` for a name without a known extension.
    """
    extension = _extension(filename)
    found = _EXTENSIONS.get(extension) if extension is not None else None
    if found is None:
        raise _unsupported(filename, "the file extension")
    return found


def _resolve_format(script_format: ScriptFormat | str | None, filename: str | None) -> ScriptFormat:
    """The format to parse with: the explicit one, the file name's, or the default."""
    if isinstance(script_format, ScriptFormat):
        return script_format
    if script_format is not None:
        found = _FORMAT_NAMES.get(script_format.strip().lower().removeprefix("."))
        if found is None:
            raise _unsupported(script_format, "the script format")
        return found
    if filename is not None and _extension(filename) is not None:
        return detect_format(filename)
    return DEFAULT_FORMAT


def _extension(filename: str) -> str | None:
    """The lower-case extension of the last path component, or None when it has none."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if "." not in name:
        return None
    return name.rsplit(".", 1)[1].lower()


def _unsupported(given: str, what: str) -> ScriptParsingException:
    """The error for a format videogen cannot read."""
    return script_error(
        Reason.UNSUPPORTED_FORMAT,
        f"{what} is not one videogen reads",
        "use Markdown (.md), plain text (.txt), Fountain (.fountain) or JSON (.json)",
        Location(1, 1, given),
    )
