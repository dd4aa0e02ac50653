"""Markdown scripts (the default format): front matter, ``##`` scenes, directives, narration.

The shape, and the choices made where Markdown leaves room:

* **Front matter** — YAML between a first line ``---`` and the next ``---`` (or ``...``) line, when its
  first line that is neither blank nor a ``#`` comment looks like ``key:`` (only blank lines between:
  empty front matter); otherwise a leading ``---`` is an ordinary scene break. Keys
  (case-insensitive, ``-`` or space for ``_``): ``title``, ``aspect_ratio``, ``resolution``, ``fps``,
  ``style``, ``image_provider``, ``seed``, ``voice``, ``music``. Values are read as written (so
  ``aspect_ratio: 16:9`` is the text ``16:9``, not YAML 1.1's sexagesimal 969). At most 8 KB, a flat
  mapping, no anchors, aliases or tags.
* **Title** — ``title`` from front matter; else a ``# Title`` heading that is the first thing after it.
  A later ``#`` heading starts a scene like ``##``.
* **Scenes** — start at every heading of level 2 or deeper (its text is the scene title) and at every
  thematic break (``---``, ``***``, ``___``). Text before the first scene is the narration of a first,
  untitled scene. A break with nothing after it before the next scene adds nothing.
* **Directives** — lines ``Image: ...`` (or ``Image prompt:``), ``Duration: ...``, ``Transition: ...`` and
  ``Picture: <path>`` (or ``Photo:``), key case-insensitive (``**Image:**`` bold keys too), each at most
  once per scene. A directive line also ends the paragraph it interrupts. ``Picture:`` names the user's
  own JPEG, PNG or WebP file, relative to the script's folder (``photos/harbour.jpg``, quotes or
  ``<...>`` around it allowed), shown instead of a generated image; a scene may hold only a picture.
* **Narration** — every other line. Lines of a paragraph join with a space, paragraphs with a blank line.
  Inline Markdown is undone for the voice: emphasis markers, backticks, ``[text](url)`` links (their
  text stays), and leading ``>`` quote and ``-``/``*``/``+`` bullet markers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from videogen.domain.enums import ScriptFormat
from videogen.scripts.assembly import SceneDraft, build_script
from videogen.scripts.errors import FieldProblem, Location, Reason, problem_error, script_error
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.scene_values import PICTURE_KEYS, parse_duration, parse_transition, picture_at
from videogen.scripts.setting_values import SETTING_KEYS, normalize_setting_key, read_header
from videogen.scripts.text import (
    clean_image_prompt,
    clean_title,
    collapse,
    split_directive,
    strip_emphasis,
)

if TYPE_CHECKING:
    from yaml.nodes import Node

#: Front matter is a handful of settings; a cap keeps YAML's work (and any trick in it) small.
MAX_FRONT_MATTER_BYTES = 8 * 1024
#: Settings are flat; a little nesting is allowed so a list value gets a clear "must be a single value".
MAX_FRONT_MATTER_DEPTH = 8

# Bounded and unnested: an identifier-like key then a colon.
_YAML_KEY = re.compile(r"[A-Za-z_][\w -]{0,40}:(?:\s|$)")
# Each "[" only scans to the next bracket, so repeated brackets cannot make this quadratic.
_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\s]*\)")
_DIRECTIVES = {
    "image": "image",
    "image prompt": "image",
    "duration": "duration",
    "transition": "transition",
    **PICTURE_KEYS,
}
_FRONT_MATTER_HINT = "write one `key: value` setting per line between the two `---` lines"
_YAML_NULL = "tag:yaml.org,2002:null"


def parse_markdown(text: str) -> ParsedScript:
    """Parse a decoded Markdown script.

    Raises:
        ScriptParsingException: for any problem, at its line (see videogen.scripts.errors).
    """
    lines = text.split("\n")
    body_start, title, settings = _front_matter(lines)
    reader = _BodyReader(lines, has_title=title is not None)
    drafts = reader.read(body_start)
    empty_at = Location(min(body_start + 1, len(lines)), 1, "")
    return build_script(ScriptFormat.MARKDOWN, title or reader.title, settings, drafts, empty_at)


# --- front matter ------------------------------------------------------------------------------------


def _front_matter(lines: list[str]) -> tuple[int, str | None, ScriptSettings]:
    """Where the body starts, and the title and settings the front matter gives (if there is any)."""
    if not lines or lines[0].rstrip() != "---":
        return 0, None, ScriptSettings()
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        return 0, None, ScriptSettings()
    content = [line for line in lines[1:close] if line.strip()]
    first_key = next((line for line in content if not line.lstrip().startswith("#")), None)
    if content and (first_key is None or not _YAML_KEY.match(first_key)):
        # "---" then prose (or a "# Heading"): a scene break at the top, not front matter.
        return 0, None, ScriptSettings()
    # YAML also breaks lines at U+2028/U+2029; as spaces they keep its line numbers equal to ours.
    yaml_text = "\n".join(lines[1:close]).replace("\u2028", " ").replace("\u2029", " ")
    if len(yaml_text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise script_error(
            Reason.INVALID_FRONT_MATTER,
            f"the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KB",
            "keep only the settings in the front matter; scene text goes after the closing ---",
            Location(1, 1, lines[0]),
        )
    title, settings = read_header(_front_matter_values(yaml_text, lines))
    return close + 1, title, settings


def _front_matter_values(yaml_text: str, lines: list[str]) -> Iterator[tuple[str, str | None, Location]]:
    """Each front matter entry as (key, value text, where the value is); a key set twice is an error."""
    seen: set[str] = set()
    for key, key_at, value_at, node in _front_matter_entries(yaml_text, lines):
        if key in seen:
            raise script_error(
                Reason.INVALID_FRONT_MATTER, f'"{key}" is set twice', "keep one of the two lines", key_at
            )
        seen.add(key)
        yield key, _scalar_text(node, key, value_at), value_at


def _front_matter_entries(yaml_text: str, lines: list[str]) -> list[tuple[str, Location, Location, Node]]:
    """The (normalized key, key location, value location, value node) of each front matter entry.

    The YAML is scanned first to refuse anchors, aliases, tags and deep nesting (so no alias bomb and no
    deep recursion reaches the composer), then composed into nodes, which keep their line numbers and
    the scalars' text as written.
    """
    import yaml  # noqa: PLC0415 - 9 ms of the API's cold start: only scripts with front matter pay it

    def place(mark: yaml.Mark | None) -> Location:
        # Front matter starts on line 2 of the script (after the opening ---); marks count from 0.
        line = (mark.line if mark else 0) + 2
        return Location(line, (mark.column if mark else 0) + 1, lines[line - 1] if line <= len(lines) else "")

    try:
        depth = 0
        for token in yaml.scan(yaml_text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken | yaml.TagToken):
                raise script_error(
                    Reason.INVALID_FRONT_MATTER,
                    "front matter may not use YAML anchors (&), aliases (*) or tags (!)",
                    "write each value out in full",
                    place(token.start_mark),
                )
            if isinstance(
                token,
                yaml.BlockMappingStartToken
                | yaml.BlockSequenceStartToken
                | yaml.FlowMappingStartToken
                | yaml.FlowSequenceStartToken,
            ):
                depth += 1
                if depth > MAX_FRONT_MATTER_DEPTH:
                    raise script_error(
                        Reason.INVALID_FRONT_MATTER,
                        "the front matter nests too deeply",
                        _FRONT_MATTER_HINT,
                        place(token.start_mark),
                    )
            elif isinstance(token, yaml.BlockEndToken | yaml.FlowMappingEndToken | yaml.FlowSequenceEndToken):
                depth -= 1
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise script_error(
            Reason.INVALID_FRONT_MATTER,
            f"the front matter is not valid YAML ({exc.problem or exc.context or 'syntax error'})",
            _FRONT_MATTER_HINT,
            place(exc.problem_mark or exc.context_mark),
        ) from None
    except yaml.YAMLError:
        raise script_error(
            Reason.INVALID_FRONT_MATTER, "the front matter is not valid YAML", _FRONT_MATTER_HINT, place(None)
        ) from None
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise script_error(
            Reason.INVALID_FRONT_MATTER,
            "the front matter must be `key: value` settings",
            _FRONT_MATTER_HINT,
            place(root.start_mark),
        )
    entries: list[tuple[str, Location, Location, Node]] = []
    for key_node, value_node in root.value:
        key_at = place(key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            raise script_error(
                Reason.INVALID_FRONT_MATTER, "a setting name must be plain text", _FRONT_MATTER_HINT, key_at
            )
        key = normalize_setting_key(key_node.value)
        if key != "title" and key not in SETTING_KEYS:
            raise problem_error(_unknown_setting(key_node.value), key_at)
        value_mark = value_node.start_mark if value_node.start_mark.line == key_node.start_mark.line else None
        entries.append((key, key_at, place(value_mark) if value_mark else key_at, value_node))
    return entries


def _unknown_setting(key: str) -> FieldProblem:
    """The unknown_setting problem for a front matter key (with ``title`` among the known ones)."""
    return FieldProblem(
        Reason.UNKNOWN_SETTING,
        f'"{collapse(key)[:40]}" is not a setting videogen knows',
        "front matter settings are: title, "
        + ", ".join(SETTING_KEYS)
        + "; scene directives (Image:, Duration:, Transition:, Picture:) go inside a scene",
    )


def _scalar_text(node: Node, key: str, at: Location) -> str | None:
    """The text of a scalar value as written (None for an empty or null one)."""
    import yaml  # noqa: PLC0415 - as above

    if not isinstance(node, yaml.ScalarNode):
        raise script_error(
            Reason.INVALID_SETTING,
            f"{key} must be a single value, not a list or mapping",
            f"fix the value of {key}",
            at,
        )
    if node.tag == _YAML_NULL:
        return None
    return str(node.value)


# --- body --------------------------------------------------------------------------------------------


class _BodyReader:
    """Reads the lines after the front matter into scene drafts."""

    def __init__(self, lines: list[str], has_title: bool) -> None:
        self.lines = lines
        self.title: str | None = None
        self._title_taken = has_title
        self._drafts: list[SceneDraft] = []
        self._current: SceneDraft | None = None
        self._paragraph: list[str] = []

    def read(self, start: int) -> list[SceneDraft]:
        """The scene drafts of the body, from line index ``start`` on."""
        first_content = True
        for index in range(start, len(self.lines)):
            raw = self.lines[index]
            line_no = index + 1
            if not raw.strip():
                self._end_paragraph()
                continue
            may_be_title = first_content
            first_content = False
            heading = _atx_heading(raw)
            if heading is not None:
                level, heading_text = heading
                if level == 1 and may_be_title:
                    title = _clean_title_at(_inline(heading_text), Location(line_no, 1, raw))
                    if not self._title_taken:
                        self.title = title
                    continue
                self._start_scene(
                    line_no, raw, _clean_title_at(_inline(heading_text), Location(line_no, 1, raw))
                )
                continue
            if _is_thematic_break(raw):
                self._end_paragraph()
                self._current = None
                continue
            directive = split_directive(raw, _DIRECTIVES)
            if directive is not None:
                self._apply(directive, line_no, raw)
                continue
            narration = _inline(raw)
            if narration:
                self._scene(line_no, raw)
                self._paragraph.append(narration)
        self._end_paragraph()
        return self._drafts

    def _start_scene(self, line_no: int, raw: str, title: str | None) -> None:
        """Open a new scene at a heading."""
        self._end_paragraph()
        self._current = SceneDraft(line=line_no, text=raw, title=title)
        self._drafts.append(self._current)

    def _scene(self, line_no: int, raw: str) -> SceneDraft:
        """The open scene; one starting here when there is none (before any heading, after a break)."""
        if self._current is None:
            self._current = SceneDraft(line=line_no, text=raw)
            self._drafts.append(self._current)
        return self._current

    def _end_paragraph(self) -> None:
        """Close the paragraph being read into the open scene."""
        if self._paragraph and self._current is not None:
            self._current.paragraphs.append(" ".join(self._paragraph))
        self._paragraph = []

    def _apply(self, directive: tuple[str, str, int], line_no: int, raw: str) -> None:
        """Set a directive on the open scene."""
        self._end_paragraph()
        name, value, column = directive
        at = Location(line_no, column, raw)
        scene = self._scene(line_no, raw)
        if name in scene.directives:
            raise script_error(
                Reason.DUPLICATE_DIRECTIVE,
                f"this scene already has a {name.capitalize()} line",
                "keep one of the two lines",
                at,
            )
        scene.directives.add(name)
        scene.must_have_content = True
        try:
            if name == "image":
                scene.image_prompt = clean_image_prompt(value)
            elif name == "duration":
                scene.duration = parse_duration(value)
            elif name == "picture":
                scene.picture = picture_at(value, at)
            else:
                scene.transition = parse_transition(value)
        except FieldProblem as problem:
            raise problem_error(problem, at) from None


def _clean_title_at(raw: str, at: Location) -> str | None:
    """A heading's title, or a title_too_long error at its line."""
    try:
        return clean_title(raw)
    except FieldProblem as problem:
        raise problem_error(problem, at) from None


def _atx_heading(raw: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line (``## Text ##``), or None."""
    body = raw.lstrip(" ")
    if len(raw) - len(body) > 3 or not body.startswith("#"):
        return None
    level = len(body) - len(body.lstrip("#"))
    rest = body[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    text = rest.strip()
    # An optional closing run of "#" goes, if a space separates it from the text.
    core = text.rstrip("#")
    if not core:
        text = ""
    elif core != text and core[-1] in " \t":
        text = core.rstrip()
    return level, text


def _is_thematic_break(raw: str) -> bool:
    """Whether the line is ``---``, ``***`` or ``___`` (three or more, spaces allowed between)."""
    marks = raw.replace(" ", "").replace("\t", "")
    return len(marks) >= 3 and marks[0] in "-*_" and marks == marks[0] * len(marks)


def _inline(raw: str) -> str:
    """A narration or heading line without its Markdown markup, whitespace collapsed."""
    # One lstrip for any depth of quoting: a loop of slices would be quadratic on a line of ">".
    text = raw.strip().lstrip("> \t")
    if text[:2] in ("- ", "* ", "+ "):
        text = text[2:]
    text = _LINK.sub(r"\1", text).replace("`", "")
    return collapse(strip_emphasis(text))
