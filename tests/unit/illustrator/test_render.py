"""The illustrator's pictures: every subject drawable, every style distinct, the same request the same
bytes, and a PNG that says what it shows."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from videogen.providers.base import ImageRequest
from videogen.providers.illustrator.lexicon import SUBJECTS, Kind, Style
from videogen.providers.illustrator.motifs import DRAWERS
from videogen.providers.illustrator.planner import plan_scene
from videogen.providers.illustrator.render import render
from videogen.providers.local import MAX_SIDE, MIN_SIDE, MOTIFS_KEY, LocalImageProvider
from videogen_local.illustrator_checks import listed, motifs_of

#: The subjects issue 17 asks for, each with a prompt naming it: (the name the motifs list, prompt).
REQUIRED = [
    ("lighthouse", "a lighthouse"),
    ("volcano", "a volcano"),
    ("lava", "lava"),
    ("train", "a train"),
    ("station", "a railway station"),
    ("station", "the platform"),
    ("ship", "a ship"),
    ("boat", "a boat"),
    ("harbour", "the harbour"),
    ("bridge", "a bridge"),
    ("castle", "a castle"),
    ("house", "a house"),
    ("house", "a cottage"),
    ("road", "a road"),
    ("car", "a car"),
    ("market", "a market"),
    ("tower", "a tower"),
    ("windmill", "a windmill"),
    ("tent", "a tent"),
    ("campfire", "a campfire"),
    ("rocket", "a rocket"),
    ("planet", "a planet"),
    ("stars", "the stars"),
    ("moon", "the moon"),
    ("underwater", "underwater"),
    ("fish", "fish"),
    ("whale", "a whale"),
    ("birds", "a bird flock"),
    ("horse", "a horse"),
    ("dog", "a dog"),
    ("cat", "a cat"),
    ("people", "people"),
    ("crowd", "a crowd"),
    ("rain", "rain"),
    ("storm", "a storm"),
    ("lightning", "lightning"),
    ("fog", "fog"),
    ("snow", "snowfall"),
    ("rainbow", "a rainbow"),
    ("waterfall", "a waterfall"),
    ("river", "a river"),
    ("cave", "a cave"),
    ("flowers", "a field of flowers"),
    ("wheat", "a wheat field"),
    ("city", "a city at night with lit windows"),
    ("room", "a room"),
    ("kitchen", "a kitchen"),
    ("office", "an office"),
    ("classroom", "a classroom"),
    ("library", "a library"),
    ("concourse", "a concourse"),
    ("concourse", "the station hall"),
    ("cafe", "a café"),
]


def _request(prompt: str = "A lighthouse by the sea at night", **changes: object) -> ImageRequest:
    values: dict[str, object] = {"prompt": prompt, "width": 160, "height": 90, "seed": 7, "style": ""}
    values.update(changes)
    return ImageRequest(**values)  # type: ignore[arg-type]


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(("subject", "prompt"), REQUIRED, ids=[f"{s}:{p}" for s, p in REQUIRED])
def test_each_required_subject_is_recognised_and_drawn(subject: str, prompt: str) -> None:
    result = LocalImageProvider().generate(_request(prompt))

    assert listed(subject, motifs_of(result.data)), motifs_of(result.data)
    assert _decode(result.data).size == (160, 90)


def test_every_subject_of_the_table_has_a_drawing_or_is_a_place_room_or_weather() -> None:
    drawn_elsewhere = {Kind.PLACE, Kind.ROOM, Kind.WEATHER}
    missing = [
        name for name, entry in SUBJECTS.items() if entry.kind not in drawn_elsewhere and name not in DRAWERS
    ]

    assert missing == []
    assert len(SUBJECTS) >= 40


@pytest.mark.parametrize("size", [(MIN_SIDE, MIN_SIDE), (640, 360)], ids=["16px", "640x360"])
@pytest.mark.parametrize("subject", sorted(SUBJECTS))
def test_every_subject_draws_at_small_and_large_sizes(subject: str, size: tuple[int, int]) -> None:
    plan = plan_scene(f"a {subject}", 3, size[0], size[1])

    picture = render(plan, *size)

    assert picture.image.size == size
    assert picture.image.mode == "RGB"


def test_the_same_request_gives_byte_identical_pngs() -> None:
    request = _request("A steam train crossing a bridge at dawn in the rain", style="watercolor")

    first = LocalImageProvider().generate(request)
    second = LocalImageProvider().generate(request)

    assert first.data == second.data


def test_every_style_gives_a_different_picture() -> None:
    pictures = {
        style: _decode(LocalImageProvider().generate(_request("A castle on a hill", style=style.value)).data)
        for style in Style
    }

    for style in Style:
        for other in Style:
            if style is not other:
                difference = ImageChops.difference(pictures[style], pictures[other])
                assert max(ImageStat.Stat(difference).mean) > 8, (style, other)


def test_noir_is_greyscale_and_neon_is_dark() -> None:
    noir = _decode(LocalImageProvider().generate(_request("A castle at noon", style="noir")).data)
    neon = _decode(LocalImageProvider().generate(_request("A castle at noon", style="neon")).data)
    flat = _decode(LocalImageProvider().generate(_request("A castle at noon")).data)

    red, green, blue = noir.split()
    assert red.tobytes() == green.tobytes() == blue.tobytes()
    assert ImageStat.Stat(neon.convert("L")).mean[0] < ImageStat.Stat(flat.convert("L")).mean[0] - 40


def test_the_png_carries_its_motifs_chunk() -> None:
    result = LocalImageProvider().generate(_request("A lighthouse in a storm at night", style="ink"))

    image = _decode(result.data)
    assert image.info[MOTIFS_KEY] == result.motifs
    assert (
        result.motifs
        == "subjects=lighthouse,storm,rain,lightning; setting=exterior/sea; time=night; style=ink"
    )


def test_an_interior_lists_what_its_window_shows() -> None:
    result = LocalImageProvider().generate(
        _request("Interior. A kitchen with a cat, a ship seen from the window")
    )

    assert result.motifs is not None
    assert result.motifs.startswith("subjects=kitchen,")
    assert {"cat", "ship"} <= set(result.motifs.split(";")[0].removeprefix("subjects=").split(","))
    assert "setting=interior/kitchen+window:sea" in result.motifs


@pytest.mark.parametrize(
    "prompt", ["", "x" * 2000, "🌋🚂🏰✨", "星空の下の小さな村", "Ночь над морем", "لمنارة في الليل"]
)
def test_bad_prompts_still_give_a_picture_with_motifs(prompt: str) -> None:
    result = LocalImageProvider().generate(_request(prompt))

    assert _decode(result.data).size == (160, 90)
    assert result.motifs is not None
    assert "setting=exterior/" in result.motifs


def test_an_unknown_style_is_drawn_flat() -> None:
    result = LocalImageProvider().generate(_request("A castle", style="ultra-hyper-mega 8k"))

    assert result.motifs is not None
    assert result.motifs.startswith("subjects=castle;")
    assert result.motifs.endswith("style=flat")


@pytest.mark.parametrize(
    ("width", "height"),
    [(MIN_SIDE, MIN_SIDE), (MIN_SIDE, MAX_SIDE), (MAX_SIDE, MIN_SIDE), (MAX_SIDE, MAX_SIDE)],
)
def test_sizes_at_the_limits_are_drawn(width: int, height: int) -> None:
    result = LocalImageProvider().generate(_request("A volcano erupting at dusk", width=width, height=height))

    assert _decode(result.data).size == (width, height)
