"""The same six-scene story written in all four formats reads as the same story.

What is expected to be equal, per format (fixtures in tests/fixtures/story/):

* scene count (6) and every scene's narration: equal in all four formats (the Fountain storm scene has
  dialogue, so its narration is ``FISHERMAN: ...`` as the others write it; its action only feeds the
  picture);
* script title: "The Paper Boat" in md, json and fountain (front matter / field / title page); None in txt;
* settings: equal in md, json and fountain; all unset in txt;
* scene titles: equal in md and json; Fountain's are its slug lines; txt has none;
* transitions: equal in md, json and fountain (those Fountain can say: cut, dissolve, fade to black,
  default fade); txt has none, so all fade;
* durations and explicit image prompts: equal in md and json; Fountain and txt cannot express them;
* derived image prompts: equal in md and json, where titles, narration and style are equal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from videogen.domain.enums import AspectRatio, Resolution, ScriptFormat, Transition
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.parser import parse_script

STORY = Path(__file__).resolve().parents[2] / "fixtures" / "story"

NARRATIONS = [
    "Mira folds a boat from yesterday's newspaper and writes her name on the sail.",
    "Rain fills the gutter outside her door, and the boat slips away before she can catch it.",
    "The current carries it under bridges, past fishermen who never look down.",
    "FISHERMAN: Look, a paper boat in this weather!",
    "For nine days the boat drifts, its ink fading to a pale grey.",
    "On a beach far away, a boy lifts it from the sand and reads a name he cannot pronounce.",
]
TITLES = ["The Fold", "The Gutter", "The River", "The Storm", "The Sea", "The Other Shore"]
SLUG_LINES = [
    "INT. MIRA'S KITCHEN - MORNING",
    "EXT. STREET - DAY",
    "EXT. RIVER - DAY",
    "EXT. RIVER MOUTH - STORM",
    "EXT. OPEN SEA - NIGHT",
    "EXT. BEACH - DAWN",
]
TRANSITIONS = [
    Transition.FADE,
    Transition.CUT,
    Transition.DISSOLVE,
    Transition.FADE,
    Transition.FADE_BLACK,
    Transition.FADE,
]
SETTINGS = ScriptSettings(
    aspect_ratio=AspectRatio.LANDSCAPE, resolution=Resolution.HD, style="paper cut-out, soft pastel colours"
)


@pytest.fixture(scope="module")
def story() -> dict[str, ParsedScript]:
    return {
        path.suffix[1:]: parse_script(path.read_bytes(), filename=path.name) for path in STORY.glob("story.*")
    }


def test_story_exists_in_all_four_formats(story: dict[str, ParsedScript]) -> None:
    assert {fmt: script.format for fmt, script in story.items()} == {
        "md": ScriptFormat.MARKDOWN,
        "txt": ScriptFormat.TEXT,
        "fountain": ScriptFormat.FOUNTAIN,
        "json": ScriptFormat.JSON,
    }


@pytest.mark.parametrize("fmt", ["md", "txt", "fountain", "json"])
def test_story_has_the_same_scenes_and_narration_in_every_format(
    story: dict[str, ParsedScript], fmt: str
) -> None:
    scenes = story[fmt].scenes

    assert [scene.number for scene in scenes] == [1, 2, 3, 4, 5, 6]
    assert [scene.narration for scene in scenes] == NARRATIONS


def test_story_title_and_settings_agree_where_the_format_can_say_them(story: dict[str, ParsedScript]) -> None:
    assert [story[fmt].title for fmt in ("md", "json", "fountain", "txt")] == ["The Paper Boat"] * 3 + [None]
    assert [story[fmt].settings for fmt in ("md", "json", "fountain", "txt")] == [SETTINGS] * 3 + [
        ScriptSettings()
    ]


def test_story_scene_titles_per_format(story: dict[str, ParsedScript]) -> None:
    assert [s.title for s in story["md"].scenes] == TITLES
    assert [s.title for s in story["json"].scenes] == TITLES
    assert [s.title for s in story["fountain"].scenes] == SLUG_LINES
    assert [s.title for s in story["txt"].scenes] == [None] * 6


def test_story_transitions_per_format(story: dict[str, ParsedScript]) -> None:
    for fmt in ("md", "json", "fountain"):
        assert [s.transition for s in story[fmt].scenes] == TRANSITIONS, fmt
    assert [s.transition for s in story["txt"].scenes] == [Transition.FADE] * 6


def test_story_durations_and_prompts_agree_between_markdown_and_json(story: dict[str, ParsedScript]) -> None:
    md, js = story["md"].scenes, story["json"].scenes

    assert [s.duration for s in md] == [s.duration for s in js] == [5.0, None, 6.0, None, None, None]
    assert [s.image_prompt for s in md] == [s.image_prompt for s in js]
    assert [s.image_prompt_explicit for s in md] == [True] + [False] * 5
    assert [s.duration for s in story["fountain"].scenes] == [None] * 6
    assert not any(s.image_prompt_explicit for s in story["fountain"].scenes + story["txt"].scenes)


def test_story_fountain_storm_picture_comes_from_action_not_dialogue(story: dict[str, ParsedScript]) -> None:
    storm = story["fountain"].scenes[3]

    assert storm.image_prompt == (
        "Exterior, river mouth, storm. Waves toss the little boat between the rocks."
    )
    assert story["md"].scenes[3].image_prompt == ("The Storm. Look, a paper boat in this weather!")


# A story with the user's own pictures, in each format's way of naming one (fixtures stay picture-free:
# they are rendered elsewhere, where no picture file sits beside them).
PICTURE_STORY = {
    "md": "Mira folds a boat.\nPicture: photos/boat.jpg\n\n---\n\nPicture: sea.png\n\n---\n\nThe end.\n",
    "txt": "Mira folds a boat.\nPicture: photos/boat.jpg\n\nPicture: sea.png\n\nThe end.\n",
    "fountain": (
        "INT. KITCHEN - DAY\n\nMira folds a boat. [[Picture: photos/boat.jpg]]\n\n"
        "EXT. SEA\n\n[[Picture: sea.png]]\n\nEXT. BEACH\n\nThe end.\n"
    ),
    "json": (
        '{"scenes": [{"narration": "Mira folds a boat.", "picture": "photos/boat.jpg"},\n'
        '  {"picture": "sea.png"}, {"narration": "The end."}]}'
    ),
}


@pytest.mark.parametrize("fmt", list(PICTURE_STORY))
def test_pictures_are_the_same_scenes_in_every_format(fmt: str) -> None:
    scenes = parse_script(PICTURE_STORY[fmt], fmt).scenes

    assert [scene.narration for scene in scenes] == ["Mira folds a boat.", "", "The end."]
    assert [scene.picture.path if scene.picture else None for scene in scenes] == [
        "photos/boat.jpg",
        "sea.png",
        None,
    ]
    assert all(scene.image_prompt for scene in scenes)
