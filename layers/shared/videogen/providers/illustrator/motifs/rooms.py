"""Interiors: walls, floor and ceiling in perspective, a window onto the plan's world, and furniture shapes
for each kind of room."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from PIL import Image

from videogen.providers.illustrator.canvas import Canvas, mix, shift
from videogen.providers.illustrator.lexicon import TimeOfDay
from videogen.providers.illustrator.motifs.things import campfire
from videogen.providers.illustrator.planner import Placement

#: Draws the world outside at a given size (the renderer's exterior, for the window).
View = Callable[[int, int], Image.Image]
_WALLS = {
    "room": (225, 205, 175),
    "kitchen": (235, 225, 200),
    "office": (210, 215, 220),
    "classroom": (230, 220, 180),
    "library": (120, 80, 60),
    "concourse": (205, 195, 175),
    "cafe": (175, 120, 85),
    "compartment": (215, 205, 185),
}
_FLOORS = {
    "room": (150, 100, 65),
    "kitchen": (200, 200, 195),
    "office": (120, 125, 135),
    "classroom": (170, 125, 80),
    "library": (110, 70, 45),
    "concourse": (190, 180, 165),
    "cafe": (120, 80, 55),
    "compartment": (90, 80, 85),
}


@dataclass(frozen=True, slots=True)
class Box:
    """The back wall of a room: its left, top, right and bottom edges in pixels."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def interior(c: Canvas, view: View) -> Box:
    """Paint the room the plan names and return its back wall (subjects then stand on its floor)."""
    kind = c.plan.room or "room"
    if c.dark or c.time is TimeOfDay.DUSK:
        c.light = (0.75, 0.65, 0.55)  # lamplight: warm and dim, not the night outside
    elif c.gloomy:
        c.light = (0.85, 0.85, 0.88)
    else:
        c.light = (1.0, 1.0, 1.0)
    wide = kind in ("concourse",)
    box = Box(
        c.w * (0.08 if wide else 0.16),
        c.h * (0.06 if wide else 0.12),
        c.w * (0.92 if wide else 0.84),
        c.h * (0.66 if wide else 0.64),
    )
    wall = shift(_WALLS[kind], c.plan.hue)
    floor = _FLOORS[kind]
    c.rect(0, 0, c.w, c.h, c.lit(mix(wall, (0, 0, 0), 0.25)))
    c.poly([(0, 0), (box.left, box.top), (box.left, box.bottom), (0, c.h)], c.lit(mix(wall, (0, 0, 0), 0.12)))
    c.poly(
        [(c.w, 0), (box.right, box.top), (box.right, box.bottom), (c.w, c.h)],
        c.lit(mix(wall, (0, 0, 0), 0.18)),
    )
    c.poly(
        [(0, 0), (c.w, 0), (box.right, box.top), (box.left, box.top)], c.lit(mix(wall, (255, 255, 255), 0.2))
    )
    c.rect(box.left, box.top, box.right, box.bottom, c.lit(wall))
    c.poly([(box.left, box.bottom), (box.right, box.bottom), (c.w, c.h), (0, c.h)], c.lit(floor))
    _floor_lines(c, box, floor, tiles=kind in ("kitchen", "concourse", "office"))
    c.horizon = box.bottom
    ROOMS.get(kind, _room)(c, box, view)
    return box


def _floor_lines(c: Canvas, box: Box, floor: tuple[int, int, int], *, tiles: bool) -> None:
    line = c.lit(mix(floor, (0, 0, 0), 0.25))
    for k in range(1, 12):
        t = k / 12
        x0 = box.left + box.width * t
        c.line([(x0, box.bottom), (c.w * t, c.h)], line, max(1.0, c.h * 0.002))
    if tiles:
        for k in range(1, 8):
            t = (k / 8) ** 1.6
            y = box.bottom + (c.h - box.bottom) * t
            c.line(
                [(box.left * (1 - t), y), (box.right + (c.w - box.right) * t, y)], line, max(1.0, c.h * 0.002)
            )


def window(  # noqa: PLR0917 - a box's four edges, as Pillow's rectangle takes them
    c: Canvas, view: View, x0: float, y0: float, x1: float, y1: float, *, panes: int = 2
) -> None:
    """A framed window on a wall, showing the world outside."""
    w, h = max(2, round(x1 - x0)), max(2, round(y1 - y0))
    c.image.paste(view(w, h), (round(x0), round(y0)))
    frame = c.lit((245, 240, 230)) if c.plan.room != "library" else c.lit((80, 55, 40))
    bar = max(1.0, c.h * 0.008)
    c.draw.rectangle((x0, y0, x1, y1), outline=frame, width=max(1, round(bar * 1.5)))
    for k in range(1, panes):
        px = x0 + (x1 - x0) * k / panes
        c.line([(px, y0), (px, y1)], frame, bar)
    c.line([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)], frame, bar)
    c.rect(x0 - bar * 2, y1, x1 + bar * 2, y1 + bar * 2, frame)


def lamp(c: Canvas, x: float, y: float, size: float, *, hanging: bool = True) -> None:
    """A lamp with its pool of warm light (bright after dark)."""
    on = c.dark or c.time is TimeOfDay.DUSK or c.gloomy
    if hanging:
        c.line([(x, 0), (x, y - size * 0.5)], c.lit((40, 40, 40)), size * 0.05)
    c.glow(x, y, size * (4 if on else 2), (255, 210, 130), 30 if on else 12)
    c.draw.chord((x - size, y - size * 0.8, x + size, y + size * 0.8), 180, 360, fill=c.lit((60, 70, 60)))
    c.ellipse(x, y, size * 0.4, size * 0.2, (255, 230, 160))


def fireplace(c: Canvas, p: Placement) -> None:
    """A fire indoors: a hearth against the back wall with the fire burning in it."""
    x = p.x * c.w
    y = c.horizon + c.h * 0.02
    s = c.h * 0.3
    c.rect(x - s * 0.6, y - s * 0.75, x + s * 0.6, y, c.lit((150, 140, 130)))
    c.rect(x - s * 0.7, y - s * 0.82, x + s * 0.7, y - s * 0.72, c.lit((110, 80, 60)))
    c.rect(x - s * 0.4, y - s * 0.5, x + s * 0.4, y, (30, 20, 18))
    campfire(c, replace(p, x=p.x, depth=(y - c.horizon) / max(1.0, c.h - c.horizon), scale=0.09))


def _room(c: Canvas, box: Box, view: View) -> None:
    """A bedroom or living room: a window, a bed or sofa, a rug, a picture and a lamp."""
    wx = box.left + box.width * (0.15 if c.plan.seed % 2 else 0.55)
    window(c, view, wx, box.top + box.height * 0.15, wx + box.width * 0.3, box.top + box.height * 0.7)
    px = box.left + box.width * (0.65 if c.plan.seed % 2 else 0.12)
    c.rect(
        px,
        box.top + box.height * 0.2,
        px + box.width * 0.18,
        box.top + box.height * 0.45,
        c.lit((90, 70, 50)),
    )
    c.rect(
        px + box.width * 0.01,
        box.top + box.height * 0.22,
        px + box.width * 0.17,
        box.top + box.height * 0.43,
        c.lit((120, 160, 190)),
    )
    c.poly(
        [
            (px + box.width * 0.01, box.top + box.height * 0.43),
            (px + box.width * 0.08, box.top + box.height * 0.3),
            (px + box.width * 0.17, box.top + box.height * 0.43),
        ],
        c.lit((70, 120, 80)),
    )
    c.ellipse(c.w * 0.5, c.h * 0.86, c.w * 0.3, c.h * 0.07, c.lit((150, 60, 60)))
    bed = c.plan.seed % 3 != 0
    bx0, bx1 = box.left + box.width * 0.05, box.left + box.width * 0.6
    base = box.bottom + c.h * 0.1
    if bed:
        c.rect(bx0, base - c.h * 0.2, bx0 + c.w * 0.02, base, c.lit((110, 75, 50)))
        c.rect(bx0, base - c.h * 0.1, bx1, base, c.lit((110, 75, 50)))
        c.rect(bx0 + c.w * 0.02, base - c.h * 0.14, bx1, base - c.h * 0.08, c.lit((240, 240, 245)))
        c.rect(bx0 + c.w * 0.15, base - c.h * 0.145, bx1, base - c.h * 0.07, c.lit((90, 120, 170)))
        c.ellipse(bx0 + c.w * 0.08, base - c.h * 0.15, c.w * 0.05, c.h * 0.03, c.lit((250, 250, 250)))
    else:
        c.rect(bx0, base - c.h * 0.18, bx1, base - c.h * 0.02, c.lit((90, 110, 150)))
        c.rect(bx0, base - c.h * 0.1, bx1, base, c.lit((70, 90, 130)))
        for k in (bx0, bx1 - c.w * 0.03):
            c.rect(k, base - c.h * 0.13, k + c.w * 0.03, base, c.lit((70, 90, 130)))
    lx = box.left + box.width * 0.85
    c.rect(
        lx - c.w * 0.03,
        box.bottom - c.h * 0.08,
        lx + c.w * 0.03,
        box.bottom + c.h * 0.04,
        c.lit((110, 75, 50)),
    )
    c.line([(lx, box.bottom - c.h * 0.08), (lx, box.bottom - c.h * 0.16)], c.lit((60, 60, 60)), c.h * 0.005)
    lamp(c, lx, box.bottom - c.h * 0.18, c.h * 0.035, hanging=False)


def _kitchen(c: Canvas, box: Box, view: View) -> None:
    """A kitchen: tiles, a window over the sink, a counter with cabinets, a stove and kettle, a fridge."""
    window(
        c,
        view,
        box.left + box.width * 0.35,
        box.top + box.height * 0.1,
        box.left + box.width * 0.65,
        box.top + box.height * 0.5,
    )
    tile_top = box.top + box.height * 0.55
    c.rect(box.left, tile_top, box.right, box.bottom, c.lit((200, 225, 230)))
    step = box.height * 0.06
    y = tile_top
    while y < box.bottom:
        c.line([(box.left, y), (box.right, y)], c.lit((170, 195, 200)), max(1.0, c.h * 0.002))
        y += step
    counter = box.bottom - box.height * 0.05
    c.rect(box.left, counter - box.height * 0.3, box.right, counter + c.h * 0.06, c.lit((150, 100, 60)))
    c.rect(box.left, counter - box.height * 0.33, box.right, counter - box.height * 0.3, c.lit((90, 90, 95)))
    for k in range(6):
        x0 = box.left + box.width * k / 6
        c.draw.rectangle(
            (
                x0 + c.w * 0.005,
                counter - box.height * 0.26,
                x0 + box.width / 6 - c.w * 0.005,
                counter + c.h * 0.05,
            ),
            outline=c.lit((110, 70, 40)),
            width=max(1, round(c.h * 0.003)),
        )
        c.ellipse(
            x0 + box.width / 12, counter - box.height * 0.2, c.h * 0.006, c.h * 0.006, c.lit((220, 220, 220))
        )
    for k in range(4):
        cx0 = box.left + box.width * (0.05 + k * 0.075)
        c.rect(
            cx0,
            box.top + box.height * 0.05,
            cx0 + box.width * 0.07,
            box.top + box.height * 0.4,
            c.lit((170, 120, 75)),
        )
    sx = box.left + box.width * 0.75
    c.rect(
        sx,
        counter - box.height * 0.36,
        sx + box.width * 0.18,
        counter - box.height * 0.33,
        c.lit((40, 40, 40)),
    )
    kx, ky = sx + box.width * 0.06, counter - box.height * 0.36
    c.ellipse(kx, ky - box.height * 0.06, box.width * 0.04, box.height * 0.06, c.lit((200, 60, 50)))
    c.line(
        [(kx + box.width * 0.035, ky - box.height * 0.06), (kx + box.width * 0.07, ky - box.height * 0.11)],
        c.lit((200, 60, 50)),
        c.h * 0.008,
    )
    c.draw.arc(
        (kx - box.width * 0.03, ky - box.height * 0.16, kx + box.width * 0.03, ky - box.height * 0.06),
        180,
        360,
        fill=c.lit((40, 40, 40)),
        width=max(1, round(c.h * 0.005)),
    )
    for i in range(3):
        c.ellipse(
            kx + box.width * (0.09 + i * 0.02),
            ky - box.height * (0.14 + i * 0.06),
            c.h * (0.01 + i * 0.006),
            c.h * 0.01,
            (240, 240, 240, 150),
        )
    for k in range(3):
        px = box.left + box.width * (0.75 + k * 0.06)
        c.line(
            [(px, box.top + box.height * 0.1), (px, box.top + box.height * 0.22)],
            c.lit((60, 60, 60)),
            c.h * 0.003,
        )
        c.ellipse(px, box.top + box.height * 0.27, box.width * 0.025, box.width * 0.025, c.lit((80, 80, 85)))
    c.rect(c.w * 0.9, box.top + c.h * 0.05, c.w * 1.0, c.h * 0.85, c.lit((230, 232, 235)))
    c.line([(c.w * 0.915, c.h * 0.35), (c.w * 0.915, c.h * 0.5)], c.lit((150, 150, 155)), c.h * 0.008)
    c.ellipse(c.w * 0.5, c.h * 0.9, c.w * 0.12, c.h * 0.04, c.lit((110, 75, 50)))
    lamp(c, c.w * 0.5, box.top, c.h * 0.04)


def _office(c: Canvas, box: Box, view: View) -> None:
    """An office: a wide window onto the city, desks with glowing screens, chairs, a plant and shelves."""
    window(
        c,
        view,
        box.left + box.width * 0.05,
        box.top + box.height * 0.1,
        box.right - box.width * 0.05,
        box.top + box.height * 0.65,
        panes=4,
    )
    for k in range(3):
        dx = box.left + box.width * (0.05 + k * 0.33)
        top = box.bottom + c.h * 0.06
        c.rect(dx, top, dx + box.width * 0.28, top + c.h * 0.025, c.lit((200, 195, 185)))
        c.rect(
            dx + box.width * 0.01,
            top + c.h * 0.025,
            dx + box.width * 0.02,
            top + c.h * 0.16,
            c.lit((90, 90, 95)),
        )
        c.rect(
            dx + box.width * 0.26,
            top + c.h * 0.025,
            dx + box.width * 0.27,
            top + c.h * 0.16,
            c.lit((90, 90, 95)),
        )
        mx = dx + box.width * 0.14
        c.rect(
            mx - box.width * 0.07,
            top - c.h * 0.12,
            mx + box.width * 0.07,
            top - c.h * 0.02,
            c.lit((30, 30, 35)),
        )
        c.rect(
            mx - box.width * 0.065,
            top - c.h * 0.115,
            mx + box.width * 0.065,
            top - c.h * 0.025,
            (120, 180, 230),
        )
        c.rect(mx - c.w * 0.004, top - c.h * 0.02, mx + c.w * 0.004, top, c.lit((30, 30, 35)))
        c.draw.chord(
            (mx - box.width * 0.06, top + c.h * 0.05, mx + box.width * 0.06, top + c.h * 0.2),
            180,
            360,
            fill=c.lit((40, 40, 50)),
        )
    px = c.w * 0.93
    c.poly(
        [
            (px - c.w * 0.03, c.h),
            (px + c.w * 0.03, c.h),
            (px + c.w * 0.025, c.h * 0.88),
            (px - c.w * 0.025, c.h * 0.88),
        ],
        c.lit((170, 90, 60)),
    )
    for k in range(7):
        a = -math.pi / 2 + (k - 3) * 0.35
        c.ellipse(
            px + math.cos(a) * c.h * 0.08,
            c.h * 0.84 + math.sin(a) * c.h * 0.1,
            c.h * 0.03,
            c.h * 0.05,
            c.lit((50, 130, 60)),
        )
    lamp(c, c.w * 0.3, box.top, c.h * 0.03)
    lamp(c, c.w * 0.7, box.top, c.h * 0.03)


def _classroom(c: Canvas, box: Box, view: View) -> None:
    """A classroom: a blackboard with chalk shapes, a window, and rows of desks facing the board."""
    c.rect(
        box.left + box.width * 0.15,
        box.top + box.height * 0.15,
        box.left + box.width * 0.7,
        box.top + box.height * 0.65,
        c.lit((110, 75, 45)),
    )
    bx0, by0 = box.left + box.width * 0.16, box.top + box.height * 0.17
    bx1, by1 = box.left + box.width * 0.69, box.top + box.height * 0.63
    c.rect(bx0, by0, bx1, by1, c.lit((40, 75, 55)))
    chalk = (235, 235, 225, 220)
    c.draw.ellipse(
        (bx0 + (bx1 - bx0) * 0.1, by0 + (by1 - by0) * 0.2, bx0 + (bx1 - bx0) * 0.3, by0 + (by1 - by0) * 0.6),
        outline=chalk,
        width=max(1, round(c.h * 0.004)),
    )
    c.line(
        [
            (bx0 + (bx1 - bx0) * 0.4, by0 + (by1 - by0) * 0.7),
            (bx0 + (bx1 - bx0) * 0.55, by0 + (by1 - by0) * 0.25),
            (bx0 + (bx1 - bx0) * 0.7, by0 + (by1 - by0) * 0.7),
            (bx0 + (bx1 - bx0) * 0.4, by0 + (by1 - by0) * 0.7),
        ],
        chalk,
        c.h * 0.004,
    )
    c.line(
        [
            (bx0 + (bx1 - bx0) * 0.78, by0 + (by1 - by0) * 0.3),
            (bx0 + (bx1 - bx0) * 0.92, by0 + (by1 - by0) * 0.3),
        ],
        chalk,
        c.h * 0.004,
    )
    window(
        c,
        view,
        box.left + box.width * 0.76,
        box.top + box.height * 0.1,
        box.left + box.width * 0.96,
        box.top + box.height * 0.7,
    )
    for row in range(3):
        t = 0.2 + row * 0.3
        y = box.bottom + (c.h - box.bottom) * t
        size = c.h * (0.05 + 0.05 * t)
        left, right = box.left * (1 - t), box.right + (c.w - box.right) * t
        count = 4
        for k in range(count):
            x = left + (right - left) * (k + 0.5) / count
            c.rect(x - size * 1.2, y - size * 0.25, x + size * 1.2, y, c.lit((190, 140, 80)))
            c.rect(x - size * 1.1, y, x - size, y + size, c.lit((80, 80, 85)))
            c.rect(x + size, y, x + size * 1.1, y + size, c.lit((80, 80, 85)))
            c.rect(x - size * 0.6, y + size * 0.3, x + size * 0.6, y + size * 0.45, c.lit((60, 100, 160)))


def _library(c: Canvas, box: Box, view: View) -> None:
    """A library: shelves of many-coloured books on every wall, a tall window, a table with green lamps."""
    spines = (
        (150, 40, 40),
        (40, 70, 130),
        (60, 110, 60),
        (190, 150, 60),
        (110, 60, 110),
        (200, 180, 150),
        (60, 50, 40),
    )

    def shelves(x0: float, x1: float, y0: float, y1: float) -> None:
        c.rect(x0, y0, x1, y1, c.lit((85, 55, 35)))
        rows = 5
        for r in range(rows):
            ry1 = y0 + (y1 - y0) * (r + 1) / rows
            ry0 = ry1 - (y1 - y0) / rows * 0.82
            x = x0 + (x1 - x0) * 0.02
            while x < x1 - (x1 - x0) * 0.04:
                bw = (x1 - x0) * c.rng.uniform(0.015, 0.035)
                bh = (ry1 - ry0) * c.rng.uniform(0.75, 1.0)
                c.rect(x, ry1 - bh, x + bw, ry1, c.lit(c.rng.choice(spines)))
                x += bw + (x1 - x0) * 0.003
            c.rect(x0, ry1, x1, ry1 + (y1 - y0) * 0.02, c.lit((60, 38, 25)))

    shelves(box.left, box.left + box.width * 0.38, box.top, box.bottom)
    shelves(box.right - box.width * 0.38, box.right, box.top, box.bottom)
    window(
        c,
        view,
        box.left + box.width * 0.42,
        box.top + box.height * 0.08,
        box.right - box.width * 0.42,
        box.top + box.height * 0.75,
        panes=2,
    )
    c.poly(
        [(0, c.h * 0.05), (box.left, box.top), (box.left, box.bottom), (0, c.h * 0.95)], c.lit((70, 45, 30))
    )
    c.poly(
        [(c.w, c.h * 0.05), (box.right, box.top), (box.right, box.bottom), (c.w, c.h * 0.95)],
        c.lit((65, 42, 28)),
    )
    top = c.h * 0.8
    c.rect(c.w * 0.25, top, c.w * 0.75, top + c.h * 0.04, c.lit((110, 70, 40)))
    c.rect(c.w * 0.28, top + c.h * 0.04, c.w * 0.3, c.h, c.lit((90, 58, 35)))
    c.rect(c.w * 0.7, top + c.h * 0.04, c.w * 0.72, c.h, c.lit((90, 58, 35)))
    for lx in (c.w * 0.38, c.w * 0.62):
        c.line([(lx, top), (lx, top - c.h * 0.07)], c.lit((180, 150, 60)), c.h * 0.006)
        c.glow(lx, top - c.h * 0.08, c.h * 0.12, (255, 220, 140), 25)
        c.draw.chord(
            (lx - c.h * 0.05, top - c.h * 0.11, lx + c.h * 0.05, top - c.h * 0.05),
            180,
            360,
            fill=c.lit((30, 110, 60)),
        )
    c.rect(c.w * 0.45, top - c.h * 0.02, c.w * 0.55, top, c.lit((150, 40, 40)))


def _concourse(c: Canvas, box: Box, view: View) -> None:
    """A station concourse: a great arched glass roof, iron columns, a departures board, a hanging clock."""
    sky = view(max(2, round(c.w)), max(2, round(box.bottom)))
    arch_mask = Image.new("L", sky.size, 0)
    from PIL import ImageDraw  # noqa: PLC0415 - the mask's own surface

    ImageDraw.Draw(arch_mask).ellipse(
        (c.w * 0.05, -box.bottom * 0.55, c.w * 0.95, box.bottom * 0.95), fill=255
    )
    ImageDraw.Draw(arch_mask).rectangle((0, box.bottom * 0.5, c.w, box.bottom), fill=0)
    c.image.paste(sky, (0, 0), arch_mask)
    iron = c.lit((70, 75, 80))
    cx, cy = c.w * 0.5, box.bottom * 0.5
    for k in range(13):
        a = math.pi + math.pi * k / 12
        c.line(
            [(cx, cy), (cx + math.cos(a) * c.w * 0.45, cy + math.sin(a) * box.bottom * 1.05)],
            iron,
            c.h * 0.005,
        )
    for k in range(1, 4):
        c.draw.arc(
            (
                cx - c.w * 0.45 * k / 4,
                cy - box.bottom * 1.05 * k / 4,
                cx + c.w * 0.45 * k / 4,
                cy + box.bottom * 1.05 * k / 4,
            ),
            180,
            360,
            fill=iron,
            width=max(1, round(c.h * 0.004)),
        )
    c.draw.arc(
        (c.w * 0.05, -box.bottom * 0.55, c.w * 0.95, box.bottom * 0.95),
        180,
        360,
        fill=iron,
        width=max(1, round(c.h * 0.012)),
    )
    c.rect(0, cy, c.w, cy + c.h * 0.02, iron)
    for k in range(6):
        x = c.w * (0.05 + 0.18 * k)
        c.rect(x - c.w * 0.008, cy, x + c.w * 0.008, box.bottom, iron)
    bw, bh = c.w * 0.3, c.h * 0.1
    bx, by = c.w * 0.5 - bw / 2, cy + c.h * 0.04
    c.rect(
        bx - c.w * 0.005, by - c.h * 0.005, bx + bw + c.w * 0.005, by + bh + c.h * 0.005, c.lit((50, 50, 55))
    )
    c.rect(bx, by, bx + bw, by + bh, (20, 22, 28))
    for line in range(4):
        ly = by + bh * (0.15 + line * 0.2)
        x = bx + bw * 0.05
        while x < bx + bw * 0.9:
            seg = bw * c.rng.uniform(0.04, 0.14)
            c.rect(x, ly, min(x + seg, bx + bw * 0.95), ly + bh * 0.09, (255, 190, 60))
            x += seg + bw * 0.03
    kx, ky, r = c.w * 0.5, by + bh + c.h * 0.07, c.h * 0.035
    c.line([(kx, by + bh), (kx, ky - r)], iron, c.h * 0.004)
    c.ellipse(kx, ky, r * 1.15, r * 1.15, iron)
    c.ellipse(kx, ky, r, r, c.lit((245, 240, 225)))
    c.line([(kx, ky), (kx, ky - r * 0.7)], (20, 20, 20), r * 0.12)
    c.line([(kx, ky), (kx + r * 0.5, ky + r * 0.3)], (20, 20, 20), r * 0.12)


def _cafe(c: Canvas, box: Box, view: View) -> None:
    """A café: a window, a counter with an espresso machine and cups, pendant lamps, small round tables."""
    window(
        c,
        view,
        box.left + box.width * 0.05,
        box.top + box.height * 0.12,
        box.left + box.width * 0.45,
        box.top + box.height * 0.7,
        panes=3,
    )
    c.rect(
        box.left + box.width * 0.55,
        box.top + box.height * 0.12,
        box.left + box.width * 0.92,
        box.top + box.height * 0.5,
        c.lit((35, 40, 38)),
    )
    for r in range(4):
        y = box.top + box.height * (0.2 + r * 0.075)
        c.line(
            [(box.left + box.width * 0.58, y), (box.left + box.width * c.rng.uniform(0.7, 0.88), y)],
            (230, 230, 220, 200),
            c.h * 0.003,
        )
    top = box.bottom - box.height * 0.25
    c.rect(box.left + box.width * 0.5, top, box.right, box.bottom + c.h * 0.05, c.lit((90, 55, 35)))
    c.rect(box.left + box.width * 0.5, top - c.h * 0.01, box.right, top, c.lit((200, 190, 170)))
    mx = box.left + box.width * 0.72
    c.rect(mx, top - box.height * 0.2, mx + box.width * 0.14, top - c.h * 0.01, c.lit((190, 190, 195)))
    c.rect(
        mx + box.width * 0.01,
        top - box.height * 0.22,
        mx + box.width * 0.13,
        top - box.height * 0.2,
        c.lit((60, 60, 60)),
    )
    for k in range(3):
        c.rect(
            mx + box.width * (0.025 + k * 0.04),
            top - box.height * 0.09,
            mx + box.width * (0.035 + k * 0.04),
            top - box.height * 0.05,
            c.lit((40, 40, 40)),
        )
    for k in range(4):
        cx0 = box.left + box.width * (0.55 + k * 0.04)
        c.rect(
            cx0, top - box.height * 0.05, cx0 + box.width * 0.025, top - c.h * 0.01, c.lit((250, 250, 245))
        )
    for lx in (0.25, 0.5, 0.75):
        lamp(c, c.w * lx, box.top + box.height * 0.2, c.h * 0.035)
    for tx in (0.22, 0.55, 0.85):
        x, y = c.w * tx, c.h * 0.82
        c.ellipse(x, y, c.w * 0.06, c.h * 0.02, c.lit((230, 225, 215)))
        c.rect(x - c.w * 0.005, y, x + c.w * 0.005, c.h * 0.97, c.lit((50, 50, 50)))
        c.ellipse(x, c.h * 0.97, c.w * 0.03, c.h * 0.008, c.lit((50, 50, 50)))
        c.ellipse(x - c.w * 0.02, y - c.h * 0.01, c.w * 0.01, c.h * 0.008, c.lit((250, 250, 250)))
        for k in (-1, 1):
            sx = x + k * c.w * 0.08
            c.rect(sx - c.w * 0.02, y + c.h * 0.03, sx + c.w * 0.02, y + c.h * 0.045, c.lit((120, 70, 40)))
            c.rect(
                sx + k * c.w * 0.015, y - c.h * 0.06, sx + k * c.w * 0.02, c.h * 0.98, c.lit((120, 70, 40))
            )
            c.rect(
                sx - k * c.w * 0.018, y + c.h * 0.045, sx - k * c.w * 0.014, c.h * 0.98, c.lit((120, 70, 40))
            )


def _compartment(c: Canvas, box: Box, view: View) -> None:
    """Inside a train carriage: a row of windows with the landscape going by, seats down the aisle, racks."""
    wall = c.lit(_WALLS["compartment"])
    c.rect(0, 0, c.w, c.h, wall)
    count = 3
    for k in range(count):
        x0 = c.w * (0.06 + k * 0.32)
        window(c, view, x0, c.h * 0.14, x0 + c.w * 0.24, c.h * 0.5, panes=1)
        c.draw.rounded_rectangle(
            (x0, c.h * 0.14, x0 + c.w * 0.24, c.h * 0.5),
            radius=round(c.h * 0.03),
            outline=c.lit((160, 150, 140)),
            width=max(1, round(c.h * 0.012)),
        )
    for k in range(count + 1):
        x = c.w * (0.02 + k * 0.32)
        c.rect(x, c.h * 0.05, x + c.w * 0.22, c.h * 0.075, c.lit((150, 150, 155)))
    c.rect(0, c.h * 0.6, c.w, c.h, c.lit((90, 80, 85)))
    seat = c.lit((50, 80, 140))
    for k in range(count + 1):
        x = c.w * (0.0 + k * 0.32)
        c.draw.rounded_rectangle(
            (x, c.h * 0.42, x + c.w * 0.12, c.h * 0.8), radius=round(c.h * 0.03), fill=seat
        )
        c.rect(x + c.w * 0.01, c.h * 0.42, x + c.w * 0.11, c.h * 0.48, c.lit((235, 235, 240)))
        c.rect(x - c.w * 0.02, c.h * 0.72, x + c.w * 0.2, c.h * 0.8, seat)
        c.rect(x - c.w * 0.02, c.h * 0.8, x + c.w * 0.2, c.h * 0.83, c.lit((40, 45, 60)))
    c.rect(0, c.h * 0.9, c.w, c.h, c.lit((120, 40, 40)))
    c.horizon = c.h * 0.6
    del box


ROOMS = {
    "room": _room,
    "kitchen": _kitchen,
    "office": _office,
    "classroom": _classroom,
    "library": _library,
    "concourse": _concourse,
    "cafe": _cafe,
    "compartment": _compartment,
}
