"""Fuzzing the parser: whatever the input, only ScriptParsingException escapes, and results keep the limits.

Bounded: about 150 examples per property, no deadline (timing belongs in bench/parse_scripts.py).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from videogen.domain.enums import FPS_CHOICES, ScriptFormat
from videogen.domain.limits import (
    MAX_IMAGE_PROMPT_CHARS,
    MAX_NARRATION_CHARS,
    MAX_PICTURE_PATH_CHARS,
    MAX_SCENE_SECONDS,
    MAX_SCENES,
    MAX_SEED,
    MAX_STYLE_CHARS,
    MAX_TITLE_CHARS,
    MIN_SCENE_SECONDS,
    MIN_SCENES,
    PICTURE_SUFFIXES,
)
from videogen.domain.models import PictureRef
from videogen.exceptions import ScriptParsingException
from videogen.scripts.errors import EXCERPT_CHARS, Reason
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.parser import parse_script

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORMATS = list(ScriptFormat)
REASONS = {reason.value for reason in Reason}

# Lines that reach every branch of every format, to be shuffled with random text.
VOCABULARY = [
    "---",
    "...",
    "***",
    "# Title",
    "## Scene",
    "### Deeper ###",
    "Image: a red door",
    "**Image:** a blue sea",
    "Duration: 4s",
    "Duration: 45s",
    "duration: 1500ms",
    "Transition: crossfade",
    "Transition: zoom",
    "Picture: boat.jpg",
    '**Photo:** "my boat.png"',
    "Picture: ../boat.gif",
    "[[Picture: <kitchen.webp>]]",
    "[[photo:",
    "title: Front",
    "fps: 30",
    "seed: 7",
    "aspect_ratio: 16:9",
    "style: ink",
    "a: &x [1]",
    "b: *x",
    "Title: A screenplay",
    "    continued value",
    "INT. HOUSE - DAY #1#",
    "EXT. PIER - NIGHT",
    ".FORCED HEADING",
    "...ellipsis",
    "BOB",
    "@McCLANE (V.O.) ^",
    "(beat)",
    "(multi",
    "line)",
    "  ",
    "~la la la",
    "CUT TO:",
    "> Burn to White.",
    ">THE END<",
    "FADE OUT.",
    "FADE IN:",
    "!ACTION LINE",
    "= synopsis",
    "===",
    "[[note",
    "note]]",
    "/*",
    "*/",
    "*emphasis* and _under_ and \\*stars\\*",
    "[link](http://example.com)",
    '{"scenes": [{"narration": "x"}]}',
    '{"narration": "y", "duration": 99}',
    '{"picture": "a.jpg"}',
    "[",
    "]",
    "{",
    "}",
    "",
]

lines = st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=30))
documents = st.tuples(st.lists(lines, max_size=40), st.sampled_from(["\n", "\r\n", "\r"])).map(
    lambda parts: parts[1].join(parts[0])
)


def parse_or_error(source: str | bytes, script_format: ScriptFormat) -> ParsedScript | None:
    """Parse; a script error must be well formed, anything else fails the test by escaping."""
    try:
        script = parse_script(source, script_format)
    except ScriptParsingException as error:
        check_error(error, source)
        return None
    check_invariants(script)
    return script


def check_error(error: ScriptParsingException, source: str | bytes) -> None:
    details = error.details
    assert set(details) == {"line", "column", "text", "hint", "reason"}
    assert details["reason"] in REASONS
    assert details["line"] >= 1
    assert details["column"] >= 1
    assert len(details["text"]) <= EXCERPT_CHARS
    assert error.message.startswith(f"line {details['line']}: ")
    if isinstance(source, str) and details["reason"] != Reason.UNSUPPORTED_FORMAT:
        line_count = source.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        assert details["line"] <= line_count


def check_invariants(script: ParsedScript) -> None:
    assert MIN_SCENES <= len(script.scenes) <= MAX_SCENES
    assert script.title is None or 0 < len(script.title) <= MAX_TITLE_CHARS
    settings_ = script.settings
    assert settings_.fps is None or settings_.fps in FPS_CHOICES
    assert settings_.seed is None or 0 <= settings_.seed <= MAX_SEED
    assert settings_.style is None or len(settings_.style) <= MAX_STYLE_CHARS
    previous_line = 0
    for number, scene in enumerate(script.scenes, start=1):
        assert scene.number == number
        assert scene.line >= previous_line
        previous_line = scene.line
        assert len(scene.narration) <= MAX_NARRATION_CHARS
        assert 0 < len(scene.image_prompt) <= MAX_IMAGE_PROMPT_CHARS
        assert scene.title is None or 0 < len(scene.title) <= MAX_TITLE_CHARS
        assert scene.duration is None or MIN_SCENE_SECONDS <= scene.duration <= MAX_SCENE_SECONDS
        if scene.picture is not None:
            check_picture(scene.picture)


def check_picture(picture: PictureRef) -> None:
    segments = picture.path.split("/")
    assert all(segment not in ("", ".", "..") for segment in segments)
    assert "\\" not in picture.path
    assert picture.path.lower().endswith(PICTURE_SUFFIXES)
    assert len(picture.path) <= MAX_PICTURE_PATH_CHARS
    assert picture.line >= 1
    assert picture.column >= 1


@FUZZ
@given(text=st.text(max_size=400), script_format=st.sampled_from(FORMATS))
def test_fuzz_random_text_only_raises_script_errors(text: str, script_format: ScriptFormat) -> None:
    parse_or_error(text, script_format)


@FUZZ
@given(data=st.binary(max_size=400), script_format=st.sampled_from(FORMATS))
def test_fuzz_random_bytes_only_raise_script_errors(data: bytes, script_format: ScriptFormat) -> None:
    parse_or_error(data, script_format)


@FUZZ
@given(document=documents, script_format=st.sampled_from(FORMATS))
def test_fuzz_mixed_directive_lines_only_raise_script_errors(
    document: str, script_format: ScriptFormat
) -> None:
    parse_or_error(document, script_format)


FRONT_MATTER_KEYS = [
    *ScriptSettings.model_fields,
    "title",
    "Aspect Ratio",
    "colour",
    "Image",
    "- item",
    "? key",
]
one_line = st.text(alphabet=st.characters(exclude_characters="\n\r"), max_size=20)


@FUZZ
@given(
    first=st.sampled_from(list(ScriptSettings.model_fields)),
    entries=st.lists(
        st.tuples(st.sampled_from(FRONT_MATTER_KEYS), st.one_of(st.sampled_from(VOCABULARY), one_line))
    ),
)
def test_fuzz_nothing_but_front_matter_never_makes_a_scene(
    first: str, entries: list[tuple[str, str]]
) -> None:
    # The first line looks like a setting, so the block is front matter: valid or not, there is no scene.
    body = "\n".join(f"{key}: {value}" for key, value in [(first, ""), *entries])

    assert parse_or_error(f"---\n{body}\n---\n", ScriptFormat.MARKDOWN) is None


def json_values(leaves: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    )


scene_objects = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(st.none(), st.text(max_size=30), st.integers()),
        "narration": st.one_of(st.none(), st.text(max_size=60), st.booleans()),
        "image_prompt": st.one_of(st.none(), st.text(max_size=30)),
        "duration": st.one_of(st.none(), st.floats(allow_nan=True), st.integers(), st.text(max_size=8)),
        "transition": st.one_of(
            st.none(), st.sampled_from(["cut", "fade to black", "zoom", ""]), st.integers()
        ),
        "picture": st.one_of(
            st.none(), st.sampled_from(["a.jpg", " <my boat.PNG>", "../x.gif", ""]), st.text(max_size=20)
        ),
        "extra": json_values(st.integers()),
    },
)


@FUZZ
@given(
    document=st.fixed_dictionaries(
        {"scenes": st.one_of(st.lists(scene_objects, max_size=5), json_values(st.text(max_size=5)))},
        optional={
            "title": st.one_of(st.text(max_size=30), st.integers()),
            "settings": st.dictionaries(
                st.sampled_from(["fps", "seed", "style", "aspect_ratio", "colour"]),
                st.one_of(st.integers(), st.text(max_size=10), st.none()),
            ),
        },
    ),
    indent=st.sampled_from([None, 2]),
)
def test_fuzz_json_documents_only_raise_script_errors(
    document: dict[str, object], indent: int | None
) -> None:
    parse_or_error(json.dumps(document, indent=indent), ScriptFormat.JSON)


@FUZZ
@given(
    depth=st.integers(min_value=1, max_value=5000), opener=st.sampled_from(["[", "{", '{"a":', "[[", "/*"])
)
def test_fuzz_deep_nesting_in_every_format(depth: int, opener: str) -> None:
    closer = {"[": "]", "{": "}", '{"a":': "1}", "[[": "]]", "/*": "*/"}[opener]
    source = opener * depth + closer * depth
    for script_format in FORMATS:
        parse_or_error(source, script_format)


HUGE = 100 * 1024 - 10


@pytest.mark.parametrize(
    "source",
    [
        "a" * HUGE,
        "#" * HUGE,
        "## " + "#" * HUGE,
        "[" * HUGE,
        "[[" * (HUGE // 2),
        "/*" * (HUGE // 2),
        "{" * HUGE,
        '"' * HUGE,
        '"\\' * (HUGE // 2),
        "*" * HUGE,
        "*a _" * (HUGE // 4),
        "_" * HUGE,
        ">" * HUGE,
        "\\" * HUGE,
        "-" * HUGE,
        "![" * (HUGE // 2),
        "[](" * (HUGE // 3),
        "---\n" + "x: 1\n" * (HUGE // 5 - 2) + "---\n",
        "BOB\n" * (HUGE // 4),
        "\n" * HUGE,
        " " * HUGE,
        "Duration: " + "9" * HUGE,
        "INT. " + "A" * HUGE,
        "Title: " + "T" * HUGE,
    ],
    ids=lambda source: repr(source[:12]),
)
@pytest.mark.parametrize("script_format", FORMATS)
def test_fuzz_huge_single_pattern_inputs_finish(source: str, script_format: ScriptFormat) -> None:
    parse_or_error(source, script_format)
