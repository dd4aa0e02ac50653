"""From the scenes a format has read to a ParsedScript: the limits every format shares, checked once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from videogen.domain.enums import ScriptFormat, Transition
from videogen.domain.limits import MAX_NARRATION_CHARS, MAX_SCENES
from videogen.domain.models import PictureRef, SceneSpec
from videogen.scripts.errors import Location, Reason, script_error
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.prompts import derive_image_prompt
from videogen.scripts.text import collapse, join_paragraphs


@dataclass(slots=True)
class SceneDraft:
    """A scene while its format is being read; :func:`build_script` checks it and makes it a SceneSpec."""

    line: int
    text: str = ""  # the source line where the scene starts, shown in errors about the whole scene
    column: int = 1
    title: str | None = None
    prompt_title: str | None = None  # the title as the image prompt should read it (Fountain slug lines)
    paragraphs: list[str] = field(default_factory=list)
    prompt_text: str | None = None  # what the picture shows, when it is not the narration
    image_prompt: str | None = None
    duration: float | None = None
    transition: Transition = Transition.FADE
    picture: PictureRef | None = None  # the user's own picture, shown instead of a generated image
    #: A draft without content is skipped, unless this is set: then it is an ``empty_scene`` error.
    must_have_content: bool = False
    directives: set[str] = field(default_factory=set)

    def has_content(self) -> bool:
        """Whether the scene has anything to show or say."""
        return bool(
            self.title or self.image_prompt or self.picture or self.prompt_text or any(self.paragraphs)
        )


def picture_words(path: str) -> str:
    """The words of a picture's file name (``photos/harbour_at-dawn.jpg`` → ``Harbour at dawn``)."""
    name = path.rsplit("/", 1)[-1]
    stem = name[: name.rfind(".")] if "." in name else name
    words = collapse(stem.replace("_", " ").replace("-", " ").replace(".", " ")) or "picture"
    return words[:1].upper() + words[1:]


def build_script(
    script_format: ScriptFormat,
    title: str | None,
    settings: ScriptSettings,
    drafts: Sequence[SceneDraft],
    empty_at: Location | None = None,
) -> ParsedScript:
    """Check the scenes against the limits and assemble the parsed script.

    Raises:
        ScriptParsingException: ``empty_script``, ``too_many_scenes``, ``empty_scene`` or
            ``narration_too_long``, at the line where the offending scene starts.
    """
    scenes: list[SceneDraft] = []
    for draft in drafts:
        if draft.has_content():
            scenes.append(draft)
        elif draft.must_have_content:
            raise script_error(
                Reason.EMPTY_SCENE,
                "this scene has no title, narration or image",
                "give the scene some text, or remove it",
                Location(draft.line, draft.column, draft.text),
            )
    if not scenes:
        raise script_error(
            Reason.EMPTY_SCRIPT,
            "the script has no scenes",
            "write at least one scene of narration",
            empty_at,
        )
    if len(scenes) > MAX_SCENES:
        extra = scenes[MAX_SCENES]
        raise script_error(
            Reason.TOO_MANY_SCENES,
            f"scene {MAX_SCENES + 1} is one too many; a script has at most {MAX_SCENES} scenes",
            "split the script into several projects or merge short scenes",
            Location(extra.line, extra.column, extra.text),
        )
    # A scene with its own picture keeps a derived prompt too: the picture may be taken away later.
    # The project style is applied once, when the image is requested (it can change without a new script).
    specs: list[SceneSpec] = []
    for number, draft in enumerate(scenes, start=1):
        narration = join_paragraphs(draft.paragraphs)
        if len(narration) > MAX_NARRATION_CHARS:
            raise script_error(
                Reason.NARRATION_TOO_LONG,
                f"scene {number} has {len(narration):,} characters of narration; "
                f"the limit is {MAX_NARRATION_CHARS:,}",
                "split the scene in two",
                Location(draft.line, draft.column, draft.text),
            )
        prompt = draft.image_prompt or derive_image_prompt(
            draft.prompt_title or draft.title or "", draft.prompt_text or narration
        )
        if not prompt and draft.picture is not None:
            # A scene of only a picture says nothing else; its file name keeps the prompt non-empty.
            prompt = derive_image_prompt(picture_words(draft.picture.path), "")
        specs.append(
            SceneSpec(
                number=number,
                title=draft.title,
                narration=narration,
                image_prompt=prompt,
                image_prompt_explicit=draft.image_prompt is not None,
                duration=draft.duration,
                transition=draft.transition,
                line=draft.line,
                picture=draft.picture,
            )
        )
    return ParsedScript(format=script_format, title=title, settings=settings, scenes=specs)
