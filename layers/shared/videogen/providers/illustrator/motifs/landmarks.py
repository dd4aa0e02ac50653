"""Large subjects standing in the landscape: lighthouse, volcano, castle, station, windmill..."""

from __future__ import annotations

import math

from videogen.providers.illustrator.canvas import Canvas, Point
from videogen.providers.illustrator.lexicon import TimeOfDay
from videogen.providers.illustrator.planner import Placement


def _where(c: Canvas, p: Placement) -> tuple[float, float, float]:
    """The subject's foot (x, y) and its size in pixels."""
    return p.x * c.w, c.ground_y(p.depth), p.scale * c.h


def _window_color(c: Canvas) -> tuple[int, int, int, int]:
    if c.dark or c.time is TimeOfDay.DUSK or c.gloomy:
        return (255, 205, 110, 255)
    return c.lit((60, 75, 100))


def lighthouse(c: Canvas, p: Placement) -> None:
    """A striped tower on a rock, its lantern lit and its beam sweeping out over the water."""
    x, y, s = _where(c, p)
    rock = c.lit((75, 70, 70))
    c.poly(
        [
            (x - s * 0.3, y + s * 0.03),
            (x - s * 0.2, y - s * 0.06),
            (x + s * 0.05, y - s * 0.09),
            (x + s * 0.25, y - s * 0.05),
            (x + s * 0.33, y + s * 0.03),
        ],
        rock,
    )
    base, top = y - s * 0.06, y - s * 0.78
    half_base, half_top = s * 0.09, s * 0.055
    bands = 5
    for i in range(bands):
        y0 = base + (top - base) * i / bands
        y1 = base + (top - base) * (i + 1) / bands
        hw0 = half_base + (half_top - half_base) * i / bands
        hw1 = half_base + (half_top - half_base) * (i + 1) / bands
        color = (200, 40, 45) if i % 2 else (245, 245, 240)
        c.poly([(x - hw0, y0), (x + hw0, y0), (x + hw1, y1), (x - hw1, y1)], c.lit(color))
    c.rect(x - half_top * 1.5, top - s * 0.015, x + half_top * 1.5, top, c.lit((40, 40, 45)))
    lamp_top = top - s * 0.1
    lantern = (255, 235, 150)
    beam_alpha = 120 if c.dark or c.gloomy or c.time is TimeOfDay.DUSK else 60
    ly = (top + lamp_top) / 2
    side = -1 if p.flip else 1
    reach = c.w * 0.9
    spread = s * 0.16
    c.poly(
        [
            (x, ly - s * 0.015),
            (x + side * reach, ly - spread - reach * 0.08),
            (x + side * reach, ly + spread - reach * 0.02),
            (x, ly + s * 0.015),
        ],
        (*lantern, beam_alpha // 2),
    )
    c.poly(
        [
            (x, ly - s * 0.01),
            (x + side * reach, ly - spread * 0.4 - reach * 0.05),
            (x + side * reach, ly + spread * 0.4 - reach * 0.05),
            (x, ly + s * 0.01),
        ],
        (*lantern, beam_alpha),
    )
    c.poly(
        [(x, ly), (x - side * reach * 0.3, ly - spread * 0.6), (x - side * reach * 0.3, ly + spread * 0.3)],
        (*lantern, beam_alpha // 3),
    )
    c.glow(x, ly, s * 0.16, lantern, 45 if c.dark else 25)
    c.rect(x - half_top, lamp_top, x + half_top, top - s * 0.012, (*lantern, 255))
    for k in (-0.5, 0.0, 0.5):
        c.line([(x + half_top * k, lamp_top), (x + half_top * k, top)], c.lit((40, 40, 45)), s * 0.006)
    c.poly(
        [(x - half_top * 1.25, lamp_top), (x + half_top * 1.25, lamp_top), (x, lamp_top - s * 0.07)],
        c.lit((190, 35, 40)),
    )


def volcano(c: Canvas, p: Placement) -> None:
    """A cone with a glowing crater, lava running down its flanks and an ash column above."""
    x, y, s = _where(c, p)
    s *= 1.1
    half = s * 1.1
    rim = s * 0.16
    side: list[Point] = []
    for i in range(21):
        t = i / 20
        # Concave flanks: steep near the top, spreading at the foot.
        dx = rim + (half - rim) * t**1.6
        side.append((x - dx, y - s + s * t))
    right = [(2 * x - px, py) for px, py in reversed(side)]
    c.poly([*side, *right], c.lit((95, 75, 70)))
    c.poly([*side[:12], (x, y - s * 0.4), *right[-12:]], c.lit((115, 90, 80), 140))
    crater_y = y - s
    lava = (255, 110, 30)
    c.glow(x, crater_y, s * 0.5, (255, 120, 40), 50)
    c.ellipse(x, crater_y, rim, rim * 0.25, (255, 170, 60))
    for k in range(3):
        px = x + rim * (k - 1) * 0.6
        points = [(px, crater_y)]
        py = crater_y
        for _ in range(8):
            py += s * 0.11
            px += c.rng.uniform(-0.06, 0.06) * s + (k - 1) * s * 0.05
            points.append((px, min(py, y)))
        c.line(points, (*lava, 255), s * 0.035)
        c.line(points, (255, 210, 90, 255), s * 0.012)
    for i in range(9):
        r = s * (0.1 + i * 0.045)
        cx = x + math.sin(i * 1.3) * s * 0.07 + i * s * 0.04 * (1 if p.flip else -1)
        cy = crater_y - s * 0.12 - i * s * 0.11
        shade = 70 + i * 8
        c.ellipse(cx, cy, r, r * 0.8, (shade, shade - 5, shade - 8, 210))
        c.ellipse(cx, cy + r * 0.4, r * 0.8, r * 0.4, (255, 120, 40, max(0, 120 - i * 20)))


def lava(c: Canvas, p: Placement) -> None:
    """Tongues of molten rock flowing towards the viewer: a dark crust, a glowing core, bright cracks."""
    c.glow(c.w / 2, c.h, c.h * 0.6, (255, 110, 40), 25)
    for k in range(3):
        x0 = c.w * (0.2 + 0.3 * k + c.rng.uniform(-0.08, 0.08))
        drift = c.rng.uniform(-0.15, 0.15) * c.w
        left: list[Point] = []
        right: list[Point] = []
        for i in range(13):
            t = i / 12
            y = c.ground_y(0.12 + 0.88 * t)
            cx = x0 + drift * t + math.sin(t * 6 + k) * c.w * 0.015
            half = c.w * (0.003 + 0.06 * t) * (1 + 0.25 * math.sin(t * 9 + k))
            left.append((cx - half, y))
            right.append((cx + half, y))
        outline = [*left, *reversed(right)]
        c.poly(outline, (70, 25, 20, 255))
        core = [((lx + rx) / 2 - (rx - lx) * 0.32, ly) for (lx, ly), (rx, _) in zip(left, right, strict=True)]
        core_r = [
            ((lx + rx) / 2 + (rx - lx) * 0.32, ly) for (lx, ly), (rx, _) in zip(left, right, strict=True)
        ]
        c.poly([*core, *reversed(core_r)], (255, 105, 25, 255))
        for i in range(1, 12):
            (lx, ly), (rx, _) = left[i], right[i]
            mid = (lx + rx) / 2 + c.rng.uniform(-0.2, 0.2) * (rx - lx)
            c.line(
                [(mid - (rx - lx) * 0.15, ly), (mid + (rx - lx) * 0.1, ly + c.h * 0.01)],
                (255, 220, 100, 255),
                max(1.0, c.h * 0.004),
            )
    del p


def station(c: Canvas, p: Placement) -> None:
    """A railway station: a brick front with an arched glass train shed, a round clock and a platform."""
    x, y, s = _where(c, p)
    w = s * 1.6
    brick = c.lit((150, 80, 60))
    c.rect(x - w / 2, y - s * 0.55, x + w / 2, y, brick)
    arch = [
        (x + math.cos(math.pi * i / 24) * w * 0.42, y - s * 0.55 - math.sin(math.pi * i / 24) * s * 0.45)
        for i in range(25)
    ]
    c.poly(arch, c.lit((120, 150, 170), 230))
    for i in range(1, 8):
        a = math.pi * i / 8
        c.line(
            [(x, y - s * 0.55), (x + math.cos(a) * w * 0.42, y - s * 0.55 - math.sin(a) * s * 0.45)],
            c.lit((60, 60, 70)),
            s * 0.012,
        )
    c.draw.arc(
        (x - w * 0.42, y - s, x + w * 0.42, y - s * 0.1),
        180,
        360,
        fill=c.lit((60, 60, 70)),
        width=max(1, round(s * 0.02)),
    )
    glow = _window_color(c)
    for i in range(5):
        ax = x - w * 0.4 + w * 0.2 * i
        c.rect(ax - w * 0.05, y - s * 0.35, ax + w * 0.05, y - s * 0.02, glow)
        c.ellipse(ax, y - s * 0.35, w * 0.05, w * 0.05, glow)
    cx, cy, r = x, y - s * 0.62, s * 0.09
    c.ellipse(cx, cy, r * 1.15, r * 1.15, c.lit((50, 50, 55)))
    c.ellipse(cx, cy, r, r, c.lit((245, 240, 225)))
    c.line([(cx, cy), (cx, cy - r * 0.75)], (30, 30, 30), r * 0.12)
    c.line([(cx, cy), (cx + r * 0.5, cy + r * 0.2)], (30, 30, 30), r * 0.12)
    c.rect(0, y, c.w, y + s * 0.06, c.lit((170, 165, 155)))
    c.rect(0, y + s * 0.04, c.w, y + s * 0.06, c.lit((230, 200, 60)))
    rails(c, y + s * 0.14, s * 0.05)


def rails(c: Canvas, y: float, gauge: float) -> None:
    """Two steel rails on wooden sleepers across the frame at height ``y``."""
    c.rect(0, y - gauge * 0.2, c.w, y + gauge * 1.3, c.lit((120, 110, 100)))
    step = gauge * 1.4
    x = 0.0
    while x < c.w:
        c.rect(x, y - gauge * 0.1, x + gauge * 0.5, y + gauge * 1.2, c.lit((90, 65, 45)))
        x += step
    for ry in (y, y + gauge):
        c.rect(0, ry - gauge * 0.12, c.w, ry + gauge * 0.12, c.lit((190, 190, 200)))


def harbour(c: Canvas, p: Placement) -> None:
    """A stone quay with bollards and a row of harbour houses, boats moored along it."""
    _, y, s = _where(c, p)
    left = p.x < 0.5
    x0, x1 = (0.0, c.w * 0.55) if left else (c.w * 0.45, float(c.w))
    quay_top = y
    c.rect(x0, quay_top, x1, quay_top + s * 0.25, c.lit((140, 130, 120)))
    c.rect(x0, quay_top, x1, quay_top + s * 0.04, c.lit((170, 160, 150)))
    colors = [(200, 70, 60), (230, 190, 90), (90, 140, 190), (240, 240, 230), (120, 170, 110)]
    hx = x0
    while hx < x1 - s * 0.2:
        hw, hh = s * c.rng.uniform(0.25, 0.35), s * c.rng.uniform(0.4, 0.6)
        c.rect(hx, quay_top - hh, hx + hw, quay_top, c.lit(c.rng.choice(colors)))
        c.poly(
            [
                (hx - hw * 0.05, quay_top - hh),
                (hx + hw / 2, quay_top - hh - hw * 0.45),
                (hx + hw * 1.05, quay_top - hh),
            ],
            c.lit((150, 60, 50)),
        )
        for k in (0.25, 0.65):
            c.rect(
                hx + hw * k, quay_top - hh * 0.7, hx + hw * (k + 0.15), quay_top - hh * 0.45, _window_color(c)
            )
        hx += hw + s * 0.02
    for k in range(6):
        bx = x0 + (x1 - x0) * (k + 0.5) / 6
        c.rect(bx - s * 0.015, quay_top + s * 0.01, bx + s * 0.015, quay_top + s * 0.05, c.lit((40, 40, 40)))
    for k in range(2):
        bx = x0 + (x1 - x0) * (0.25 + 0.5 * k)
        _small_boat(c, bx, quay_top + s * 0.38, s * 0.45, c.rng.choice(colors), mast=k == 1)


def _small_boat(c: Canvas, x: float, y: float, s: float, color: tuple[int, int, int], *, mast: bool) -> None:
    c.poly(
        [(x - s * 0.5, y - s * 0.15), (x + s * 0.55, y - s * 0.18), (x + s * 0.35, y), (x - s * 0.4, y)],
        c.lit(color),
    )
    c.rect(x - s * 0.5, y - s * 0.17, x + s * 0.55, y - s * 0.13, c.lit((245, 245, 240)))
    if mast:
        c.line([(x, y - s * 0.15), (x, y - s * 0.9)], c.lit((80, 60, 40)), s * 0.025)
        c.poly(
            [(x + s * 0.02, y - s * 0.88), (x + s * 0.02, y - s * 0.22), (x + s * 0.4, y - s * 0.22)],
            c.lit((250, 248, 240)),
        )
    else:
        c.rect(x - s * 0.15, y - s * 0.4, x + s * 0.15, y - s * 0.15, c.lit((240, 240, 235)))
    c.line([(x - s * 0.6, y + s * 0.02), (x + s * 0.6, y + s * 0.02)], (255, 255, 255, 90), s * 0.02)


def bridge(c: Canvas, p: Placement) -> None:
    """A stone bridge of arches spanning the frame over water."""
    _, y, s = _where(c, p)
    deck = y - s * 0.6
    c.rect(0, y - s * 0.05, c.w, y + s * 0.25, c.lit((60, 110, 150)))
    stone = c.lit((150, 135, 115))
    span = s * 1.1
    c.rect(0, deck, c.w, deck + s * 0.14, stone)
    x = -span * c.rng.uniform(0, 0.5)
    while x < c.w + span:
        c.rect(x - span * 0.09, deck, x + span * 0.09, y + s * 0.05, stone)
        c.draw.arc(
            (x, deck + s * 0.1, x + span, y + s * 0.8), 180, 360, fill=stone, width=max(1, round(s * 0.1))
        )
        x += span
    c.rect(0, deck - s * 0.06, c.w, deck, c.lit((120, 108, 95)))
    c.deck = deck - s * 0.06
    step = s * 0.12
    x = 0.0
    while x < c.w:
        c.rect(x, deck - s * 0.1, x + step * 0.3, deck, c.lit((120, 108, 95)))
        x += step


def castle(c: Canvas, p: Placement) -> None:
    """Crenellated walls between round towers with conical roofs, a gate and a pennant."""
    x, y, s = _where(c, p)
    stone, dark = c.lit((165, 155, 140)), c.lit((120, 110, 100))
    w = s * 1.3
    wall_top = y - s * 0.45
    c.rect(x - w / 2, wall_top, x + w / 2, y, stone)
    _crenels(c, (x - w / 2, x + w / 2), wall_top, s * 0.05, stone)
    for tx, th in ((x - w / 2, 0.8), (x + w / 2, 0.8), (x, 1.0)):
        tw = s * (0.22 if tx != x else 0.28)
        top = y - s * th
        c.rect(tx - tw / 2, top, tx + tw / 2, y, stone if tx != x else dark)
        c.poly([(tx - tw * 0.62, top), (tx + tw * 0.62, top), (tx, top - s * 0.3)], c.lit((60, 80, 150)))
        c.line([(tx, top - s * 0.3), (tx, top - s * 0.42)], c.lit((60, 50, 40)), s * 0.01)
        c.poly(
            [(tx, top - s * 0.42), (tx + s * 0.1, top - s * 0.39), (tx, top - s * 0.36)], c.lit((210, 40, 40))
        )
        for k in (-1, 1):
            c.rect(
                tx + k * tw * 0.15 - s * 0.015,
                top + s * 0.12,
                tx + k * tw * 0.15 + s * 0.015,
                top + s * 0.2,
                _window_color(c),
            )
    c.rect(x - s * 0.08, y - s * 0.18, x + s * 0.08, y, c.lit((50, 40, 35)))
    c.ellipse(x, y - s * 0.18, s * 0.08, s * 0.08, c.lit((50, 40, 35)))


def _crenels(
    c: Canvas, span: tuple[float, float], top: float, size: float, fill: tuple[int, int, int, int]
) -> None:
    x0, x1 = span
    x = x0
    while x < x1 - size:
        c.rect(x, top - size, x + size, top, fill)
        x += size * 2


def house(c: Canvas, p: Placement) -> None:
    """A cottage: walls, a pitched roof, a chimney with smoke, a door and windows (lit after dark)."""
    x, y, s = _where(c, p)
    w, h = s * 1.1, s * 0.55
    wall = c.lit(c.rng.choice(((235, 225, 200), (220, 200, 170), (240, 235, 225), (200, 120, 90))))
    roof = c.lit(c.rng.choice(((160, 60, 50), (90, 70, 60), (120, 80, 60))))
    c.rect(x - w / 2 + s * 0.2, y - h - s * 0.45, x - w / 2 + s * 0.3, y - h - s * 0.1, c.lit((120, 70, 60)))
    c.rect(x - w / 2, y - h, x + w / 2, y, wall)
    c.poly([(x - w / 2 - s * 0.06, y - h), (x + w / 2 + s * 0.06, y - h), (x, y - h - s * 0.42)], roof)
    c.rect(x - s * 0.08, y - s * 0.3, x + s * 0.08, y, c.lit((110, 70, 45)))
    for k in (-1, 1):
        wx = x + k * w * 0.3
        c.rect(wx - s * 0.09, y - h * 0.75, wx + s * 0.09, y - h * 0.4, _window_color(c))
        c.line([(wx, y - h * 0.75), (wx, y - h * 0.4)], wall, s * 0.015)
    if c.dark:
        c.glow(x, y - h * 0.5, s * 0.5, (255, 200, 110), 14)
    for i in range(5):
        r = s * (0.04 + i * 0.025)
        c.ellipse(
            x - w / 2 + s * 0.25 + i * s * 0.06, y - h - s * 0.5 - i * s * 0.1, r, r, (220, 220, 225, 120)
        )


def market(c: Canvas, p: Placement) -> None:
    """A row of stalls under striped awnings, with crates of fruit and a few shoppers."""
    _, y, s = _where(c, p)
    stripes = [
        ((220, 60, 60), (250, 245, 235)),
        ((40, 120, 190), (250, 245, 235)),
        ((240, 180, 40), (250, 245, 235)),
        ((60, 150, 90), (250, 245, 235)),
    ]
    count = max(3, round(c.w / (s * 1.0)))
    width = c.w / count
    for i in range(count):
        x0 = i * width + width * 0.05
        x1 = x0 + width * 0.9
        a, b = stripes[(i + c.rng.randrange(4)) % 4]
        top = y - s * 0.75
        for k in range(6):
            sx0 = x0 + (x1 - x0) * k / 6
            sx1 = x0 + (x1 - x0) * (k + 1) / 6
            c.poly(
                [
                    (sx0, top),
                    (sx1, top),
                    (sx1 + width * 0.02, top + s * 0.2),
                    (sx0 + width * 0.02, top + s * 0.2),
                ],
                c.lit(a if k % 2 else b),
            )
            c.ellipse(
                (sx0 + sx1) / 2 + width * 0.01,
                top + s * 0.2,
                (sx1 - sx0) / 2,
                s * 0.04,
                c.lit(a if k % 2 else b),
            )
        c.line([(x0 + width * 0.03, top), (x0 + width * 0.03, y)], c.lit((90, 70, 50)), s * 0.02)
        c.line([(x1, top), (x1, y)], c.lit((90, 70, 50)), s * 0.02)
        c.rect(x0, y - s * 0.28, x1, y, c.lit((150, 105, 65)))
        for _ in range(12):
            fx, fy = c.rng.uniform(x0 + width * 0.05, x1 - width * 0.05), y - s * c.rng.uniform(0.28, 0.34)
            r = s * 0.035
            c.ellipse(
                fx,
                fy,
                r,
                r,
                c.lit(c.rng.choice(((230, 60, 40), (250, 160, 30), (120, 180, 50), (240, 220, 60)))),
            )


def tower(c: Canvas, p: Placement) -> None:
    """A tall clock tower with a pointed spire."""
    x, y, s = _where(c, p)
    stone = c.lit((175, 160, 140))
    w = s * 0.18
    c.rect(x - w / 2, y - s * 0.8, x + w / 2, y, stone)
    c.rect(x - w * 0.6, y - s * 0.82, x + w * 0.6, y - s * 0.78, c.lit((140, 125, 110)))
    c.poly(
        [(x - w * 0.6, y - s * 0.82), (x + w * 0.6, y - s * 0.82), (x, y - s * 1.15)], c.lit((80, 100, 90))
    )
    cy, r = y - s * 0.68, w * 0.34
    c.ellipse(x, cy, r * 1.1, r * 1.1, c.lit((70, 60, 50)))
    c.ellipse(x, cy, r, r, c.lit((245, 240, 220)))
    c.line([(x, cy), (x, cy - r * 0.7)], (30, 30, 30), r * 0.12)
    c.line([(x, cy), (x + r * 0.5, cy)], (30, 30, 30), r * 0.12)
    for k in range(3):
        wy = y - s * (0.5 - k * 0.14)
        c.rect(x - w * 0.12, wy, x + w * 0.12, wy + s * 0.07, _window_color(c))
        c.ellipse(x, wy, w * 0.12, w * 0.12, _window_color(c))


def windmill(c: Canvas, p: Placement) -> None:
    """A tapered mill with a cap and four lattice sails."""
    x, y, s = _where(c, p)
    body = c.lit((230, 220, 200))
    c.poly(
        [(x - s * 0.14, y), (x + s * 0.14, y), (x + s * 0.09, y - s * 0.6), (x - s * 0.09, y - s * 0.6)], body
    )
    c.poly(
        [(x - s * 0.11, y - s * 0.6), (x + s * 0.11, y - s * 0.6), (x, y - s * 0.72)], c.lit((120, 60, 50))
    )
    c.rect(x - s * 0.04, y - s * 0.15, x + s * 0.04, y, c.lit((100, 70, 45)))
    hub = (x, y - s * 0.6)
    turn = c.rng.uniform(0, math.pi / 2)
    for k in range(4):
        a = turn + k * math.pi / 2
        dx, dy = math.cos(a), math.sin(a)
        nx, ny = -dy, dx
        length = s * 0.5
        end = (hub[0] + dx * length, hub[1] + dy * length)
        c.line([hub, end], c.lit((90, 65, 45)), s * 0.02)
        sail = [
            (hub[0] + dx * length * 0.2, hub[1] + dy * length * 0.2),
            (end[0], end[1]),
            (end[0] + nx * s * 0.1, end[1] + ny * s * 0.1),
            (hub[0] + dx * length * 0.2 + nx * s * 0.1, hub[1] + dy * length * 0.2 + ny * s * 0.1),
        ]
        c.poly(sail, c.lit((245, 240, 230), 220), outline=c.lit((90, 65, 45)))
    c.ellipse(hub[0], hub[1], s * 0.025, s * 0.025, c.lit((60, 45, 35)))


def tent(c: Canvas, p: Placement) -> None:
    """An A-frame tent with its door open."""
    x, y, s = _where(c, p)
    color = c.lit(c.rng.choice(((230, 120, 40), (60, 130, 90), (200, 60, 60), (70, 110, 180))))
    c.poly([(x - s * 0.7, y), (x + s * 0.7, y), (x, y - s * 0.8)], color)
    c.poly([(x - s * 0.25, y), (x + s * 0.25, y), (x, y - s * 0.55)], c.lit((40, 30, 25)))
    if c.dark:
        c.poly([(x - s * 0.2, y), (x + s * 0.2, y), (x, y - s * 0.45)], (255, 200, 110, 200))
    c.line([(x, y - s * 0.8), (x, y - s * 0.9)], c.lit((80, 60, 40)), s * 0.03)


def waterfall(c: Canvas, p: Placement) -> None:
    """Water pouring over a rock face into a foaming pool."""
    x, y, s = _where(c, p)
    rock = c.lit((105, 95, 90))
    top = y - s
    c.poly(
        [
            (x - s * 0.9, y),
            (x - s * 0.7, top + s * 0.1),
            (x - s * 0.3, top),
            (x + s * 0.3, top),
            (x + s * 0.75, top + s * 0.15),
            (x + s * 0.95, y),
        ],
        rock,
    )
    c.poly(
        [(x - s * 0.9, y), (x - s * 0.7, top + s * 0.1), (x - s * 0.45, top + s * 0.4), (x - s * 0.6, y)],
        c.lit((85, 78, 74)),
    )
    fall = c.lit((150, 200, 230))
    c.rect(x - s * 0.22, top, x + s * 0.22, y, fall)
    for _ in range(18):
        sx = x + c.rng.uniform(-0.2, 0.2) * s
        sy = top + c.rng.uniform(0, 0.6) * s
        c.line([(sx, sy), (sx, sy + s * c.rng.uniform(0.2, 0.45))], (255, 255, 255, 180), s * 0.012)
    c.ellipse(x, y, s * 0.55, s * 0.1, c.lit((90, 150, 190)))
    for _ in range(10):
        fx = x + c.rng.uniform(-0.3, 0.3) * s
        r = s * c.rng.uniform(0.04, 0.08)
        c.ellipse(fx, y - r * 0.3, r, r * 0.6, (255, 255, 255, 200))
    c.ellipse(x, y - s * 0.1, s * 0.5, s * 0.18, (255, 255, 255, 50))


def river(c: Canvas, p: Placement) -> None:
    """A river winding from the horizon to the foreground, widening as it comes."""
    left: list[Point] = []
    right: list[Point] = []
    x0 = p.x * c.w
    for i in range(25):
        t = i / 24
        y = c.horizon + (c.h - c.horizon) * t
        cx = x0 + math.sin(t * 4 + p.variant) * c.w * 0.12 * t + (c.w / 2 - x0) * t * 0.5
        half = c.w * (0.01 + 0.2 * t * t)
        left.append((cx - half, y))
        right.append((cx + half, y))
    c.poly([*left, *reversed(right)], c.lit((70, 130, 180)))
    c.line(left, c.lit((200, 190, 140)), c.h * 0.006)
    c.line(right, c.lit((200, 190, 140)), c.h * 0.006)
    for _ in range(20):
        i = c.rng.randrange(2, 24)
        t = i / 24
        mx = (left[i][0] + right[i][0]) / 2 + c.rng.uniform(-0.3, 0.3) * (right[i][0] - left[i][0])
        c.line(
            [(mx - c.w * 0.02 * t, left[i][1]), (mx + c.w * 0.02 * t, left[i][1])],
            (255, 255, 255, 110),
            c.h * 0.004,
        )


def road(c: Canvas, p: Placement) -> None:
    """A road running from the foreground to a vanishing point on the horizon, with its centre line."""
    vx = c.w * (0.3 + 0.4 * p.x)
    bottom_half = c.w * 0.3
    cx = c.w / 2
    c.poly(
        [
            (vx - c.w * 0.005, c.horizon),
            (vx + c.w * 0.005, c.horizon),
            (cx + bottom_half, c.h),
            (cx - bottom_half, c.h),
        ],
        c.lit((85, 85, 90)),
    )
    for k in range(12):
        t0, t1 = (k / 12) ** 1.8, ((k + 0.5) / 12) ** 1.8
        y0, y1 = c.horizon + (c.h - c.horizon) * t0, c.horizon + (c.h - c.horizon) * t1
        x0, x1 = vx + (cx - vx) * t0, vx + (cx - vx) * t1
        w0, w1 = c.w * 0.004 * (0.2 + 3 * t0), c.w * 0.004 * (0.2 + 3 * t1)
        c.poly([(x0 - w0, y0), (x0 + w0, y0), (x1 + w1, y1), (x1 - w1, y1)], c.lit((240, 220, 120)))


def flowers(c: Canvas, p: Placement) -> None:
    """A meadow full of flowers, small in the distance and large in front."""
    colors = [(230, 60, 80), (250, 200, 40), (250, 250, 250), (170, 90, 200), (250, 130, 40)]
    pick = c.rng.sample(colors, 3)
    c.rect(0, c.ground_y(0.15), c.w, c.h, c.lit((90, 150, 70), 120))
    for _ in range(int(c.w * c.h / 2500) + 80):
        t = c.rng.uniform(0, 1) ** 0.7
        x, y = c.rng.uniform(0, c.w), c.ground_y(0.1 + 0.9 * t)
        r = c.h * (0.002 + 0.012 * t * t)
        color = c.lit(c.rng.choice(pick))
        if r > c.h * 0.006:
            c.line([(x, y), (x, y + r * 3)], c.lit((50, 110, 50)), r * 0.3)
            for k in range(5):
                a = k * 2 * math.pi / 5
                c.ellipse(x + math.cos(a) * r, y + math.sin(a) * r, r * 0.7, r * 0.7, color)
            c.ellipse(x, y, r * 0.5, r * 0.5, c.lit((250, 210, 60)))
        else:
            c.ellipse(x, y, r, r, color)
    del p


def wheat(c: Canvas, p: Placement) -> None:
    """A golden wheat field in rows, with full ears of wheat in the foreground."""
    gold, dark = c.lit((225, 180, 80)), c.lit((190, 140, 50))
    c.rect(0, c.ground_y(0.05), c.w, c.h, gold)
    for k in range(14):
        y = c.ground_y(0.05 + (k / 14) ** 1.5)
        c.line([(0, y), (c.w, y)], dark, c.h * 0.002 * (1 + k * 0.3))
    for _ in range(int(c.w / c.h * 70)):
        t = c.rng.uniform(0.55, 1.0)
        x, y = c.rng.uniform(0, c.w), c.ground_y(t) + c.h * 0.05
        height = c.h * 0.2 * t
        lean = c.rng.uniform(-0.1, 0.1) * height
        top = (x + lean, y - height)
        c.line([(x, y), top], c.lit((200, 160, 70)), c.h * 0.003)
        for k in range(5):
            ky = top[1] + height * 0.04 * k
            c.ellipse(top[0] - height * 0.02, ky, height * 0.018, height * 0.03, c.lit((235, 195, 95)))
            c.ellipse(
                top[0] + height * 0.02,
                ky + height * 0.02,
                height * 0.018,
                height * 0.03,
                c.lit((215, 170, 75)),
            )
    del p


DRAWERS = {
    "lighthouse": lighthouse,
    "volcano": volcano,
    "lava": lava,
    "station": station,
    "harbour": harbour,
    "bridge": bridge,
    "castle": castle,
    "house": house,
    "market": market,
    "tower": tower,
    "windmill": windmill,
    "tent": tent,
    "waterfall": waterfall,
    "river": river,
    "road": road,
    "flowers": flowers,
    "wheat": wheat,
}
