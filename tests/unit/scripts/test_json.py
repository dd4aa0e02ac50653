"""JSON scripts: the validated document, and errors located by path, line and column."""

from __future__ import annotations

import json

import pytest

from videogen.domain.enums import AspectRatio, ImageProviderName, Resolution, ScriptFormat, Transition
from videogen.scripts.model import ParsedScript, ScriptSettings
from videogen.scripts.parser import parse_script

from ._support import parse_error, where

DOCUMENT = """{
  "title": "Volcano",
  "settings": {
    "aspect_ratio": "9:16",
    "resolution": "1080p",
    "fps": 24,
    "image_provider": "bedrock",
    "style": "documentary photo",
    "seed": 9,
    "voice": "polly:Amy",
    "music": "drums"
  },
  "scenes": [
    {
      "title": "Island",
      "narration": "A green island sleeps.\\n\\nNothing   moves.",
      "image_prompt": "aerial view of an island",
      "duration": 6,
      "transition": "dissolve"
    },
    {"narration": "Below, rock rises.", "duration": "1500ms"},
    {"title": "Only a title", "transition": "Fade To Black"}
  ]
}
"""


def json_script(text: str) -> ParsedScript:
    return parse_script(text, ScriptFormat.JSON)


def test_json_document_reads_every_field() -> None:
    script = json_script(DOCUMENT)

    assert script.format is ScriptFormat.JSON
    assert script.title == "Volcano"
    assert script.settings == ScriptSettings(
        aspect_ratio=AspectRatio.PORTRAIT,
        resolution=Resolution.FULL_HD,
        fps=24,
        image_provider=ImageProviderName.BEDROCK,
        style="documentary photo",
        seed=9,
        voice="polly:Amy",
        music="drums",
    )
    island, below, titled = script.scenes
    assert island.number == 1
    assert island.title == "Island"
    assert island.narration == "A green island sleeps.\n\nNothing moves."
    assert (island.image_prompt, island.image_prompt_explicit) == ("aerial view of an island", True)
    assert (island.duration, island.transition, island.line) == (6.0, Transition.DISSOLVE, 14)
    assert below.title is None
    assert below.narration == "Below, rock rises."
    assert (below.image_prompt, below.image_prompt_explicit) == (
        "Below, rock rises.",
        False,
    )
    assert (below.duration, below.transition, below.line) == (1.5, Transition.FADE, 21)
    assert (titled.title, titled.narration, titled.image_prompt) == (
        "Only a title",
        "",
        "Only a title.",
    )
    assert (titled.transition, titled.line) == (Transition.FADE_BLACK, 22)


def test_json_minimal_document_needs_only_scenes() -> None:
    script = json_script('{"scenes": [{"narration": "Hi."}]}')

    assert (script.title, script.settings) == (None, ScriptSettings())
    assert [(s.narration, s.line) for s in script.scenes] == [("Hi.", 1)]


def test_json_nulls_and_empty_strings_mean_not_set() -> None:
    script = json_script(
        '{"title": " ", "settings": null, "scenes": [{"narration": null, "title": "T", "image_prompt": "",'
        ' "duration": null, "transition": null}]}'
    )

    scene = script.scenes[0]
    assert (script.title, script.settings) == (None, ScriptSettings())
    assert (scene.narration, scene.image_prompt_explicit, scene.duration, scene.transition) == (
        "",
        False,
        None,
        Transition.FADE,
    )


def test_json_scenes_line_is_where_each_scene_object_starts() -> None:
    text = json.dumps({"scenes": [{"narration": f"Scene {i}."} for i in range(3)]}, indent=2)

    assert [s.line for s in json_script(text).scenes] == [3, 6, 9]


def test_json_syntax_error_reports_decoder_line_and_column() -> None:
    error = parse_error('{\n  "scenes": [\n    {"narration": "a",}\n  ]\n}\n', "json")

    assert where(error) == ("invalid_json", 3, 22)  # the trailing comma
    assert error.details["text"] == '{"narration": "a",}'


def test_json_duration_out_of_range_points_at_its_key() -> None:
    error = parse_error(
        '{"scenes": [\n  {"narration": "a"},\n  {"narration": "b",\n   "duration": 45}\n]}', "json"
    )

    assert where(error) == ("duration_out_of_range", 4, 4)
    assert "scenes[1].duration" in error.message


@pytest.mark.parametrize(
    ("scene", "reason"),
    [
        ('{"narration": "a", "duration": "soon"}', "invalid_duration"),
        ('{"narration": "a", "duration": true}', "invalid_duration"),
        ('{"narration": "a", "duration": [4]}', "invalid_duration"),
        ('{"narration": "a", "duration": 0.5}', "duration_out_of_range"),
        ('{"narration": "a", "duration": 1e999}', "duration_out_of_range"),
        ('{"narration": "a", "duration": NaN}', "duration_out_of_range"),
        ('{"narration": "a", "duration": ' + "9" * 50 + "}", "duration_out_of_range"),
        ('{"narration": "a", "transition": "zoom"}', "unknown_transition"),
        ('{"narration": "a", "transition": 3}', "unknown_transition"),
        ('{"narration": "' + "x" * 1501 + '"}', "narration_too_long"),
        ('{"narration": "a\\u0007"}', "control_character"),
        ('{"narration": "a\\ud800"}', "invalid_utf8"),
        ('{"title": "' + "t" * 201 + '"}', "title_too_long"),
        ('{"image_prompt": "' + "p" * 2001 + '"}', "image_prompt_too_long"),
        ('{"narration": 5}', "invalid_field"),
        ('{"narration": "a", "naration": "b"}', "unknown_field"),
        ("{}", "empty_scene"),
        ('"just text"', "invalid_field"),
    ],
)
def test_json_scene_problems_are_reported_on_the_scene_line(scene: str, reason: str) -> None:
    error = parse_error('{"scenes": [\n  {"narration": "ok"},\n  ' + scene + "\n]}", "json")

    assert where(error)[:2] == (reason, 3)
    assert error.details["column"] >= 3


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ('{"fps": 29}', "invalid_setting"),
        ('{"fps": "30x"}', "invalid_setting"),
        ('{"seed": -1}', "invalid_setting"),
        ('{"seed": 4294967296}', "invalid_setting"),
        ('{"seed": 1.5}', "invalid_setting"),
        ('{"aspect_ratio": "4:3"}', "invalid_setting"),
        ('{"style": ["a"]}', "invalid_setting"),
        ('{"style": "' + "s" * 201 + '"}', "invalid_setting"),
        ('{"colour": "blue"}', "unknown_setting"),
        ("[]", "invalid_field"),
    ],
)
def test_json_setting_problems_are_reported_on_the_setting_line(settings: str, reason: str) -> None:
    error = parse_error('{"scenes": [{"narration": "ok"}],\n "settings":\n  ' + settings + "\n}", "json")

    assert where(error)[:2] == (reason, 3 if settings != "[]" else 2)


def test_json_settings_accept_digit_strings_and_friendly_values() -> None:
    script = json_script(
        '{"scenes": [{"narration": "a"}], "settings": {"fps": "30", "aspect_ratio": "square"}}'
    )

    assert script.settings == ScriptSettings(fps=30, aspect_ratio=AspectRatio.SQUARE)


def test_json_script_title_over_200_characters_is_an_error() -> None:
    error = parse_error('{\n"title": "' + "t" * 201 + '",\n"scenes": [{"narration": "a"}]}', "json")

    assert where(error) == ("title_too_long", 2, 1)


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ('{"scenes": []}', "empty_script", 1),
        ('{"title": "x"}', "invalid_field", 1),
        ('{"scenes": {}}', "invalid_field", 1),
        ('{"scenes": [{"narration": "a"}], "extra": 1}', "unknown_field", 1),
        ("[1, 2]", "invalid_field", 1),
        ("null", "invalid_field", 1),
        ("", "invalid_json", 1),
    ],
)
def test_json_document_shape_problems(text: str, reason: str, line: int) -> None:
    error = parse_error(text, "json")

    assert where(error)[:2] == (reason, line)


def test_json_earliest_problem_in_the_text_is_reported() -> None:
    error = parse_error(
        '{"settings": {"fps": 29},\n "scenes": [{"narration": "a", "duration": 99}],\n "title": 5}', "json"
    )

    assert where(error) == ("invalid_setting", 1, 15)


def test_json_201_scenes_reports_the_201st_scene() -> None:
    scenes = ",\n".join('{"narration": "s"}' for _ in range(201))

    error = parse_error('{"scenes": [\n' + scenes + "\n]}", "json")

    assert where(error) == ("too_many_scenes", 202, 1)


def test_json_200_scenes_are_accepted() -> None:
    scenes = ",".join('{"narration": "s"}' for _ in range(200))

    assert len(json_script('{"scenes": [' + scenes + "]}").scenes) == 200


def test_json_nested_deeper_than_32_levels_is_refused_before_decoding() -> None:
    error = parse_error("[" * 50_000 + "]" * 50_000, "json")

    assert where(error) == ("invalid_json", 1, 33)


def test_json_nesting_inside_strings_does_not_count() -> None:
    script = json_script('{"scenes": [{"narration": "' + "[" * 100 + '"}]}')

    assert script.scenes[0].narration == "[" * 100


def test_json_duplicate_keys_keep_the_last_value_and_its_place() -> None:
    error = parse_error(
        '{"scenes": [{"narration": "a"}],\n"scenes": [\n{"duration": 3, "narration": 1}]}', "json"
    )

    assert where(error) == ("invalid_field", 3, 17)


def test_json_escaped_keys_are_located() -> None:
    error = parse_error('{"sc\\u0065nes": [{"narration": "a",\n "dur\\u0061tion": 0}]}', "json")

    assert where(error) == ("duration_out_of_range", 2, 2)


def test_json_deep_values_below_scene_fields_are_skipped_when_locating() -> None:
    error = parse_error(
        '{"scenes": [{"narration": "a", "title": {"x": [1, {"y": "]"}, [2]]}, "duration": 45}]}', "json"
    )

    assert where(error)[:2] == ("invalid_field", 1)
    assert error.details["column"] == 32


def test_json_image_prompt_of_the_wrong_type_is_an_invalid_field() -> None:
    error = parse_error('{"scenes": [{"narration": "a", "image_prompt": ["x"]}]}', "json")

    assert where(error) == ("invalid_field", 1, 32)


def test_json_unterminated_string_is_a_syntax_error_not_a_depth_error() -> None:
    error = parse_error('{"scenes": [{"narration": "never closed' + "[" * 100, "json")

    assert where(error) == ("invalid_json", 1, 27)


def test_json_picture_is_placed_where_its_text_starts() -> None:
    script = parse_script(
        '{"scenes": [\n  {"narration": "Hi.",\n   "picture" :  "./photos\\\\my boat.jpg"}\n]}', "json"
    )

    picture = script.scenes[0].picture
    assert picture is not None
    assert (picture.path, picture.line, picture.column) == ("photos/my boat.jpg", 3, 18)
    assert picture.text == '   "picture" :  "./photos\\\\my boat.jpg"}'
    assert script.scenes[0].image_prompt == "Hi."


def test_json_scene_with_only_a_picture_is_a_scene_and_null_means_none() -> None:
    script = parse_script(
        '{"scenes": [{"picture": "boat.png"}, {"narration": "Sea.", "picture": null}]}', "json"
    )

    first, second = script.scenes
    assert (first.narration, first.title, first.image_prompt) == ("", None, "Boat.")
    assert first.picture is not None
    assert first.picture.path == "boat.png"
    assert second.picture is None


@pytest.mark.parametrize("value", ["3", "true", '["a.jpg"]', '{"path": "a.jpg"}'])
def test_json_picture_that_is_not_text_is_an_invalid_field(value: str) -> None:
    error = parse_error('{"scenes": [{"narration": "Hi.", "picture": ' + value + "}]}", "json")

    assert where(error) == ("invalid_field", 1, 34)
    assert "scenes[0].picture: must be text" in error.message


def test_json_bad_picture_names_the_field() -> None:
    error = parse_error('{"scenes": [{"narration": "Hi."}, {"picture": "boat.gif"}]}', "json")

    assert where(error) == ("unsupported_picture_type", 1, 36)
    assert error.message.startswith('line 1: "{') and "scenes[1].picture: GIF pictures" in error.message


def test_json_picture_in_angle_brackets_is_placed_at_the_path() -> None:
    script = parse_script('{"scenes": [{"picture": " <my boat.jpg>"}]}', "json")

    picture = script.scenes[0].picture
    assert picture is not None
    assert (picture.path, picture.line, picture.column) == ("my boat.jpg", 1, 28)
