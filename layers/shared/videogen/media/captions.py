"""Captions: narration split into readable phrases, their look, and the SRT, WebVTT and ASS files.

When each cue shows is ``videogen.media.timeline``'s (by the voice, or by reading time); this module says
what a cue reads and how it is written, in whichever format. Pure functions: no I/O, no heavy imports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from typing import TYPE_CHECKING, Final, NamedTuple

from videogen.domain.enums import CaptionOutline, CaptionPosition, CaptionSize
from videogen.domain.text import one_line, split_sentences
from videogen.fonts import ROBOTO_FAMILY, roboto_file

if TYPE_CHECKING:
    from videogen.domain.settings import CaptionOptions

#: A scene title fades in and out over this long (a quarter of its time on screen at most).
TITLE_FADE_MS: Final = 300
#: Netflix/BBC-style limits: two lines of at most 42 characters each.
MAX_LINE_CHARS: Final = 42
MAX_LINES: Final = 2

#: Family name of Pillow's built-in scalable font, which the assembler hands to libass as a font file.
DEFAULT_FONT_NAME: Final = "Aileron"
#: Average advance of a character of running text, in em, for that font (measured: 0.45; rounded up) and
#: for the bundled Roboto Medium (0.44). libass draws a font about 25% smaller than its em (it sizes by
#: ascent + descent), so wrapped lines keep room to spare.
_AVERAGE_CHAR_EM: Final = 0.5
#: Font size relative to the automatic size for the frame shape.
_SIZE_SCALE: Final = {CaptionSize.SMALL: 0.8, CaptionSize.MEDIUM: 1.0, CaptionSize.LARGE: 1.25}
#: Outline width in em of the font size, and the least width in pixels (medium is the automatic look).
_OUTLINE_WIDTH: Final = {
    CaptionOutline.THIN: (0.04, 0.5),
    CaptionOutline.MEDIUM: (0.08, 1.0),
    CaptionOutline.THICK: (0.14, 2.0),
}
#: ASS alignment (numpad layout): bottom, middle or top centre.
_ALIGNMENT: Final = {CaptionPosition.BOTTOM: 2, CaptionPosition.MIDDLE: 5, CaptionPosition.TOP: 8}
#: ASS BorderStyle: 1 outline and drop shadow; 4 (libass) one box around the whole cue, in BackColour,
#: reaching ``shadow`` pixels past the text. (3 boxes each line: semi-transparent boxes overlap darker.)
BORDER_OUTLINE: Final = 1
BORDER_BOX: Final = 4
#: ASS colours are &HAABBGGRR, alpha 00 opaque: a half-transparent shadow, a three-quarters opaque box.
_SHADOW_COLOUR: Final = "&H80000000"
_BOX_COLOUR: Final = "&H40000000"

_CLAUSE_END = re.compile(r"[,;:—–]+[\"'”’)\]]*$|^[-—–]$")
_ARROW = re.compile(r"-{2,}>")


class Cue(NamedTuple):
    """One caption on screen from ``start`` to ``end`` seconds; lines of ``text`` are separated by "\\n"."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class CaptionStyle:
    """How burnt-in captions look, in pixels of the output frame."""

    font_name: str
    font_size: int
    outline: float
    shadow: float
    margin_v: int
    margin_h: int
    max_line_chars: int
    bold: bool = False
    #: ASS Alignment: 2 bottom, 5 middle, 8 top (centred).
    alignment: int = 2
    border_style: int = BORDER_OUTLINE
    #: The shadow colour, or the box colour with ``BORDER_BOX``.
    back_colour: str = _SHADOW_COLOUR


# --- phrases and lines --------------------------------------------------------------------------------------


def wrap_lines(text: str, max_chars: int = MAX_LINE_CHARS) -> list[str]:
    """Break ``text`` into as few lines of at most ``max_chars`` as possible, balanced in length.

    Lines are made about equally long rather than filled greedily; a break after a comma or other clause
    mark is preferred, and the last line is never a single word when the text has three words or more.
    A word longer than ``max_chars`` gets a line of its own (never split inside a word).
    """
    words = one_line(text).split(" ")
    if words == [""]:
        return []
    if len(" ".join(words)) <= max_chars:
        return [" ".join(words)]
    count = _greedy_line_count(words, max_chars)
    return _balanced(words, max_chars, count)


def split_phrases(text: str, max_line_chars: int = MAX_LINE_CHARS, max_lines: int = MAX_LINES) -> list[str]:
    """Split narration into cue texts of at most ``max_lines`` wrapped lines each ("\\n" between lines).

    Sentences are ``videogen.domain.text.split_sentences``'s, the ones a voice speaks, so a cue never
    breaks at a full stop that ends no sentence ("Mr.", "U.S.", "at 3 a.m. the"). Long sentences break at
    clause marks where possible, into chunks of similar length, and never leave a single word alone in a
    cue. A short sentence joins the cue before it only when the two share one line or each keeps lines of
    its own, so no line runs from one sentence into the next.
    """
    phrases: list[list[str]] = []  # each phrase as its lines
    for sentence in split_sentences(text):
        for index, chunk in enumerate(_chunk_sentence(sentence.split(" "), max_line_chars, max_lines)):
            lines = wrap_lines(" ".join(chunk), max_line_chars)
            if index == 0 and phrases:
                joined = " ".join([*phrases[-1], *lines])
                if len(joined) <= max_line_chars:
                    phrases[-1] = [joined]
                    continue
                if len(phrases[-1]) + len(lines) <= max_lines:
                    phrases[-1] = [*phrases[-1], *lines]
                    continue
            phrases.append(lines)
    return ["\n".join(lines) for lines in phrases]


def _fits(words: Sequence[str], max_line_chars: int, max_lines: int) -> bool:
    # wrap_lines uses as many lines as a greedy fill needs, so the cheap greedy count decides.
    return _greedy_line_count(words, max_line_chars) <= max_lines


def _chunk_sentence(words: list[str], max_line_chars: int, max_lines: int) -> list[list[str]]:
    """Split one sentence into the fewest cues that fit, then the most even ones, breaking at clauses."""
    if _fits(words, max_line_chars, max_lines):
        return [words]
    capacity = max_line_chars * max_lines
    count = len(words)
    # best[i] = (cost, cut) of the best split of words[i:]; a dynamic programme over cut positions.
    best: list[tuple[float, int]] = [(math.inf, count)] * count + [(0.0, count)]
    for i in range(count - 1, -1, -1):
        for j in range(i + 1, count + 1):
            chunk = words[i:j]
            if j > i + 1 and not _fits(chunk, max_line_chars, max_lines):
                break
            chars = len(" ".join(chunk))
            cost = 1.0 + ((capacity - chars) / capacity) ** 2
            if j < count and not _CLAUSE_END.search(words[j - 1]):
                cost += 0.35
            if len(chunk) == 1:
                cost += 3.0
            total = cost + best[j][0]
            if total < best[i][0]:
                best[i] = (total, j)
    chunks: list[list[str]] = []
    i = 0
    while i < count:
        j = best[i][1]
        chunks.append(words[i:j])
        i = j
    return chunks


def _greedy_line_count(words: Sequence[str], max_chars: int) -> int:
    lines, length = 1, -1
    for word in words:
        if length >= 0 and length + 1 + len(word) > max_chars:
            lines, length = lines + 1, len(word)
        else:
            length += 1 + len(word)
    return lines


def _balanced(words: Sequence[str], max_chars: int, lines: int) -> list[str]:
    """``words`` in exactly ``lines`` lines, minimising the squared slack of every line (so: even lines)."""
    count = len(words)
    prefix = [0]
    for word in words:
        prefix.append(prefix[-1] + len(word))

    def width(i: int, j: int) -> int:
        return prefix[j] - prefix[i] + (j - i - 1)

    # cost[k][i]: best cost of setting words[i:] in k lines; choice[k][i]: where the first of them ends.
    inf = math.inf
    cost = [[inf] * (count + 1) for _ in range(lines + 1)]
    choice = [[count] * (count + 1) for _ in range(lines + 1)]
    cost[0][count] = 0.0
    for k in range(1, lines + 1):
        for i in range(count - 1, -1, -1):
            for j in range(i + 1, count - k + 2):
                w = width(i, j)
                if w > max_chars and j > i + 1:
                    break
                rest = cost[k - 1][j]
                if rest == inf:
                    continue
                line_cost = float(max(max_chars - w, 0) ** 2)
                if w > max_chars:
                    line_cost += 10_000.0 * (w - max_chars)
                if k == 1 and j - i == 1 and count >= 3:
                    line_cost += 5_000.0  # an orphan: one word alone on the last line
                if k > 1 and _CLAUSE_END.search(words[j - 1]):
                    line_cost -= 2 * max_chars  # a break at a clause reads better
                if line_cost + rest < cost[k][i]:
                    cost[k][i] = line_cost + rest
                    choice[k][i] = j
    result: list[str] = []
    i = 0
    for k in range(lines, 0, -1):
        j = choice[k][i]
        result.append(" ".join(words[i:j]))
        i = j
    return result


# --- writers ------------------------------------------------------------------------------------------------


def to_srt(cues: Sequence[Cue]) -> str:
    """The cues as a SubRip (.srt) document."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        lines = [_ARROW.sub("->", line) for line in _lines(cue.text)]
        blocks.append(f"{number}\n{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}\n" + "\n".join(lines))
    return "".join(f"{block}\n\n" for block in blocks)


def to_vtt(cues: Sequence[Cue]) -> str:
    """The cues as a WebVTT (.vtt) document; text is escaped so it can never read as markup or timing."""
    blocks = ["WEBVTT"]
    for cue in cues:
        lines = [_vtt_escape(line) for line in _lines(cue.text)]
        blocks.append(f"{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}\n" + "\n".join(lines))
    return "".join(f"{block}\n\n" for block in blocks)


def overlay_font_name() -> str:
    """The family the overlay's ASS document names: the bundled Roboto, else Pillow's built-in font."""
    return ROBOTO_FAMILY if roboto_file() is not None else DEFAULT_FONT_NAME


def caption_style(
    width: int, height: int, options: CaptionOptions | None = None, *, font_name: str = DEFAULT_FONT_NAME
) -> CaptionStyle:
    """Burn-in style for a frame: font size by frame height and shape, 6% safe margins, wrapped to fit.

    Portrait frames are narrow, so their font is smaller relative to height and their lines shorter.
    ``options`` (the user's position, size and outline) default to bottom, medium size, medium outline.
    Lines hold as many characters as fit the width between the side margins at the chosen size.
    """
    position = options.position if options else CaptionPosition.BOTTOM
    size = options.size if options else CaptionSize.MEDIUM
    outline = options.outline if options else CaptionOutline.MEDIUM
    aspect = width / height
    if aspect >= 1.3:
        ratio = 0.055
    elif aspect >= 0.8:
        ratio = 0.05
    else:
        ratio = 0.034
    font_size = max(8, round(height * ratio * _SIZE_SCALE[size]))
    margin_h = round(width * 0.06)
    safe_width = width - 2 * margin_h
    text_width: float = safe_width
    border_style, back_colour = BORDER_OUTLINE, _SHADOW_COLOUR
    if outline is CaptionOutline.NONE:
        outline_width, shadow = 0.0, 0.0
    elif outline is CaptionOutline.BOX:
        # The box reaches ``shadow`` pixels past the text on every side; all of it stays within the margins.
        border_style, back_colour = BORDER_BOX, _BOX_COLOUR
        outline_width, shadow = 0.0, round(max(2.0, font_size * 0.25), 1)
        text_width = safe_width - 2 * shadow
    else:
        em, least = _OUTLINE_WIDTH[outline]
        outline_width, shadow = round(max(least, font_size * em), 1), round(font_size * 0.03, 1)
    return CaptionStyle(
        font_name=font_name,
        font_size=font_size,
        outline=outline_width,
        shadow=shadow,
        margin_v=round(height * 0.06),
        margin_h=margin_h,
        max_line_chars=max(12, min(MAX_LINE_CHARS, int(text_width / (font_size * _AVERAGE_CHAR_EM)))),
        alignment=_ALIGNMENT[position],
        border_style=border_style,
        back_colour=back_colour,
    )


def title_style(
    width: int, height: int, options: CaptionOptions | None = None, *, font_name: str = DEFAULT_FONT_NAME
) -> CaptionStyle:
    """How scene titles look: bold, a fifth larger than captions, in the top safe area (the bottom one when
    the captions sit at the top), wrapped to the same safe width."""
    captions = caption_style(width, height, options, font_name=font_name)
    size = round(captions.font_size * 1.2)
    top = options is None or options.position is not CaptionPosition.TOP
    return dataclass_replace(
        captions,
        font_size=size,
        bold=True,
        alignment=_ALIGNMENT[CaptionPosition.TOP] if top else _ALIGNMENT[CaptionPosition.BOTTOM],
        margin_v=round(height * 0.07),
        max_line_chars=max(10, round(captions.max_line_chars / 1.2)),
    )


def to_ass(
    cues: Sequence[Cue],
    width: int,
    height: int,
    style: CaptionStyle | None = None,
    *,
    titles: Sequence[Cue] = (),
    titles_style: CaptionStyle | None = None,
) -> str:
    """The cues (and scene titles) as an Advanced SubStation Alpha document for a ``width`` x ``height``
    video: an overlay that stays put in the frame's safe area while the picture under it moves.

    Text is re-wrapped to the style's line length (portrait frames hold fewer characters per line) and
    escaped, so user text can never become an override tag, a line break or a drawing command. Titles fade
    in and out (their only override tag is ours).
    """
    style = style or caption_style(width, height)
    title_look = titles_style or title_style(width, height)
    header = "\n".join(
        [
            "[Script Info]",
            "ScriptType: v4.00+",
            f"PlayResX: {width}",
            f"PlayResY: {height}",
            "WrapStyle: 0",
            "ScaledBorderAndShadow: yes",
            "YCbCr Matrix: None",
            "",
            "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
            "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
            "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
            _ass_style("Default", style),
            *([_ass_style("Title", title_look)] if titles else []),
            "",
            "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        ]
    )
    events = []
    for cue in cues:
        lines = wrap_lines(" ".join(_lines(cue.text)), style.max_line_chars)
        text = r"\N".join(ass_escape(line) for line in lines)
        events.append(f"Dialogue: 0,{_ass_clock(cue.start)},{_ass_clock(cue.end)},Default,,0,0,0,,{text}")
    for title in titles:
        lines = wrap_lines(" ".join(_lines(title.text)), title_look.max_line_chars)
        text = r"\N".join(ass_escape(line) for line in lines)
        fade = max(0, min(TITLE_FADE_MS, round((title.end - title.start) * 1000 / 4)))
        events.append(
            f"Dialogue: 1,{_ass_clock(title.start)},{_ass_clock(title.end)},Title,,0,0,0,,"
            f"{{\\fad({fade},{fade})}}{text}"
        )
    return header + "\n" + "".join(f"{event}\n" for event in events)


def _ass_style(name: str, style: CaptionStyle) -> str:
    return (
        f"Style: {name},{style.font_name},{style.font_size},&H00FFFFFF,&H000000FF,&H00000000,"
        f"{style.back_colour},{-1 if style.bold else 0},0,0,0,100,100,0,0,{style.border_style},"
        f"{style.outline:g},{style.shadow:g},{style.alignment},"
        f"{style.margin_h},{style.margin_h},{style.margin_v},1"
    )


def in_segment(cues: Sequence[Cue], fps: int, start_frame: int, frames: int) -> list[Cue]:
    """The cues shown in a segment of ``frames`` frames from ``start_frame``, timed from its first frame.

    A cue shows on the frames whose time is within [start, end); here each time becomes the time of the
    first frame it concerns, which the ASS document writes rounded down to its centiseconds (never past the
    frame, never back to the one before: a frame lasts more than a centisecond). So a segment shows exactly
    the frames of each cue that the whole video shows.
    """
    segment: list[Cue] = []
    last = start_frame + frames
    for cue in cues:
        first_shown = max(start_frame, math.ceil(cue.start * fps - 1e-6))
        first_hidden = min(last, math.ceil(cue.end * fps - 1e-6))
        if first_hidden > first_shown:
            segment.append(
                Cue((first_shown - start_frame) / fps, (first_hidden - start_frame) / fps, cue.text)
            )
    return segment


def ass_escape(text: str) -> str:
    r"""``text`` made inert for an ASS Dialogue line: braces escaped, backslashes defused.

    libass reads ``\{`` and ``\}`` as literal braces. A backslash has no escape of its own, so a word joiner
    (U+2060, invisible) follows each one: ``\N``, ``\h`` or ``\{`` typed by a user stay literal text.
    """
    single_line = one_line(text)
    return single_line.replace("\\", "\\\u2060").replace("{", "\\{").replace("}", "\\}")


def _lines(text: str) -> list[str]:
    return [one_line(line) for line in text.splitlines() if one_line(line)]


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clock(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _ass_clock(seconds: float) -> str:
    # Rounded down: a time at a frame's (``in_segment``) stays at or before it.
    centis = max(0, math.floor(seconds * 100 + 1e-6))
    hours, centis = divmod(centis, 360_000)
    minutes, centis = divmod(centis, 6000)
    secs, centis = divmod(centis, 100)
    return f"{hours}:{minutes:02d}:{secs:02d}.{centis:02d}"
