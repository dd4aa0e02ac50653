"""The example scripts under examples/ are valid, real-sized stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from videogen.domain.enums import ScriptFormat
from videogen.scripts.parser import parse_script

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SCRIPT_SUFFIXES = {".md", ".txt", ".fountain", ".json"}


def example_paths() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if p.suffix in SCRIPT_SUFFIXES)


def test_every_format_has_an_example() -> None:
    assert {p.suffix for p in example_paths()} == SCRIPT_SUFFIXES


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_example_parses_into_six_to_twelve_scenes(path: Path) -> None:
    script = parse_script(path.read_bytes(), filename=path.name)

    assert 6 <= len(script.scenes) <= 12
    assert all(scene.image_prompt for scene in script.scenes)
    assert all(scene.narration for scene in script.scenes)


@pytest.mark.parametrize(
    ("name", "fmt", "title", "scenes"),
    [
        ("lighthouse.md", ScriptFormat.MARKDOWN, "The Last Keeper of Gull Rock", 9),
        ("morning-routine.txt", ScriptFormat.TEXT, None, 6),
        ("the-last-train.fountain", ScriptFormat.FOUNTAIN, "The Last Train", 7),
        ("volcano.json", ScriptFormat.JSON, "Fire Under the Island", 7),
    ],
)
def test_example_reads_as_written(name: str, fmt: ScriptFormat, title: str | None, scenes: int) -> None:
    script = parse_script((EXAMPLES / name).read_bytes(), filename=name)

    assert (script.format, script.title, len(script.scenes)) == (fmt, title, scenes)
