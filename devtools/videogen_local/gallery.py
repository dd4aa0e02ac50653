"""``make gallery``: a contact sheet of the offline illustrator's pictures of 48 varied prompts, across every
style and aspect ratio, each labelled in the sheet's margin (never in the picture). Written to
``out/gallery.jpg`` for a person to look at.

    python -m videogen_local.gallery [OUTPUT]
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

from videogen.fonts import load_font
from videogen.providers.base import ImageRequest
from videogen.providers.illustrator.lexicon import Style
from videogen.providers.local import LocalImageProvider

#: The prompts drawn: every subject, interiors, times of day and weathers, some as a script words them.
PROMPTS = (
    "A lighthouse on a rocky coast at night, its beam sweeping the sea",
    "A volcano erupting at dusk, a towering ash column lit orange from below",
    "Molten rock pours down the mountain",
    "A steam train crossing the countryside in the morning",
    "Exterior, platform nine, night. The doors are closing.",
    "Interior, station concourse, continuous. She runs past a coffee stand.",
    "Interior, train carriage, dawn. Nora sleeps against the window.",
    "A tall ship sailing on the ocean under a stormy sky",
    "A small fishing boat in the harbour at sunrise",
    "An old stone bridge over a river in autumn",
    "A castle on a hill with flags flying",
    "A cosy cottage in the snow at night",
    "A red car driving down a long road through the desert",
    "A busy market square with fruit stalls",
    "A clock tower in the city at noon",
    "A windmill beside a field of tulips",
    "A tent and a campfire in the forest under the stars",
    "A rocket launching from the launch pad",
    "A ringed planet over a moonscape in outer space",
    "A full moon rising over the mountains",
    "Underwater, a school of colourful fish among coral",
    "A humpback whale breaching in the ocean",
    "A flock of birds over the wheat fields at sunset",
    "A horse grazing in a meadow",
    "A dog running on the beach",
    "A cat sitting on the windowsill of a kitchen",
    "Three friends walking through the park",
    "A crowd gathered in the town square at night",
    "Heavy rain on the city streets",
    "A thunderstorm with lightning over the plains",
    "Fog rolling over the hills in the early morning",
    "Snowfall over a pine forest",
    "A rainbow after the rain over green hills",
    "A waterfall pouring into a pool in the mountains",
    "A winding river through the valley",
    "Inside a dark cave, looking out at the light",
    "A field of wildflowers in spring",
    "A golden wheat field at harvest time",
    "A city at night with lit windows",
    "A quiet bedroom in the morning",
    "The kettle starts to sing in the kitchen",
    "An office with desks and computers at night",
    "A classroom with a blackboard",
    "An old library with tall bookshelves",
    "A small café on a rainy afternoon",
    "Interior, the keeper's stone room before dawn, an oil lamp burning",
    "Zyxquorbly flimflam",
    "星空の下の小さな村 🌙",
)
ASPECTS = ((480, 270), (270, 480), (360, 360))
TILE = 300
LABEL = 58


def draw_gallery(output: Path) -> float:
    """Draw the 48 prompts into a contact sheet at ``output``; returns the seconds spent drawing."""
    styles = list(Style)
    columns = 8
    rows = (len(PROMPTS) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (TILE + 12) + 12, rows * (TILE + LABEL + 12) + 12), (32, 32, 36))
    draw = ImageDraw.Draw(sheet)
    font = load_font(12)
    provider = LocalImageProvider()
    spent = 0.0
    for index, prompt in enumerate(PROMPTS):
        style = styles[index % len(styles)]
        width, height = ASPECTS[index % len(ASPECTS)]
        started = time.perf_counter()
        result = provider.generate(ImageRequest(prompt, width, height, index, style.value))
        spent += time.perf_counter() - started
        with Image.open(io.BytesIO(result.data)) as picture:
            picture.thumbnail((TILE, TILE))
            x = 12 + (index % columns) * (TILE + 12)
            y = 12 + (index // columns) * (TILE + LABEL + 12)
            sheet.paste(picture, (x + (TILE - picture.width) // 2, y + (TILE - picture.height) // 2))
        label = f"{index + 1}. [{style.value}] {prompt}"
        lines = [label[i : i + 46] for i in range(0, min(len(label), 138), 46)]
        for k, line in enumerate(lines):
            draw.text((x, y + TILE + 4 + k * 15), line, fill=(225, 225, 225), font=font)
        subjects = (result.motifs or "").split(";")[0].removeprefix("subjects=")
        draw.text((x, y + TILE + 4 + len(lines) * 15), f"-> {subjects}"[:48], fill=(140, 200, 140), font=font)
    output.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(output, quality=88)
    return spent


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    output = Path(args[0] if args else "out/gallery.jpg")
    spent = draw_gallery(output)
    print(f"{output}: {len(PROMPTS)} pictures in {spent:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
