"""The prompt -> scene plan step: pure, deterministic, and reading setting, time, weather and subjects."""

from __future__ import annotations

import pytest

from videogen.providers.illustrator.lexicon import Style, TimeOfDay
from videogen.providers.illustrator.planner import FALLBACK_PLACES, plan_scene, style_of
from videogen.scripts.prompts import derive_image_prompt


def _plan(prompt: str, style: str = "", seed: int = 1, size: tuple[int, int] = (1280, 720)):  # noqa: ANN202
    return plan_scene(prompt, seed, size[0], size[1], style)


def test_the_same_arguments_give_an_equal_plan() -> None:
    assert _plan("A lighthouse at night") == _plan("A lighthouse at night")
    assert _plan("A lighthouse at night", seed=2) != _plan("A lighthouse at night")


@pytest.mark.parametrize(
    ("prompt", "setting"),
    [
        ("INT. STATION CONCOURSE - NIGHT", "interior"),
        ("EXT. STATION - NIGHT", "exterior"),
        ("Inside, the kettle sings", "interior"),
        ("They stay indoors all day", "interior"),
        ("Outside, the kitchen window is dark", "exterior"),
        ("A kitchen by the sea", "interior"),
        ("The sea, and a kitchen on the shore", "exterior"),
        ("A lighthouse on the rocks", "exterior"),
    ],
)
def test_int_ext_inside_and_indoors_choose_the_setting(prompt: str, setting: str) -> None:
    assert _plan(prompt).setting == setting


def test_a_fountain_interior_heading_reaches_the_plan_through_the_derived_prompt() -> None:
    prompt = derive_image_prompt("INT. STATION CONCOURSE - CONTINUOUS", "Nora runs past a coffee stand.")

    plan = _plan(prompt)

    assert (plan.setting, plan.room) == ("interior", "concourse")
    assert "people" in plan.names


def test_an_interior_shows_outdoor_subjects_through_its_window() -> None:
    plan = _plan("An old keeper in a small stone room of the lighthouse before dawn")

    assert (plan.setting, plan.room, plan.place, plan.time) == ("interior", "room", "sea", TimeOfDay.DAWN)
    assert "lighthouse" in plan.names


@pytest.mark.parametrize(
    ("word", "time"),
    [
        ("dawn", TimeOfDay.DAWN),
        ("sunrise", TimeOfDay.DAWN),
        ("morning", TimeOfDay.MORNING),
        ("noon", TimeOfDay.NOON),
        ("afternoon", TimeOfDay.AFTERNOON),
        ("dusk", TimeOfDay.DUSK),
        ("sunset", TimeOfDay.DUSK),
        ("night", TimeOfDay.NIGHT),
        ("midnight", TimeOfDay.NIGHT),
    ],
)
def test_time_of_day_words_set_the_time(word: str, time: TimeOfDay) -> None:
    assert _plan(f"A windmill at {word}").time is time


def test_the_moon_and_stars_make_it_night_without_a_time_word() -> None:
    assert _plan("the moon over the hills").time is TimeOfDay.NIGHT


@pytest.mark.parametrize(
    ("prompt", "weather"),
    [
        ("Rain on the glass roof", ("rain",)),
        ("A storm rolls in", ("storm", "rain", "lightning")),
        ("Fog over the fields", ("fog",)),
        ("A winter village", ("snow",)),
        ("A town on a sunny day", ()),
    ],
)
def test_weather_words_set_the_weather(prompt: str, weather: tuple[str, ...]) -> None:
    assert _plan(prompt).weather == weather


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("", Style.FLAT),
        ("flat", Style.FLAT),
        ("watercolour, soft light", Style.WATERCOLOR),
        ("oil painting, moody blue light, visible brush strokes", Style.WATERCOLOR),
        ("pen and ink sketch", Style.INK),
        ("neon cyberpunk", Style.NEON),
        ("film noir, black and white", Style.NOIR),
        ("documentary photo, natural light", Style.FLAT),
        ("no such style at all", Style.FLAT),
        ("🎨✨", Style.FLAT),
    ],
)
def test_the_style_setting_chooses_the_rendering_and_unknown_styles_are_flat(
    style: str, expected: Style
) -> None:
    assert style_of(style) is expected
    assert _plan("a castle", style=style).style is expected


def test_the_prompt_does_not_choose_the_style() -> None:
    assert _plan("The train stops at a station with a hand-painted sign").style is Style.FLAT


def test_a_near_miss_word_falls_back_to_the_closest_theme() -> None:
    plan = _plan("Oceanic vistas")

    assert (plan.place, plan.fallback) == ("sea", True)


@pytest.mark.parametrize("prompt", ["", "Zyxquorbly flimflam", "星空の下の小さな村 🌙", "🌋🚂🏰", "x" * 2000])
def test_a_prompt_with_no_known_word_still_gets_a_place(prompt: str) -> None:
    plan = _plan(prompt)

    assert plan.place in FALLBACK_PLACES
    assert plan.fallback
    assert plan.setting == "exterior"


def test_a_long_prompt_keeps_its_first_subjects() -> None:
    prompt = " ".join(["a lighthouse, a castle, a windmill, a horse, a dog, a cat, a tent, a rocket"] * 30)

    plan = _plan(prompt[:2000])

    assert len(plan.subjects) == 6
    assert {"lighthouse", "castle"} <= set(plan.names)


def test_the_motifs_line_names_subjects_setting_time_and_style() -> None:
    plan = _plan("A lighthouse in a storm at night", style="ink")

    assert plan.motifs() == (
        "subjects=lighthouse,storm,rain,lightning; setting=exterior/sea; time=night; style=ink"
    )


def test_a_tall_frame_keeps_its_subjects_smaller() -> None:
    wide = _plan("a lighthouse", size=(1280, 720))
    tall = _plan("a lighthouse", size=(720, 1280))

    assert tall.subjects[0].scale < wide.subjects[0].scale


def test_planning_loads_no_pillow() -> None:
    # The plan is the deciding half (plan, then paint): it must not need the painting half's libraries.
    import subprocess
    import sys

    code = (
        "import sys; import videogen.providers.illustrator.planner as p; p.plan_scene('a ship', 1, 64, 36); "
        "assert not [m for m in sys.modules if m == 'PIL' or m.startswith('PIL.')], 'PIL loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
