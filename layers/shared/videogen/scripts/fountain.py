"""Fountain screenplays (https://fountain.io/syntax, version 1.1) read as scenes.

What each element becomes:

* **Title page** (``Key: value`` lines at the top, values may continue on lines indented by 3+ spaces or
  a tab, ended by a blank line): ``Title`` is the script title. Keys that name a videogen setting
  (``Style``, ``Aspect ratio``, ``Resolution``, ``FPS``, ``Seed``, ``Image provider``, ``Voice``, ``Music``)
  set it; other keys are ignored, as Fountain says.
* **Scene heading** (``INT``, ``EXT``, ``EST``, ``INT./EXT``, ``INT/EXT``, ``I/E`` then a dot or a space,
  any case; or forced with a single leading ``.`` followed by a letter or digit; after a blank line)
  starts a scene titled by the heading, without its ``#1A#`` scene number. A following blank line is not
  required. The image prompt reads the slug line as words (``EXT. PIER - NIGHT`` → ``Exterior, pier,
  night``).
* **Action** (anything else; forced with ``!``; centered ``>text<``) describes the picture: it feeds the
  image prompt, and it is the narration of a scene without dialogue.
* **Character** (an all-caps line after a blank line and before a non-blank one, ``(V.O.)``-style
  extensions and a dual-dialogue ``^`` allowed; forced with ``@``) with its **dialogue** becomes the
  narration line ``NAME: what is said`` (the name as written, without extension). **Parentheticals** are
  dropped. When a scene has dialogue, its narration is the dialogue (and lyrics) only, one paragraph per
  speech. A line of two or more spaces keeps a speech going across an "empty" line.
* **Lyrics** (``~``) are sung narration: they join the narration without a speaker.
* **Transition** (an all-caps line ending in ``TO:`` between blank lines, or forced with ``>``; also the
  all-caps ``FADE OUT.`` / ``FADE TO BLACK.`` / ``CUT TO BLACK.``) sets how the scene it ends hands over:
  black → fadeblack, DISSOLVE → dissolve, CUT → cut, WIPE → wipe, IRIS → circle, anything else fade. A
  transition before the first scene has nothing to end and is ignored, and so is ``FADE IN:``.
* **Notes** ``[[...]]`` and **boneyard** ``/* ... */`` are removed first (both may span lines; a note may
  not span an empty line, as in Fountain). An unclosed ``/*`` or ``[[`` is kept as text.
* **Picture notes** ``[[Picture: <path>]]`` (or ``Photo:``, any case) are the one kind of note read: the
  scene the note sits in (after its heading, before the next) shows the user's own JPEG, PNG or WebP file,
  relative to the script's folder, instead of a generated image; at most one per scene. A picture note
  before the first heading opens an untitled scene, as action does; one in the title page is ignored like
  any other note.
* **Sections** (``#``), **synopses** (``=``) and **page breaks** (``===``) are ignored.
* **Emphasis** markers (``*``, ``**``, ``_``) are stripped from all text; ``\\*`` keeps a literal star.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from videogen.domain.enums import ScriptFormat, Transition
from videogen.domain.models import PictureRef
from videogen.scripts.assembly import SceneDraft, build_script
from videogen.scripts.errors import FieldProblem, Location, Reason, problem_error, script_error
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.scene_values import PICTURE_KEYS, picture_at
from videogen.scripts.setting_values import SETTING_KEYS, normalize_setting_key, read_header
from videogen.scripts.text import clean_title, collapse, join_paragraphs, split_directive, strip_emphasis

# Bounded and unnested: a short key of letters, digits, spaces, then a colon.
_TITLE_KEY = re.compile(r"([A-Za-z][A-Za-z0-9 _'-]{0,40}):(.*)")
#: Slug line prefixes, longest first, and how an image prompt reads them.
_SLUG_PREFIXES: tuple[tuple[str, str], ...] = (
    ("INT./EXT", "interior and exterior"),
    ("INT/EXT", "interior and exterior"),
    ("I/E", "interior and exterior"),
    ("INT", "interior"),
    ("EXT", "exterior"),
    ("EST", "establishing shot"),
)
_BLACK_TRANSITIONS = ("FADE OUT", "FADE TO BLACK", "CUT TO BLACK")


def parse_fountain(text: str) -> ParsedScript:
    """Parse a decoded Fountain screenplay.

    Raises:
        ScriptParsingException: for any problem, at its line (see videogen.scripts.errors).
    """
    cleaned, notes = _without_notes_and_boneyard(text)
    lines = cleaned.split("\n")
    body_start, title, settings = _title_page(lines)
    pictures = [note for note in _picture_notes(text, notes) if note.at.line > body_start]
    drafts = _BodyReader(lines, body_start, pictures).read()
    return build_script(ScriptFormat.FOUNTAIN, title, settings, drafts)


# --- notes and boneyard ------------------------------------------------------------------------------


class _Finder:
    """Finds the next ``needle`` at or after a position that only ever moves forward.

    The answer is remembered until the position passes it, so a scan over the whole text costs one
    pass per needle however many times it asks (an unclosed ``[[`` repeated 50,000 times included).
    """

    def __init__(self, text: str, needle: str) -> None:
        self._text = text
        self._needle = needle
        self._found = -2  # not searched yet

    def next(self, start: int) -> int:
        """Index of the next needle at or after ``start``, or -1."""
        if self._found != -1 and self._found < start:
            self._found = self._text.find(self._needle, start)
        return self._found


def remove_notes_and_boneyard(text: str) -> str:
    """``text`` without ``[[notes]]`` and ``/* boneyard */``, their line breaks kept so line numbers hold."""
    return _without_notes_and_boneyard(text)[0]


def _without_notes_and_boneyard(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` without notes and boneyard, and the (start, end) offsets of each removed note's text."""
    notes: list[tuple[int, int]] = []
    if "[[" not in text and "/*" not in text:
        return text, notes
    note_open, note_close = _Finder(text, "[["), _Finder(text, "]]")
    bone_open, bone_close = _Finder(text, "/*"), _Finder(text, "*/")
    empty_line = _Finder(text, "\n\n")
    pieces: list[str] = []
    i = 0
    while True:
        note, bone = note_open.next(i), bone_open.next(i)
        if note == -1 and bone == -1:
            break
        if bone != -1 and (note == -1 or bone < note):
            end = bone_close.next(bone + 2)
            if end == -1:
                break  # an unclosed boneyard: the rest is text
            pieces.append(text[i:bone])
            pieces.append("\n" * text.count("\n", bone, end))
            i = end + 2
            continue
        end = note_close.next(note + 2)
        gap = empty_line.next(note + 2)
        if end == -1 or (gap != -1 and gap < end):
            pieces.append(text[i : note + 2])  # not a note: "[[" stays as text
            i = note + 2
            continue
        pieces.append(text[i:note])
        pieces.append("\n" * text.count("\n", note, end))
        notes.append((note + 2, end))
        i = end + 2
    pieces.append(text[i:])
    return "".join(pieces), notes


@dataclass(frozen=True, slots=True)
class _PictureNote:
    """A ``[[Picture: path]]`` note: the path as written and where it starts."""

    value: str
    at: Location


def _picture_notes(text: str, notes: list[tuple[int, int]]) -> list[_PictureNote]:
    """The picture notes among ``notes`` (in text order), placed in one pass over ``text``."""
    found: list[_PictureNote] = []
    source_lines: list[str] = []
    line, line_start, scanned = 1, 0, 0
    for start, end in notes:
        directive = split_directive(text[start:end], PICTURE_KEYS)
        if directive is None:
            continue
        offset = start + directive[2] - 1
        while offset < end and text[offset] in " \t\n":  # "[[Picture:" with the path on the next line
            offset += 1
        newlines = text.count("\n", scanned, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", scanned, offset) + 1
        scanned = offset
        source_lines = source_lines or text.split("\n")
        found.append(
            _PictureNote(text[offset:end], Location(line, offset - line_start + 1, source_lines[line - 1]))
        )
    return found


# --- title page --------------------------------------------------------------------------------------


def _title_page(lines: list[str]) -> tuple[int, str | None, ScriptSettings]:
    """Where the body starts, and the title and settings of the title page (if the script has one)."""
    none: tuple[int, str | None, ScriptSettings] = (0, None, ScriptSettings())
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    entries: list[tuple[str, int, int, list[str]]] = []  # key, line index, value column, value lines
    end = start
    while end < len(lines) and lines[end].strip():
        line = lines[end]
        if line[:1] in (" ", "\t"):
            if not entries or not line.startswith(("   ", "\t")):
                return none
            entries[-1][3].append(line.strip())
        else:
            match = _TITLE_KEY.fullmatch(line)
            if match is None:
                return none  # the first paragraph is not all "Key: value": there is no title page
            value = match.group(2)
            column = match.start(2) + len(value) - len(value.lstrip()) + 1
            entries.append((match.group(1), end, column, [value.strip()] if value.strip() else []))
        end += 1
    if not entries:
        return none
    header: list[tuple[str, str | None, Location]] = []
    for raw_key, index, column, value_lines in entries:
        key = normalize_setting_key(raw_key)
        if key == "title" or key in SETTING_KEYS:  # other keys are the screenplay's, as Fountain says
            words = [strip_emphasis(value) for value in value_lines] if key == "title" else value_lines
            header.append((key, " ".join(words), Location(index + 1, column, lines[index])))
    title, settings = read_header(header)
    return end, title, settings


# --- body --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Scene:
    """A scene being read: what it shows and what is said in it."""

    line: int
    text: str
    title: str | None = None
    prompt_title: str | None = None
    action: list[str] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    transition: Transition = Transition.FADE
    picture: PictureRef | None = None

    def draft(self) -> SceneDraft:
        """The scene as the common assembly takes it: dialogue narrates when there is any."""
        return SceneDraft(
            line=self.line,
            text=self.text,
            title=self.title,
            prompt_title=self.prompt_title,
            paragraphs=self.spoken or self.action,
            prompt_text=join_paragraphs(self.action) if self.spoken and self.action else None,
            transition=self.transition,
            picture=self.picture,
        )


class _BodyReader:
    """Reads the lines after the title page into scenes, element by element."""

    def __init__(self, lines: list[str], start: int, pictures: list[_PictureNote]) -> None:
        self._lines = lines
        self._start = start
        self._pictures = pictures
        self._next_picture = 0
        self._scenes: list[_Scene] = []
        self._current: _Scene | None = None
        self._action: list[str] = []
        self._lyrics: list[str] = []
        self._heading_index = -2

    def read(self) -> list[SceneDraft]:
        """The scene drafts of the screenplay."""
        i = self._start
        while i < len(self._lines):
            i = self._element(i)
            self._place_pictures(before_line=i + 1)
        self._flush()
        return [scene.draft() for scene in self._scenes]

    def _place_pictures(self, before_line: int) -> None:
        """Give the picture notes above ``before_line`` (1-based) to the open scene, or open one for them."""
        while self._next_picture < len(self._pictures):
            note = self._pictures[self._next_picture]
            if note.at.line >= before_line:
                return
            self._next_picture += 1
            if self._current is None:
                self._current = _Scene(line=note.at.line, text=note.at.text)
                self._scenes.append(self._current)
            if self._current.picture is not None:
                raise script_error(
                    Reason.DUPLICATE_DIRECTIVE,
                    "this scene already has a Picture note",
                    "keep one of the two notes",
                    note.at,
                )
            try:
                self._current.picture = picture_at(note.value, note.at)
            except FieldProblem as problem:
                raise problem_error(problem, note.at) from None

    def _blank(self, i: int) -> bool:
        """Whether line ``i`` is empty; the title page and both ends of the text count as empty."""
        return i < self._start or i >= len(self._lines) or not self._lines[i].strip()

    def _element(self, i: int) -> int:
        """Read the element starting at line ``i``; returns the index of the line after it."""
        raw = self._lines[i]
        text = raw.strip()
        if not text:
            self._flush()
            return i + 1
        # A scene heading counts as the blank line a character cue needs: headings directly followed by
        # a cue are common, and a heading is never dialogue.
        after_blank = self._blank(i - 1) or self._heading_index == i - 1
        first = text[0]
        if first in "#=":  # sections, synopses and page breaks
            self._flush()
        elif first == "!":
            self._add(i, text[1:])
        elif first == "@":
            return self._dialogue(i, text[1:])
        elif first == "~":
            self._add(i, text[1:], lyric=True)
        elif first == ">":
            if text.endswith("<") and len(text) > 1:
                self._add(i, text[1:-1])
            else:
                self._transition(text[1:])
        elif after_blank and _is_scene_heading(text):
            self._heading(i, text[1:] if first == "." else text)
        elif _is_caps(text) and text.rstrip(":. ").upper() == "FADE IN":
            self._flush()  # the conventional opening, not a transition into anything
        elif after_blank and self._blank(i + 1) and _is_transition(text):
            self._transition(text)
        elif after_blank and not self._blank(i + 1) and _is_character(text):
            return self._dialogue(i, text)
        else:
            self._add(i, text)
        return i + 1

    def _scene(self, i: int) -> _Scene:
        """The open scene; an untitled one starting at line ``i`` when none is open yet."""
        if self._current is None:
            self._current = _Scene(line=i + 1, text=self._lines[i])
            self._scenes.append(self._current)
        return self._current

    def _flush(self) -> None:
        """Close the action paragraph and the lyric being read."""
        self._close(lyric=False)
        self._close(lyric=True)

    def _close(self, *, lyric: bool) -> None:
        """Add the lyric (or the action paragraph) being read to the open scene."""
        pending = self._lyrics if lyric else self._action
        if pending and self._current is not None:
            (self._current.spoken if lyric else self._current.action).append(" ".join(pending))
        pending.clear()

    def _add(self, i: int, text: str, *, lyric: bool = False) -> None:
        """Read a line of action (or of a lyric), which closes the lyric (or the action) being read."""
        self._close(lyric=not lyric)
        cleaned = _clean(text)
        if cleaned:
            self._scene(i)
            (self._lyrics if lyric else self._action).append(cleaned)

    def _heading(self, i: int, heading: str) -> None:
        """Start a scene at a scene heading."""
        self._flush()
        raw = self._lines[i]
        try:
            title = clean_title(_without_scene_number(heading))
        except FieldProblem as problem:
            raise problem_error(problem, Location(i + 1, 1, raw)) from None
        self._current = _Scene(line=i + 1, text=raw, title=title, prompt_title=_slug_words(title or ""))
        self._scenes.append(self._current)
        self._heading_index = i

    def _transition(self, text: str) -> None:
        """Set how the open scene ends."""
        self._flush()
        if self._current is not None:
            self._current.transition = _transition(text)

    def _dialogue(self, i: int, cue: str) -> int:
        """Read a character cue and its dialogue; returns the index of the line after the speech."""
        self._flush()
        scene = self._scene(i)
        speaker = _clean(cue.rstrip().removesuffix("^").split("(", 1)[0])
        words: list[str] = []
        in_parenthetical = False
        j = i + 1
        while j < len(self._lines):
            line = self._lines[j]
            text = line.strip()
            if not text:
                if len(line) < 2:
                    break
                j += 1  # two spaces: Fountain's way of keeping a speech going over an empty line
                continue
            if in_parenthetical or text.startswith("("):
                in_parenthetical = not text.endswith(")")
            else:
                words.append(_clean(text.removeprefix("~")))
            j += 1
        speech = collapse(" ".join(words))
        if speech:
            scene.spoken.append(f"{speaker}: {speech}" if speaker else speech)
        return j


def _clean(text: str) -> str:
    """Screenplay text as it is read aloud: no emphasis markers, whitespace collapsed."""
    return collapse(strip_emphasis(text))


def _is_caps(text: str) -> bool:
    """Whether ``text`` has capital letters and no small ones."""
    return any(c.isupper() for c in text) and not any(c.islower() for c in text)


def _is_scene_heading(text: str) -> bool:
    """Whether a line (after a blank line) is a scene heading, natural or forced."""
    if text.startswith("."):
        return len(text) > 1 and text[1].isalnum()
    upper = text.upper()
    return any(
        upper.startswith(prefix) and len(upper) > len(prefix) and upper[len(prefix)] in ". "
        for prefix, _ in _SLUG_PREFIXES
    )


def _is_transition(text: str) -> bool:
    """Whether a line (between blank lines) is a natural transition."""
    return _is_caps(text) and (text.endswith("TO:") or text.rstrip(".: ") in _BLACK_TRANSITIONS)


def _is_character(text: str) -> bool:
    """Whether a line (after a blank line, before a non-blank one) is a character cue."""
    return _is_caps(text.rstrip().removesuffix("^").split("(", 1)[0])


def _transition(text: str) -> Transition:
    """The Transition a Fountain transition line means (never an error: unknown ones fade)."""
    words = collapse(text.upper()).rstrip(".: ")
    if "BLACK" in words or words.startswith("FADE OUT"):
        return Transition.FADE_BLACK
    for keyword, transition in (
        ("DISSOLVE", Transition.DISSOLVE),
        ("CUT", Transition.CUT),
        ("WIPE", Transition.WIPE),
        ("IRIS", Transition.CIRCLE),
    ):
        if keyword in words:
            return transition
    return Transition.FADE


def _without_scene_number(heading: str) -> str:
    """A scene heading without a trailing ``#1A#`` scene number."""
    text = heading.strip()
    if text.endswith("#"):
        start = text.rfind("#", 0, len(text) - 1)
        number = text[start + 1 : -1]
        if start >= 0 and number and all(c.isalnum() or c in "-." for c in number):
            return text[:start]
    return text


def _slug_words(title: str) -> str:
    """A slug line read as words for an image prompt: ``EXT. PIER - NIGHT`` → ``Exterior, pier, night``."""
    upper = title.upper()
    parts: list[str] = []
    rest = title
    for prefix, meaning in _SLUG_PREFIXES:
        if upper.startswith(prefix) and (len(title) == len(prefix) or title[len(prefix)] in ". "):
            parts.append(meaning)
            rest = title[len(prefix) :].lstrip(". ")
            break
    for part in rest.replace(" — ", " - ").replace(" – ", " - ").split(" - "):
        words = collapse(part)
        if words:
            parts.append(words.lower() if _is_caps(words) else words)
    phrase = ", ".join(parts)
    return phrase[:1].upper() + phrase[1:]
