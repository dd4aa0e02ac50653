"""What the offline illustrator is measured by: prompts that each name one known subject (in varied
sentences, synonyms and plurals) and the motifs it draws for the examples' scenes. Used by
``bench/illustrator.py`` and the tests."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from videogen.providers.base import ImageRequest
from videogen.providers.local import MOTIFS_KEY, LocalImageProvider
from videogen.scripts.parser import parse_script

#: (subject the motifs must list, the words for one, the words for several): synonyms on purpose.
NAMINGS: tuple[tuple[str, str, str], ...] = (
    ("lighthouse", "lighthouse", "lighthouses"),
    ("lighthouse", "beacon on the rocks", "beacons on the rocks"),
    ("volcano", "volcano", "volcanoes"),
    ("volcano", "erupting crater", "erupting craters"),
    ("lava", "river of molten rock", "rivers of molten rock"),
    ("lava", "lava flow", "lava flows"),
    ("train", "locomotive", "locomotives"),
    ("train", "railway carriage", "carriages"),
    ("station", "railway station", "railway stations"),
    ("ship", "steamer", "steamers"),
    ("ship", "sailing ship", "sailing ships"),
    ("boat", "fishing boat", "fishing boats"),
    ("boat", "rowboat", "rowboats"),
    ("harbour", "harbor", "harbours"),
    ("harbour", "fishing pier", "piers"),
    ("bridge", "stone bridge", "bridges"),
    ("castle", "fortress", "fortresses"),
    ("house", "cottage", "cottages"),
    ("house", "farmhouse", "farmhouses"),
    ("road", "highway", "highways"),
    ("car", "taxi", "taxis"),
    ("market", "bazaar", "market stalls"),
    ("tower", "clock tower", "towers"),
    ("windmill", "windmill", "windmills"),
    ("tent", "tent", "tents"),
    ("campfire", "campfire", "bonfires"),
    ("rocket", "rocket", "rockets"),
    ("planet", "planet", "planets"),
    ("stars", "star", "stars"),
    ("moon", "full moon", "moons"),
    ("fish", "goldfish", "fishes"),
    ("whale", "humpback", "whales"),
    ("birds", "seagull", "flocks of birds"),
    ("horse", "pony", "horses"),
    ("dog", "puppy", "dogs"),
    ("cat", "kitten", "cats"),
    ("people", "old woman", "children"),
    ("crowd", "crowd", "crowds"),
    ("rain", "downpour", "raindrops"),
    ("storm", "thunderstorm", "storms"),
    ("lightning", "lightning bolt", "lightning bolts"),
    ("fog", "mist", "fog banks"),
    ("snow", "snowfall", "snowflakes"),
    ("rainbow", "rainbow", "rainbows"),
    ("waterfall", "waterfall", "waterfalls"),
    ("river", "stream", "rivers"),
    ("cave", "cavern", "caves"),
    ("flowers", "field of flowers", "tulips"),
    ("wheat", "wheat field", "haystacks"),
    ("bus", "bus", "buses"),
)
#: Sentences a scene might say them in: {one} or {many} is filled in.
TEMPLATES: tuple[str, ...] = (
    "A {one} at dawn.",
    "Two {many} in the distance, under a pale sky.",
    "The {one} stands alone as the evening falls",
    "EXT. {ONE} - NIGHT",
    "We see {many} while the narrator keeps talking about something else entirely.",
    "In the afternoon light, a {one}.",
    "Slowly, the camera finds the {many}",
    "Nobody expected a {one} here",
)


def recognition_prompts(count: int = 100) -> Iterator[tuple[str, str]]:
    """``count`` prompts (subject expected, prompt), cycling through namings and sentence templates."""
    for index in range(count):
        subject, one, many = NAMINGS[index % len(NAMINGS)]
        template = TEMPLATES[(index * 3 + index // len(NAMINGS)) % len(TEMPLATES)]
        yield subject, template.format(one=one, many=many, ONE=one.upper())


def motifs_of(data: bytes) -> str:
    """The ``videogen:motifs`` line a PNG carries ("" when it has none)."""
    with Image.open(io.BytesIO(data)) as image:
        return str(image.info.get(MOTIFS_KEY, ""))


def listed(subject: str, motifs: str) -> bool:
    """Whether ``motifs`` lists ``subject`` among its subjects or as its setting."""
    fields = dict(part.strip().split("=", 1) for part in motifs.split(";") if "=" in part)
    names = set(fields.get("subjects", "").split(","))
    setting = fields.get("setting", "")
    return subject in names or f"/{subject}" in setting


def recognition_rate(count: int = 100, size: tuple[int, int] = (96, 54)) -> tuple[float, list[str]]:
    """The fraction of ``recognition_prompts`` whose PNG lists its subject, and the prompts that missed."""
    provider = LocalImageProvider()
    missed = []
    for seed, (subject, prompt) in enumerate(recognition_prompts(count)):
        data = provider.generate(ImageRequest(prompt, size[0], size[1], seed)).data
        if not listed(subject, motifs_of(data)):
            missed.append(f"{subject}: {prompt!r} -> {motifs_of(data)}")
    return 1 - len(missed) / count, missed


@dataclass(frozen=True, slots=True)
class SceneMotifs:
    """One example scene and what the illustrator drew for it."""

    script: str
    number: int
    title: str
    motifs: str


def example_motifs(examples: Path, size: tuple[int, int] = (160, 90)) -> list[SceneMotifs]:
    """Each scene of each example script, drawn as a render would ask (its prompt, the script's style)."""
    provider = LocalImageProvider()
    found = []
    for path in sorted(examples.iterdir()):
        if path.suffix not in (".md", ".txt", ".fountain", ".json"):
            continue
        script = parse_script(path.read_text(encoding="utf-8"), filename=path.name)
        style = str(getattr(script.settings, "style", None) or "")
        for number, scene in enumerate(script.scenes, start=1):
            result = provider.generate(ImageRequest(scene.image_prompt, size[0], size[1], number, style))
            found.append(SceneMotifs(path.name, number, scene.title or "", result.motifs or ""))
    return found
