"""Shared helpers for the script parser tests."""

from __future__ import annotations

import pytest

from videogen.domain.enums import ScriptFormat
from videogen.exceptions import ScriptParsingException
from videogen.scripts.parser import parse_script

DETAIL_KEYS = {"line", "column", "text", "hint", "reason"}


def parse_error(
    source: str | bytes, script_format: ScriptFormat | str | None = None, filename: str | None = None
) -> ScriptParsingException:
    """Parse a script that must fail, check the error envelope every script error shares, return it."""
    with pytest.raises(ScriptParsingException) as caught:
        parse_script(source, script_format, filename)
    error = caught.value
    assert error.error_code == "SCRIPT_PARSE_ERROR"
    assert error.status_code == 422
    assert set(error.details) == DETAIL_KEYS
    assert isinstance(error.details["line"], int)
    assert isinstance(error.details["column"], int)
    assert error.details["hint"]
    assert error.message.startswith(f"line {error.details['line']}: ")
    return error


def where(error: ScriptParsingException) -> tuple[str, int, int]:
    """(reason, line, column) of a script error, for one-line assertions."""
    return error.details["reason"], error.details["line"], error.details["column"]
