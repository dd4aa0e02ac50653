"""The world behind the subjects: sky, land or water, per place (exterior), drawn first."""

from __future__ import annotations

import math

from PIL import Image

from videogen.providers.illustrator.canvas import Canvas, mix, shift
from videogen.providers.illustrator.lexicon import TimeOfDay
from videogen.providers.illustrator.planner import AFLOAT

WATER_PLACES = frozenset({"sea", "island"})


def sky(c: Canvas) -> None:
    """The sky's gradient, its stars at night, and the sun or a low moon."""
    gradient = Image.linear_gradient("L").resize((c.w, max(1, round(c.horizon))), Image.Resampling.BILINEAR)
    top = Image.new("RGB", gradient.size, c.sky_top)
    c.image.paste(Image.composite(Image.new("RGB", gradient.size, c.haze), top, gradient), (0, 0))
    if c.dark or c.plan.place == "space":
        for _ in range(int(c.w * c.h / 5000) + 30):
            x, y = c.rng.uniform(0, c.w), c.rng.uniform(0, c.horizon * 0.95)
            r = c.rng.choice((0.6, 0.8, 1.0, 1.5)) * c.h / 720
            c.ellipse(x, y, r, r, (255, 255, 235, c.rng.randint(90, 255)))
    if c.gloomy or c.plan.place == "space":
        return
    names = {placed.subject for placed in c.plan.subjects}
    if c.dark:
        if "moon" not in names:
            r = c.h * 0.035
            cx, cy = c.w * c.rng.uniform(0.6, 0.9), c.horizon * 0.25
            c.glow(cx, cy, r * 3, (200, 210, 255), 10)
            c.ellipse(cx, cy, r, r, (235, 232, 215))
        return
    low = c.time in (TimeOfDay.DAWN, TimeOfDay.DUSK)
    cx = c.w * c.rng.uniform(0.15, 0.85)
    cy = c.horizon * (c.rng.uniform(0.7, 0.9) if low else c.rng.uniform(0.2, 0.4))
    r = c.h * c.rng.uniform(0.045, 0.07)
    body, glow = ((255, 200, 120), (255, 150, 80)) if low else ((255, 250, 220), (255, 240, 190))
    c.glow(cx, cy, r * 3.2, glow, 18)
    c.ellipse(cx, cy, r, r, body)


def clouds(c: Canvas) -> None:
    """Soft clouds by day; a low heavy deck under rain and storm."""
    heavy = bool({"storm", "rain"} & c.weather)
    count = c.rng.randint(8, 12) if heavy else c.rng.randint(2, 5)
    for _ in range(count):
        cx = c.rng.uniform(-0.1, 1.1) * c.w
        cy = c.rng.uniform(0.02, 0.35 if heavy else 0.45) * c.horizon
        size = c.h * c.rng.uniform(0.05, 0.1) * (1.6 if heavy else 1.0)
        color = (
            (60, 62, 72, 150)
            if "storm" in c.weather
            else (120, 125, 135, 120)
            if heavy
            else (255, 255, 255, 60 if c.dark else 130)
        )
        if c.dark and not heavy:
            color = (150, 160, 200, 12)
        for _ in range(c.rng.randint(4, 7)):
            dx, dy = c.rng.uniform(-2.2, 2.2) * size, c.rng.uniform(-0.5, 0.3) * size
            r = size * c.rng.uniform(0.7, 1.3)
            c.ellipse(cx + dx, cy + dy, r * 1.4, r, color)


def far_land(
    c: Canvas, *, jagged: bool, color: tuple[int, int, int], layers: int = 2, height: float = 0.08
) -> None:
    """Ranges of hills or mountains on the horizon, fading into the haze with distance."""
    for layer in range(layers):
        depth = 1 - layer / layers
        base = c.horizon - c.h * 0.03 * (layers - 1 - layer)
        ridge = c.ridge(base, c.h * height * (0.5 + 0.5 * depth), jagged=jagged)
        c.fill_below(ridge, c.lit(shift(color, c.plan.hue, -0.06 * layer), far=0.6 * depth))
        if jagged and layer == 0:
            peak, lowest = min(y for _, y in ridge), max(y for _, y in ridge)
            line = peak + (lowest - peak) * 0.4
            lower = [(x, y + max(0.0, line - y) * 0.6) for x, y in reversed(ridge)]
            c.poly([*ridge, *lower], c.lit((245, 248, 255), 170, far=0.3))


def ground(c: Canvas, color: tuple[int, int, int]) -> None:
    """The land from the horizon to the bottom edge, in two gently rolling bands."""
    c.rect(0, c.horizon, c.w, c.h, c.lit(color, far=0.35))
    for layer in range(2):
        base = c.horizon + c.h * (0.06 + 0.12 * layer)
        ridge = c.ridge(base, c.h * 0.025, jagged=False)
        c.fill_below(ridge, c.lit(shift(color, c.plan.hue, 0.03 - 0.04 * layer), far=0.2 * (1 - layer)))


def water(c: Canvas) -> None:
    """The sea from the horizon down: darker with depth, with wave glints growing nearer."""
    top = mix((40, 100, 150), c.haze, 0.4)
    c.rect(0, c.horizon, c.w, c.h, c.lit(top))
    y0 = round(c.horizon)
    if c.h - y0 > 1:
        fade = Image.linear_gradient("L").resize((c.w, c.h - y0), Image.Resampling.BILINEAR)
        deep = c.lit((15, 50, 95))[:3]
        c.image.paste(deep, (0, y0, c.w, c.h), mask=fade.point(lambda v: v * 3 // 4))
    glint = (255, 255, 255, 70) if not c.dark else (180, 200, 255, 40)
    for _ in range(int(50 * c.w / c.h)):
        t = c.rng.uniform(0.02, 1)
        y = c.horizon + (c.h - c.horizon) * t * t
        x = c.rng.uniform(0, c.w)
        half = c.w * 0.025 * (0.3 + t)
        c.line([(x - half, y), (x + half, y)], glint, c.h * 0.003 * (0.5 + t))


def countryside(c: Canvas) -> None:
    far_land(c, jagged=False, color=(90, 140, 100))
    ground(c, _snowy(c, (95, 150, 70)))
    _trees(c, c.rng.randint(2, 5), conifer=c.rng.random() < 0.3, near=False)


def forest(c: Canvas) -> None:
    far_land(c, jagged=False, color=(50, 100, 70), height=0.1)
    ground(c, _snowy(c, (60, 110, 55)))
    _trees(c, c.rng.randint(14, 22), conifer=c.rng.random() < 0.6, near=True)


def mountain(c: Canvas) -> None:
    far_land(c, jagged=True, color=(80, 100, 125), layers=3, height=0.2)
    ground(c, _snowy(c, (100, 130, 80)))
    _trees(c, c.rng.randint(3, 7), conifer=True, near=False)


def desert(c: Canvas) -> None:
    far_land(c, jagged=False, color=(200, 150, 100), height=0.05)
    ground(c, (225, 185, 120))
    for _ in range(c.rng.randint(1, 3)):
        x, t = c.rng.uniform(0.05, 0.95) * c.w, c.rng.uniform(0.2, 0.9)
        _cactus(c, x, c.ground_y(t), c.h * (0.06 + 0.12 * t))


def sea(c: Canvas) -> None:
    """Open water; a far coast when something stands on it, a beach in front when something walks there."""
    ashore = [placed for placed in c.plan.subjects if placed.subject not in AFLOAT]
    if ashore or c.rng.random() < 0.6:
        far_land(c, jagged=c.rng.random() < 0.5, color=(80, 110, 120), layers=1, height=0.04)
    water(c)
    if any(placed.depth > 0.8 for placed in ashore):
        beach(c)


def beach(c: Canvas) -> None:
    """A sandy beach across the foreground, with the wash of the last wave."""
    shore = c.ridge(c.ground_y(0.8), c.h * 0.015, jagged=False)
    c.fill_below([(x, y + c.h * 0.01) for x, y in shore], (255, 255, 255, 120))
    c.fill_below(shore, c.lit((225, 200, 150)))


def island(c: Canvas) -> None:
    water(c)
    if any(placed.depth > 0.8 for placed in c.plan.subjects if placed.subject not in AFLOAT):
        beach(c)
    cx, w = c.w * c.rng.uniform(0.35, 0.65), c.w * c.rng.uniform(0.3, 0.45)
    base = c.ground_y(0.12)
    hump = [
        (cx - w / 2 + w * i / 40, base - c.h * 0.12 * math.sin(math.pi * i / 40) ** 0.7) for i in range(41)
    ]
    c.poly(hump, c.lit((70, 130, 70), far=0.2))
    c.poly(
        [
            (cx - w / 2, base),
            (cx + w / 2, base),
            (cx + w / 2 * 1.05, base + c.h * 0.01),
            (cx - w / 2 * 1.05, base + c.h * 0.01),
        ],
        c.lit((225, 205, 150)),
    )
    for i in range(c.rng.randint(2, 4)):
        _palm(c, cx - w * 0.3 + w * 0.6 * i / 3, base - c.h * 0.02, c.h * 0.09)


def city(c: Canvas) -> None:
    """A skyline with windows (lit at night) over a street."""
    far_land(c, jagged=False, color=(110, 120, 140), layers=1, height=0.04)
    skyline(c, c.horizon + c.h * 0.02, far=True)
    skyline(c, c.horizon + c.h * 0.08, far=False)
    c.rect(0, c.horizon + c.h * 0.08, c.w, c.h, c.lit((110, 110, 115)))
    c.rect(0, c.horizon + c.h * 0.08, c.w, c.horizon + c.h * 0.1, c.lit((150, 150, 150)))
    lamp = (255, 210, 130)
    spacing = c.w / c.rng.randint(3, 5)
    x = spacing / 2
    while x < c.w:
        top = c.horizon + c.h * 0.02
        c.line([(x, c.horizon + c.h * 0.1), (x, top)], c.lit((40, 40, 45)), c.h * 0.005)
        if c.dark or c.time is TimeOfDay.DUSK:
            c.glow(x, top, c.h * 0.05, lamp, 30)
        c.ellipse(x, top, c.h * 0.007, c.h * 0.007, lamp if c.dark else c.lit((230, 230, 210)))
        x += spacing


def skyline(c: Canvas, base: float, *, far: bool) -> None:
    x = -c.rng.uniform(0, c.w * 0.03)
    body = c.lit((80, 85, 105) if far else (60, 62, 80), far=0.4 if far else 0.0)
    lit_window = (255, 215, 120, 235) if c.dark or c.time is TimeOfDay.DUSK else c.lit((170, 195, 220), 200)
    odds = 0.5 if c.dark else 0.35
    while x < c.w:
        bw = c.h * c.rng.uniform(0.06, 0.14)
        bh = c.h * c.rng.uniform(0.12, 0.32) * (1.3 if far else 1.0)
        c.rect(x, base - bh, x + bw, base, body)
        if c.rng.random() < 0.2:
            c.poly(
                [
                    (x + bw * 0.3, base - bh),
                    (x + bw * 0.5, base - bh - c.h * 0.05),
                    (x + bw * 0.7, base - bh),
                ],
                body,
            )
        win = max(1.0, c.h * 0.011)
        wy = base - bh + win * 1.5
        while wy < base - win * 2:
            wx = x + win
            while wx < x + bw - win * 1.5:
                if c.rng.random() < odds:
                    c.rect(wx, wy, wx + win * 0.8, wy + win, lit_window)
                wx += win * 1.7
            wy += win * 2.1
        x += bw + c.h * c.rng.uniform(0.0, 0.015)


def space(c: Canvas) -> None:
    """Deep space: a nebula's haze over the stars, and a grey moonscape below."""
    for _ in range(6):
        cx, cy = c.rng.uniform(0, c.w), c.rng.uniform(0, c.horizon)
        r = c.h * c.rng.uniform(0.15, 0.3)
        c.glow(cx, cy, r, c.rng.choice(((120, 60, 180), (60, 90, 200), (200, 70, 140))), 10)
    ridge = c.ridge(c.ground_y(0.1), c.h * 0.03, jagged=True)
    c.fill_below(ridge, (95, 95, 105))
    for _ in range(c.rng.randint(5, 10)):
        t = c.rng.uniform(0.2, 1)
        x, y, r = c.rng.uniform(0, c.w), c.ground_y(t), c.h * 0.03 * (0.3 + t)
        c.ellipse(x, y, r, r * 0.35, (70, 70, 80))
        c.ellipse(x, y - r * 0.05, r * 0.8, r * 0.25, (110, 110, 120))


def underwater(c: Canvas) -> None:
    """Below the surface: blue deepening downwards, light shafts, a sandy floor, weed and bubbles."""
    gradient = Image.linear_gradient("L").resize((c.w, c.h), Image.Resampling.BILINEAR)
    c.image.paste(
        Image.composite(
            Image.new("RGB", (c.w, c.h), (8, 40, 80)), Image.new("RGB", (c.w, c.h), (40, 150, 190)), gradient
        ),
        (0, 0),
    )
    for _ in range(5):
        x = c.rng.uniform(0, c.w)
        spread = c.w * c.rng.uniform(0.04, 0.1)
        c.poly([(x, 0), (x + spread * 0.3, 0), (x + spread * 2, c.h), (x + spread, c.h)], (200, 240, 255, 22))
    floor = c.ridge(c.h * 0.88, c.h * 0.03, jagged=False)
    c.fill_below(floor, (190, 170, 120))
    for _ in range(c.rng.randint(6, 12)):
        x, height = c.rng.uniform(0, c.w), c.h * c.rng.uniform(0.1, 0.3)
        points = [(x + math.sin(i * 0.9 + x) * c.h * 0.015, c.h * 0.92 - height * i / 8) for i in range(9)]
        c.line(points, c.rng.choice(((40, 120, 70), (60, 140, 60), (90, 60, 120))), c.h * 0.012)
    for _ in range(c.rng.randint(4, 8)):
        x, y = c.rng.uniform(0, c.w), c.rng.uniform(0.86, 0.96) * c.h
        r = c.h * c.rng.uniform(0.02, 0.05)
        c.ellipse(x, y, r, r * 0.7, c.rng.choice(((230, 110, 90), (250, 160, 80), (220, 90, 150))))
    for _ in range(25):
        x, y, r = c.rng.uniform(0, c.w), c.rng.uniform(0, c.h * 0.85), c.h * c.rng.uniform(0.003, 0.01)
        c.draw.ellipse((x - r, y - r, x + r, y + r), outline=(220, 245, 255, 150), width=max(1, round(r / 3)))
    c.horizon = c.h * 0.55


def cave_mouth(c: Canvas) -> None:
    """Dark rock all round the frame with a ragged opening onto the world outside, and a few stalactites."""
    mask = Image.new("L", (c.w, c.h), 255)
    from PIL import ImageDraw  # noqa: PLC0415 - a second drawing surface, for the mask only

    hole = ImageDraw.Draw(mask)
    cx, cy = c.w * c.rng.uniform(0.42, 0.58), c.h * 0.5
    rx, ry = c.w * 0.36, c.h * 0.38
    points = []
    for i in range(48):
        a = 2 * math.pi * i / 48
        wobble = 1 + c.rng.uniform(-0.12, 0.08)
        points.append(
            (cx + math.cos(a) * rx * wobble, cy + math.sin(a) * ry * wobble * (0.8 if a < math.pi else 1))
        )
    hole.polygon(points, fill=0)
    c.image.paste(c.lit((55, 45, 40))[:3], (0, 0, c.w, c.h), mask)
    for _ in range(c.rng.randint(6, 12)):
        x = c.rng.uniform(0.1, 0.9) * c.w
        length = c.h * c.rng.uniform(0.06, 0.16)
        top = cy - ry * 0.95
        c.poly(
            [(x - c.h * 0.02, top - c.h * 0.05), (x + c.h * 0.02, top - c.h * 0.05), (x, top + length)],
            c.lit((70, 58, 50)),
        )
    c.rect(0, c.h * 0.86, c.w, c.h, c.lit((75, 62, 55)))
    c.horizon = c.h * 0.8


PLACES = {
    "countryside": countryside,
    "forest": forest,
    "mountain": mountain,
    "desert": desert,
    "sea": sea,
    "island": island,
    "city": city,
    "space": space,
    "underwater": underwater,
    "cave": countryside,
}


def _snowy(c: Canvas, color: tuple[int, int, int]) -> tuple[int, int, int]:
    return (228, 234, 244) if "snow" in c.weather else color


def _trees(c: Canvas, count: int, *, conifer: bool, near: bool) -> None:
    for _ in range(count):
        t = c.rng.uniform(0, 1) if near else c.rng.uniform(0, 0.35)
        x = c.rng.uniform(0, c.w)
        tree(c, x, c.ground_y(0.04 + 0.5 * t), c.h * (0.08 + 0.22 * t), conifer=conifer, far=0.4 * (1 - t))


def tree(c: Canvas, x: float, y: float, size: float, *, conifer: bool, far: float = 0.0) -> None:
    trunk, crown = c.lit((70, 48, 35), far=far), c.lit(shift((40, 105, 55), c.plan.hue), far=far)
    c.rect(x - size * 0.05, y - size * 0.35, x + size * 0.05, y, trunk)
    if conifer:
        for tier in range(3):
            top = y - size * (1.05 - tier * 0.22)
            half = size * (0.18 + tier * 0.08)
            c.poly([(x, top), (x - half, top + size * 0.45), (x + half, top + size * 0.45)], crown)
            if "snow" in c.weather:
                c.poly(
                    [(x, top), (x - half * 0.4, top + size * 0.18), (x + half * 0.4, top + size * 0.18)],
                    c.lit((245, 248, 255)),
                )
    else:
        r = size * 0.33
        c.ellipse(x, y - size * 0.35 - r * 0.8, r, r, crown)
        c.ellipse(
            x - r * 0.3,
            y - size * 0.35 - r * 1.1,
            r * 0.6,
            r * 0.6,
            c.lit(shift((60, 130, 70), c.plan.hue), far=far),
        )


def _cactus(c: Canvas, x: float, y: float, size: float) -> None:
    green = c.lit((60, 130, 70))
    w = size * 0.12
    c.rect(x - w, y - size, x + w, y, green)
    c.ellipse(x, y - size, w, w, green)
    for side in (-1, 1):
        arm_y = y - size * c.rng.uniform(0.4, 0.7)
        c.rect(x, arm_y - w * 0.8, x + side * size * 0.3, arm_y + w * 0.8, green)
        c.rect(
            x + side * size * 0.3 - w * 0.8, arm_y - size * 0.3, x + side * size * 0.3 + w * 0.8, arm_y, green
        )


def _palm(c: Canvas, x: float, y: float, size: float) -> None:
    top = (x + size * 0.2, y - size)
    c.line([(x, y), (x + size * 0.1, y - size * 0.5), top], c.lit((110, 80, 50)), size * 0.06)
    for angle in range(0, 360, 60):
        a = math.radians(angle + 20)
        end = (top[0] + math.cos(a) * size * 0.5, top[1] + math.sin(a) * size * 0.25 + size * 0.12)
        c.line(
            [top, ((top[0] + end[0]) / 2, min(top[1], end[1]) - size * 0.08), end],
            c.lit((40, 120, 60)),
            size * 0.05,
        )
