"""Paint a scene plan: background, setting, subjects, weather, then the style's pass over it all."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from PIL import Image

from videogen.providers.illustrator.canvas import Canvas
from videogen.providers.illustrator.lexicon import SUBJECTS, Kind
from videogen.providers.illustrator.motifs import DRAWERS
from videogen.providers.illustrator.motifs.rooms import fireplace, interior
from videogen.providers.illustrator.motifs.scenery import PLACES, cave_mouth, clouds, sky
from videogen.providers.illustrator.motifs.sky import WEATHER_DRAWERS
from videogen.providers.illustrator.planner import INDOOR, ScenePlan
from videogen.providers.illustrator.styles import apply_style

#: Frames up to this many pixels are painted at twice the size and reduced: Pillow's shapes are not
#: anti-aliased, and halving smooths their edges.
SUPERSAMPLE_PIXELS = 1_000_000


@dataclass(frozen=True, slots=True)
class Picture:
    """A painted plan and the subjects that were actually drawn in it (what its motifs line lists)."""

    image: Image.Image
    drawn: tuple[str, ...]


def render(plan: ScenePlan, width: int, height: int) -> Picture:
    """Paint ``plan`` as an RGB image of exactly ``width`` x ``height``."""
    scale = 2 if width * height <= SUPERSAMPLE_PIXELS else 1
    canvas = Canvas(plan, width * scale, height * scale)
    drawn = _paint_interior(canvas) if plan.setting == "interior" else _paint_exterior(canvas)
    image = canvas.image.reduce(scale) if scale > 1 else canvas.image
    styled = apply_style(image, plan.style, random.Random(plan.seed ^ 0x5F))
    # No text is drawn: scene titles are an overlay of the video (videogen.media.segments), not the picture.
    return Picture(styled, drawn)


def _paint_exterior(c: Canvas) -> tuple[str, ...]:
    plan = c.plan
    drawn: list[str] = []
    outside = plan.place not in ("underwater",)
    if outside:
        sky(c)
        if plan.place != "space":
            clouds(c)
        for placed in plan.subjects:
            if SUBJECTS[placed.subject].kind is Kind.SKY and placed.subject != "birds":
                DRAWERS[placed.subject](c, placed)
                drawn.append(placed.subject)
    PLACES.get(plan.place, PLACES["countryside"])(c)
    cave = plan.place == "cave"
    for placed in plan.subjects:
        kind = SUBJECTS[placed.subject].kind
        if placed.subject in drawn or (cave and kind is Kind.THING):
            continue
        if kind is Kind.SKY and placed.subject != "birds":
            continue
        DRAWERS[placed.subject](c, placed)
        drawn.append(placed.subject)
    if cave:
        cave_mouth(c)
        for placed in plan.subjects:
            if SUBJECTS[placed.subject].kind is Kind.THING:
                DRAWERS[placed.subject](c, replace(placed, depth=0.8 + placed.depth * 0.2))
                drawn.append(placed.subject)
    for name in WEATHER_DRAWERS:
        if name in c.weather:
            WEATHER_DRAWERS[name](c)
    return tuple(drawn)


def _paint_interior(c: Canvas) -> tuple[str, ...]:
    plan = c.plan
    inside = tuple(placed for placed in plan.subjects if placed.subject in INDOOR)
    outside = tuple(placed for placed in plan.subjects if placed.subject not in INDOOR)
    view_plan = replace(plan, setting="exterior", room="", subjects=outside)
    seen: list[str] = []
    views: dict[tuple[int, int], Image.Image] = {}

    def view(width: int, height: int) -> Image.Image:
        # Windows of one size show the same view: painted once.
        if (width, height) not in views:
            window = Canvas(view_plan, width, height, view=True)
            names = _paint_exterior(window)
            seen.extend(name for name in names if name not in seen)
            views[width, height] = window.image
        return views[width, height]

    interior(c, view)
    drawn = list(seen)
    for placed in inside:
        if placed.subject == "campfire":
            fireplace(c, placed)
        else:
            DRAWERS[placed.subject](c, replace(placed, scale=placed.scale * 1.7))
        drawn.append(placed.subject)
    return tuple(drawn)
