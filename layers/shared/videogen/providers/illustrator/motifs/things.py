"""Smaller subjects in the foreground: vehicles, creatures and people."""

from __future__ import annotations

from videogen.providers.illustrator.canvas import Canvas, Point
from videogen.providers.illustrator.lexicon import TimeOfDay
from videogen.providers.illustrator.motifs.landmarks import rails
from videogen.providers.illustrator.planner import Placement

COATS = (
    (180, 50, 50),
    (50, 80, 150),
    (60, 110, 70),
    (200, 150, 50),
    (90, 60, 110),
    (60, 60, 65),
    (150, 90, 50),
)


def _where(c: Canvas, p: Placement) -> tuple[float, float, float, int]:
    return p.x * c.w, c.ground_y(p.depth), p.scale * c.h, (-1 if p.flip else 1)


def _lit_windows(c: Canvas) -> tuple[int, int, int, int]:
    if c.dark or c.time is TimeOfDay.DUSK or c.gloomy:
        return (255, 215, 130, 255)
    return c.lit((150, 185, 210))


def train(c: Canvas, p: Placement) -> None:
    """A locomotive pulling carriages along rails, smoke or a pantograph by variant."""
    _, y, s, d = _where(c, p)
    steam = p.variant % 2 == 0
    if c.deck is not None:
        # Over a bridge: on its deck, as large as the bridge allows.
        y, s = c.deck, min(s, (c.deck - c.horizon * 0.3) / 1.2)
    rails(c, y, s * 0.1)
    h = s * 0.55
    loco_w = s * 1.3
    car_w = s * 1.5
    gap = s * 0.08
    count = 3
    total = loco_w + count * (car_w + gap)
    left = p.x * c.w - total / 2
    # However long the train, its locomotive is in the frame.
    left = min(left, c.w * 0.97 - total) if d > 0 else max(left, c.w * 0.03)
    colors = ((40, 70, 60), (150, 35, 40), (30, 50, 100), (60, 60, 70))
    body = c.lit(colors[p.variant % len(colors)])
    trim = c.lit((230, 190, 80))
    wheel_r = s * 0.09
    # The locomotive leads in the direction of travel.
    lx0 = left + count * (car_w + gap) if d > 0 else left
    first_car = left if d > 0 else left + loco_w + gap
    for k in range(count):
        cx0 = first_car + k * (car_w + gap)
        c.rect(cx0, y - h - wheel_r, cx0 + car_w, y - wheel_r, body)
        c.rect(cx0, y - h - wheel_r - s * 0.05, cx0 + car_w, y - h - wheel_r, c.lit((90, 90, 95)))
        c.rect(cx0, y - wheel_r - h * 0.25, cx0 + car_w, y - wheel_r - h * 0.2, trim)
        for wk in range(5):
            wx = cx0 + car_w * (0.08 + wk * 0.18)
            c.rect(wx, y - h * 0.85 - wheel_r, wx + car_w * 0.12, y - h * 0.45 - wheel_r, _lit_windows(c))
        for wx in (cx0 + car_w * 0.15, cx0 + car_w * 0.85):
            c.ellipse(wx, y - wheel_r * 0.9, wheel_r, wheel_r, c.lit((35, 35, 35)))
        c.rect(
            cx0 + car_w, y - h * 0.4 - wheel_r, cx0 + car_w + gap, y - h * 0.3 - wheel_r, c.lit((40, 40, 40))
        )
    front = lx0 + (loco_w if d > 0 else 0)
    back = lx0 + (0 if d > 0 else loco_w)
    if steam:
        boiler_top = y - h * 0.85 - wheel_r
        c.rect(
            min(front, back + d * loco_w * 0.35),
            boiler_top,
            max(front, back + d * loco_w * 0.35),
            y - wheel_r,
            body,
        )
        c.rect(
            min(back, back + d * loco_w * 0.38),
            y - h * 1.15 - wheel_r,
            max(back, back + d * loco_w * 0.38),
            y - wheel_r,
            body,
        )
        c.rect(
            min(back, back + d * loco_w * 0.38),
            y - h * 1.22 - wheel_r,
            max(back, back + d * loco_w * 0.38),
            y - h * 1.15 - wheel_r,
            c.lit((30, 30, 30)),
        )
        c.rect(
            back + d * loco_w * 0.1,
            y - h * 1.0 - wheel_r,
            back + d * loco_w * 0.28,
            y - h * 0.65 - wheel_r,
            _lit_windows(c),
        )
        chimney = front - d * loco_w * 0.2
        c.rect(chimney - s * 0.06, boiler_top - s * 0.3, chimney + s * 0.06, boiler_top, c.lit((30, 30, 30)))
        c.poly(
            [(front, y - wheel_r * 0.2), (front + d * s * 0.18, y), (front, y - wheel_r * 1.5)],
            c.lit((150, 40, 40)),
        )
        c.ellipse(front, y - h * 0.5 - wheel_r, s * 0.05, s * 0.05, (255, 240, 170))
        for i in range(7):
            r = s * (0.08 + i * 0.04)
            c.ellipse(
                chimney - d * i * s * 0.22,
                boiler_top - s * 0.35 - i * s * 0.06,
                r * 1.3,
                r,
                (235, 235, 235, 200 - i * 22),
            )
        for k in range(3):
            c.ellipse(
                back + d * loco_w * (0.25 + k * 0.25),
                y - wheel_r * 1.3,
                wheel_r * 1.3,
                wheel_r * 1.3,
                c.lit((30, 30, 30)),
            )
            c.ellipse(
                back + d * loco_w * (0.25 + k * 0.25),
                y - wheel_r * 1.3,
                wheel_r * 0.5,
                wheel_r * 0.5,
                c.lit((170, 40, 40)),
            )
    else:
        nose: list[Point] = [
            (back, y - h * 1.05 - wheel_r),
            (front - d * loco_w * 0.25, y - h * 1.05 - wheel_r),
            (front, y - h * 0.35 - wheel_r),
            (front, y - wheel_r),
            (back, y - wheel_r),
        ]
        c.poly(nose, body)
        c.poly(
            [
                (front - d * loco_w * 0.24, y - h * 0.98 - wheel_r),
                (front - d * loco_w * 0.05, y - h * 0.5 - wheel_r),
                (front - d * loco_w * 0.3, y - h * 0.5 - wheel_r),
                (front - d * loco_w * 0.3, y - h * 0.98 - wheel_r),
            ],
            _lit_windows(c),
        )
        c.rect(back, y - wheel_r - h * 0.25, front, y - wheel_r - h * 0.2, trim)
        c.ellipse(front - d * s * 0.04, y - h * 0.25 - wheel_r, s * 0.04, s * 0.04, (255, 245, 190))
        mid = (back + front) / 2
        c.line(
            [
                (mid, y - h * 1.05 - wheel_r),
                (mid + s * 0.15, y - h * 1.35 - wheel_r),
                (mid - s * 0.1, y - h * 1.5 - wheel_r),
            ],
            c.lit((40, 40, 40)),
            s * 0.015,
        )
        for f in (0.2, 0.8):
            c.ellipse(back + d * loco_w * f, y - wheel_r * 0.9, wheel_r, wheel_r, c.lit((35, 35, 35)))
    if c.dark or c.gloomy:
        c.glow(front, y - h * 0.4, s * 0.4, (255, 240, 180), 35)


def ship(c: Canvas, p: Placement) -> None:
    """A ship on the water: a steamer with funnels, or a tall ship under sail, by variant."""
    x, y, s, d = _where(c, p)
    y = min(y, c.ground_y(0.45))
    x = min(max(x, s * 1.2), c.w - s * 1.2)  # the whole ship in frame
    hull = c.lit((40, 40, 50) if p.variant % 3 else (120, 30, 30))
    L = s * 2.2
    c.poly(
        [
            (x - L / 2 * d, y - s * 0.25),
            (x + L / 2 * d, y - s * 0.32),
            (x + L * 0.4 * d, y),
            (x - L * 0.42 * d, y),
        ],
        hull,
    )
    c.rect(x - L * 0.5, y - s * 0.26, x + L * 0.5, y - s * 0.22, c.lit((200, 60, 50)))
    if p.variant % 2 == 0:
        c.rect(x - L * 0.28, y - s * 0.5, x + L * 0.22, y - s * 0.25, c.lit((240, 240, 235)))
        c.rect(x - L * 0.18, y - s * 0.65, x + L * 0.1, y - s * 0.5, c.lit((240, 240, 235)))
        for k in range(8):
            px = x - L * 0.25 + k * L * 0.06
            c.ellipse(px, y - s * 0.37, s * 0.02, s * 0.02, _lit_windows(c))
        for k in range(2):
            fx = x - L * 0.08 + k * L * 0.15 * d
            c.poly(
                [
                    (fx - s * 0.07, y - s * 0.65),
                    (fx + s * 0.07, y - s * 0.65),
                    (fx + s * 0.09, y - s * 0.95),
                    (fx - s * 0.05, y - s * 0.95),
                ],
                c.lit((200, 50, 40)),
            )
            c.rect(fx - s * 0.05, y - s * 0.99, fx + s * 0.09, y - s * 0.9, c.lit((30, 30, 30)))
            for i in range(4):
                c.ellipse(
                    fx - d * i * s * 0.2,
                    y - s * (1.05 + i * 0.05),
                    s * (0.06 + i * 0.03),
                    s * 0.05 + i * s * 0.02,
                    (220, 220, 225, 150 - i * 30),
                )
    else:
        for f in (-0.25, 0.05, 0.3):
            mx = x + f * L
            c.line([(mx, y - s * 0.25), (mx, y - s * 1.5)], c.lit((90, 65, 40)), s * 0.025)
            for tier in range(3):
                top = y - s * (1.45 - tier * 0.38)
                width = s * (0.28 + tier * 0.06)
                c.poly(
                    [
                        (mx - width, top),
                        (mx + width, top),
                        (mx + width * 1.05, top + s * 0.32),
                        (mx - width * 1.05, top + s * 0.32),
                    ],
                    c.lit((245, 240, 225)),
                )
        c.line(
            [(x - L * 0.25, y - s * 1.5), (x - L * 0.5 * d - L * 0.1 * d, y - s * 0.3)],
            c.lit((90, 65, 40)),
            s * 0.01,
        )
    c.line([(x - L * 0.55, y + s * 0.02), (x + L * 0.55, y + s * 0.02)], (255, 255, 255, 120), s * 0.03)


def boat(c: Canvas, p: Placement) -> None:
    """A small fishing boat or sailing dinghy on the water."""
    x, y, s, d = _where(c, p)
    y = min(y, c.ground_y(0.7))
    color = c.lit(COATS[p.variant % len(COATS)])
    c.poly(
        [
            (x - s * d, y - s * 0.3),
            (x + s * 1.1 * d, y - s * 0.35),
            (x + s * 0.75 * d, y),
            (x - s * 0.8 * d, y),
        ],
        color,
    )
    c.rect(x - s, y - s * 0.34, x + s * 1.1, y - s * 0.28, c.lit((245, 245, 240)))
    if p.variant % 2:
        c.line([(x, y - s * 0.3), (x, y - s * 1.7)], c.lit((90, 65, 40)), s * 0.05)
        c.poly(
            [
                (x + s * 0.04 * d, y - s * 1.65),
                (x + s * 0.04 * d, y - s * 0.4),
                (x + s * 0.9 * d, y - s * 0.4),
            ],
            c.lit((250, 248, 240)),
        )
        c.poly(
            [
                (x - s * 0.04 * d, y - s * 1.4),
                (x - s * 0.04 * d, y - s * 0.45),
                (x - s * 0.6 * d, y - s * 0.45),
            ],
            c.lit((230, 90, 70)),
        )
    else:
        c.rect(x - s * 0.35, y - s * 0.8, x + s * 0.25, y - s * 0.32, c.lit((240, 240, 230)))
        c.rect(x - s * 0.25, y - s * 0.7, x + s * 0.12, y - s * 0.5, _lit_windows(c))
        c.line(
            [(x + s * 0.5 * d, y - s * 0.32), (x + s * 0.5 * d, y - s * 1.1), (x + s * 1.1 * d, y - s * 0.4)],
            c.lit((60, 50, 40)),
            s * 0.03,
        )
    c.line([(x - s * 1.2, y + s * 0.03), (x + s * 1.3, y + s * 0.03)], (255, 255, 255, 110), s * 0.05)


def car(c: Canvas, p: Placement) -> None:
    """A small car in side view, headlights on after dark."""
    x, y, s, d = _where(c, p)
    color = c.lit(COATS[p.variant % len(COATS)])
    L = s * 2.2
    c.poly(
        [
            (x - L / 2, y - s * 0.25),
            (x - L / 2, y - s * 0.55),
            (x - L * 0.3 * d, y - s * 0.6),
            (x - L * 0.18 * d, y - s * 0.95),
            (x + L * 0.2 * d, y - s * 0.95),
            (x + L * 0.32 * d, y - s * 0.6),
            (x + L / 2, y - s * 0.52),
            (x + L / 2, y - s * 0.25),
        ],
        color,
    )
    glass = _lit_windows(c) if c.dark else c.lit((160, 200, 225))
    c.poly(
        [
            (x - L * 0.26 * d, y - s * 0.6),
            (x - L * 0.15 * d, y - s * 0.88),
            (x - L * 0.01 * d, y - s * 0.88),
            (x - L * 0.01 * d, y - s * 0.6),
        ],
        glass,
    )
    c.poly(
        [
            (x + L * 0.03 * d, y - s * 0.6),
            (x + L * 0.03 * d, y - s * 0.88),
            (x + L * 0.18 * d, y - s * 0.88),
            (x + L * 0.28 * d, y - s * 0.6),
        ],
        glass,
    )
    for k in (-0.3, 0.3):
        c.ellipse(x + k * L, y - s * 0.22, s * 0.22, s * 0.22, c.lit((30, 30, 30)))
        c.ellipse(x + k * L, y - s * 0.22, s * 0.1, s * 0.1, c.lit((170, 170, 175)))
    head = x + L / 2 * d
    c.ellipse(head, y - s * 0.45, s * 0.05, s * 0.07, (255, 245, 200))
    if c.dark or c.gloomy:
        c.poly(
            [
                (head, y - s * 0.5),
                (head + d * s * 3, y - s * 0.7),
                (head + d * s * 3, y),
                (head, y - s * 0.38),
            ],
            (255, 240, 180, 60),
        )


def bus(c: Canvas, p: Placement) -> None:
    """A city bus with a row of windows."""
    x, y, s, d = _where(c, p)
    L = s * 3
    color = c.lit(((200, 40, 40), (40, 120, 180), (240, 180, 30))[p.variant % 3])
    c.rect(x - L / 2, y - s * 1.0, x + L / 2, y - s * 0.15, color)
    c.ellipse(x, y - s * 1.0, L / 2, s * 0.05, color)
    for k in range(7):
        wx = x - L * 0.45 + k * L * 0.125
        c.rect(wx, y - s * 0.9, wx + L * 0.1, y - s * 0.55, _lit_windows(c))
    door = x + L * 0.38 * d
    c.rect(door - s * 0.12, y - s * 0.9, door + s * 0.12, y - s * 0.18, c.lit((60, 70, 80)))
    for f in (-0.32, 0.3):
        c.ellipse(x + f * L, y - s * 0.15, s * 0.17, s * 0.17, c.lit((30, 30, 30)))
    c.ellipse(x + L / 2 * d, y - s * 0.3, s * 0.05, s * 0.05, (255, 245, 200))


def rocket(c: Canvas, p: Placement) -> None:
    """A rocket lifting off on a column of flame and smoke."""
    x, y, s, _d = _where(c, p)
    y = min(y, c.ground_y(0.35))
    lift = s * 0.35
    w = s * 0.12
    body_bottom = y - lift
    top = body_bottom - s
    for i in range(12):
        r = s * (0.08 + 0.03 * i)
        c.ellipse(
            x + c.rng.uniform(-1, 1) * s * 0.04 * i, y - r * 0.2, r * 1.4, r * 0.7, (230, 225, 220, 200)
        )
    c.poly(
        [(x - w * 0.7, body_bottom), (x + w * 0.7, body_bottom), (x, body_bottom + lift * 1.1)],
        (255, 150, 40, 240),
    )
    c.poly(
        [(x - w * 0.4, body_bottom), (x + w * 0.4, body_bottom), (x, body_bottom + lift * 0.7)],
        (255, 240, 150, 255),
    )
    c.glow(x, body_bottom + lift * 0.4, s * 0.3, (255, 170, 70), 30)
    c.rect(x - w, top + s * 0.25, x + w, body_bottom, c.lit((240, 240, 245)))
    c.poly([(x - w, top + s * 0.25), (x + w, top + s * 0.25), (x, top)], c.lit((210, 50, 50)))
    for k in (-1, 1):
        c.poly(
            [
                (x + k * w, body_bottom - s * 0.25),
                (x + k * w * 2.2, body_bottom + s * 0.02),
                (x + k * w, body_bottom),
            ],
            c.lit((210, 50, 50)),
        )
    c.ellipse(x, top + s * 0.4, w * 0.5, w * 0.5, c.lit((60, 90, 140)))
    c.ellipse(x, top + s * 0.4, w * 0.35, w * 0.35, c.lit((140, 190, 230)))
    c.rect(x - w, top + s * 0.65, x + w, top + s * 0.7, c.lit((60, 60, 70)))


def campfire(c: Canvas, p: Placement) -> None:
    """Crossed logs, flames in three colours, a warm glow and rising sparks."""
    x, y, s, _d = _where(c, p)
    c.glow(x, y - s * 0.3, s * 2.2, (255, 140, 50), 40 if c.dark else 20)
    for k in (-1, 1):
        c.line(
            [(x - s * 0.5 * k, y + s * 0.05), (x + s * 0.45 * k, y - s * 0.12)], c.lit((90, 55, 35)), s * 0.1
        )
    for color, scale in (((210, 50, 20), 1.0), ((250, 130, 30), 0.72), ((255, 225, 100), 0.42)):
        for _ in range(4):
            fx = x + c.rng.uniform(-0.2, 0.2) * s * scale
            height = s * c.rng.uniform(0.8, 1.2) * scale
            half = s * 0.2 * scale
            lean = c.rng.uniform(-0.3, 0.3) * half
            c.poly(
                [
                    (fx - half, y),
                    (fx - half * 0.6 + lean, y - height * 0.5),
                    (fx + lean * 2, y - height),
                    (fx + half * 0.6 + lean, y - height * 0.5),
                    (fx + half, y),
                ],
                (*color, 230),
            )
    for _ in range(16):
        ex, ey = x + c.rng.uniform(-0.5, 0.5) * s, y - c.rng.uniform(1.0, 2.5) * s
        r = s * 0.025
        c.ellipse(ex, ey, r, r, (255, 200, 90, c.rng.randint(120, 255)))


def fish(c: Canvas, p: Placement) -> None:
    """A school of fish, each a body, tail and eye."""
    x, _y, s, d = _where(c, p)
    cy = c.h * (0.3 + 0.35 * (p.variant % 100) / 100)
    color = c.lit(((250, 150, 40), (240, 220, 60), (90, 170, 220), (230, 90, 90))[p.variant % 4])
    for _ in range(c.rng.randint(5, 9)):
        fx, fy = x + c.rng.uniform(-1.6, 1.6) * s * 2, cy + c.rng.uniform(-1, 1) * s * 1.5
        size = s * c.rng.uniform(0.6, 1.1)
        c.ellipse(fx, fy, size * 0.6, size * 0.3, color)
        tail = fx - d * size * 0.55
        c.poly(
            [
                (tail, fy),
                (tail - d * size * 0.35, fy - size * 0.28),
                (tail - d * size * 0.35, fy + size * 0.28),
            ],
            color,
        )
        c.ellipse(fx + d * size * 0.35, fy - size * 0.07, size * 0.06, size * 0.06, (20, 20, 20))
        c.poly(
            [
                (fx - size * 0.1, fy - size * 0.25),
                (fx + size * 0.15 * d, fy - size * 0.25),
                (fx - size * 0.15 * d, fy - size * 0.42),
            ],
            color,
        )


def whale(c: Canvas, p: Placement) -> None:
    """A whale: the whole animal underwater; at sea, its back, tail fluke and spout above the waves."""
    x, y, s, d = _where(c, p)
    body = c.lit((60, 80, 105))
    belly = c.lit((200, 205, 210))
    if c.plan.place == "underwater":
        cy = c.h * 0.4
        L = s * 3
        c.ellipse(x, cy, L / 2, s * 0.45, body)
        c.ellipse(x + d * L * 0.05, cy + s * 0.22, L * 0.4, s * 0.2, belly)
        tail_x = x - d * L * 0.5
        c.poly(
            [
                (tail_x + d * s * 0.3, cy - s * 0.15),
                (tail_x - d * s * 0.5, cy - s * 0.5),
                (tail_x - d * s * 0.3, cy),
                (tail_x - d * s * 0.5, cy + s * 0.5),
                (tail_x + d * s * 0.3, cy + s * 0.15),
            ],
            body,
        )
        c.poly([(x, cy + s * 0.3), (x - d * s * 0.3, cy + s * 0.8), (x + d * s * 0.2, cy + s * 0.35)], body)
        c.ellipse(x + d * L * 0.32, cy + s * 0.02, s * 0.05, s * 0.05, (20, 20, 25))
        return
    y = min(y, c.ground_y(0.6))
    x = min(max(x, s * 2.6), c.w - s * 1.5) if d > 0 else min(max(x, s * 1.5), c.w - s * 2.6)
    c.draw.chord((x - s * 1.4, y - s * 0.5, x + s * 1.0, y + s * 0.5), 180, 360, fill=body)
    c.ellipse(x + d * s * 0.55, y - s * 0.2, s * 0.04, s * 0.04, (20, 20, 25))
    tx = x - d * s * 2.2
    c.poly(
        [
            (tx, y),
            (tx - d * s * 0.1, y - s * 0.6),
            (tx - d * s * 0.6, y - s * 0.95),
            (tx, y - s * 0.7),
            (tx + d * s * 0.6, y - s * 0.95),
            (tx + d * s * 0.1, y - s * 0.6),
        ],
        body,
    )
    for i in range(6):
        c.ellipse(
            x + d * s * 0.3 + c.rng.uniform(-0.1, 0.1) * s,
            y - s * (0.6 + i * 0.15),
            s * (0.05 + i * 0.03),
            s * 0.06,
            (230, 240, 250, 180),
        )
    c.line([(x - s * 1.6, y + s * 0.02), (x + s * 1.2, y + s * 0.02)], (255, 255, 255, 130), s * 0.05)


def horse(c: Canvas, p: Placement) -> None:
    """A horse standing in profile: barrel body, arched neck, long head, mane, tail and four legs."""
    x, y, s, d = _where(c, p)
    coat = c.lit(((120, 75, 45), (60, 40, 30), (200, 190, 175), (150, 110, 70))[p.variant % 4])
    mane = c.lit((40, 30, 25))
    body_y = y - s * 0.72
    c.ellipse(x, body_y, s * 0.5, s * 0.2, coat)
    for k, phase in ((-0.38, 0), (-0.25, 1), (0.28, 0), (0.4, 1)):
        lx = x + k * s * d
        c.line([(lx, body_y), (lx + phase * s * 0.03 * d, y - s * 0.25), (lx, y)], coat, s * 0.07)
        c.rect(lx - s * 0.04, y - s * 0.04, lx + s * 0.04, y, mane)
    neck: list[Point] = [
        (x + d * s * 0.3, body_y - s * 0.1),
        (x + d * s * 0.5, body_y - s * 0.5),
        (x + d * s * 0.62, body_y - s * 0.48),
        (x + d * s * 0.5, body_y + s * 0.05),
    ]
    c.poly(neck, coat)
    head: list[Point] = [
        (x + d * s * 0.48, body_y - s * 0.52),
        (x + d * s * 0.62, body_y - s * 0.58),
        (x + d * s * 0.9, body_y - s * 0.32),
        (x + d * s * 0.84, body_y - s * 0.24),
        (x + d * s * 0.58, body_y - s * 0.36),
    ]
    c.poly(head, coat)
    c.poly(
        [
            (x + d * s * 0.52, body_y - s * 0.55),
            (x + d * s * 0.55, body_y - s * 0.68),
            (x + d * s * 0.6, body_y - s * 0.56),
        ],
        coat,
    )
    c.line([(x + d * s * 0.52, body_y - s * 0.52), (x + d * s * 0.35, body_y - s * 0.15)], mane, s * 0.06)
    c.ellipse(x + d * s * 0.66, body_y - s * 0.46, s * 0.02, s * 0.02, (15, 15, 15))
    c.line(
        [
            (x - d * s * 0.48, body_y - s * 0.08),
            (x - d * s * 0.62, body_y + s * 0.15),
            (x - d * s * 0.58, body_y + s * 0.35),
        ],
        mane,
        s * 0.07,
    )


def dog(c: Canvas, p: Placement) -> None:
    """A dog standing in profile, tail up and ears flopped."""
    x, y, s, d = _where(c, p)
    coat = c.lit(((160, 110, 60), (40, 35, 30), (220, 200, 160), (120, 80, 50))[p.variant % 4])
    body_y = y - s * 0.55
    c.ellipse(x, body_y, s * 0.48, s * 0.2, coat)
    for k in (-0.35, -0.22, 0.25, 0.36):
        lx = x + k * s * d
        c.line([(lx, body_y), (lx, y)], coat, s * 0.09)
    hx, hy = x + d * s * 0.5, body_y - s * 0.3
    c.line([(x + d * s * 0.3, body_y), (hx, hy)], coat, s * 0.18)
    c.ellipse(hx, hy, s * 0.17, s * 0.15, coat)
    c.poly(
        [
            (hx + d * s * 0.1, hy - s * 0.05),
            (hx + d * s * 0.35, hy + s * 0.02),
            (hx + d * s * 0.33, hy + s * 0.1),
            (hx + d * s * 0.08, hy + s * 0.1),
        ],
        coat,
    )
    c.ellipse(hx + d * s * 0.34, hy + s * 0.03, s * 0.035, s * 0.035, (20, 20, 20))
    c.poly(
        [
            (hx - d * s * 0.06, hy - s * 0.12),
            (hx - d * s * 0.18, hy + s * 0.15),
            (hx - d * s * 0.02, hy + s * 0.05),
        ],
        c.lit((60, 40, 30)),
    )
    c.ellipse(hx + d * s * 0.05, hy - s * 0.04, s * 0.025, s * 0.025, (20, 20, 20))
    c.line(
        [
            (x - d * s * 0.45, body_y - s * 0.05),
            (x - d * s * 0.62, body_y - s * 0.35),
            (x - d * s * 0.6, body_y - s * 0.45),
        ],
        coat,
        s * 0.06,
    )


def cat(c: Canvas, p: Placement) -> None:
    """A cat sitting: pear-shaped body, round head with pointed ears, tail curled round its feet."""
    x, y, s, d = _where(c, p)
    coat = c.lit(((40, 38, 40), (220, 140, 60), (150, 150, 155), (240, 235, 225))[p.variant % 4])
    c.poly(
        [
            (x - s * 0.3, y),
            (x + s * 0.3, y),
            (x + s * 0.2, y - s * 0.45),
            (x, y - s * 0.62),
            (x - s * 0.2, y - s * 0.45),
        ],
        coat,
    )
    c.ellipse(x, y - s * 0.25, s * 0.3, s * 0.25, coat)
    hy = y - s * 0.72
    c.ellipse(x, hy, s * 0.2, s * 0.18, coat)
    for k in (-1, 1):
        c.poly(
            [
                (x + k * s * 0.18, hy - s * 0.02),
                (x + k * s * 0.2, hy - s * 0.3),
                (x + k * s * 0.04, hy - s * 0.14),
            ],
            coat,
        )
    eye = (120, 200, 90) if p.variant % 4 != 1 else (60, 140, 60)
    for k in (-1, 1):
        c.ellipse(x + k * s * 0.08, hy - s * 0.02, s * 0.04, s * 0.035, eye)
        c.ellipse(x + k * s * 0.08, hy - s * 0.02, s * 0.012, s * 0.03, (10, 10, 10))
    c.poly(
        [(x - s * 0.03, hy + s * 0.06), (x + s * 0.03, hy + s * 0.06), (x, hy + s * 0.09)], (230, 140, 150)
    )
    c.line(
        [
            (x + d * s * 0.25, y - s * 0.02),
            (x + d * s * 0.5, y - s * 0.05),
            (x + d * s * 0.55, y - s * 0.25),
            (x + d * s * 0.45, y - s * 0.35),
        ],
        coat,
        s * 0.07,
    )


def figure(c: Canvas, x: float, y: float, s: float, *, coat: tuple[int, int, int], pose: int, d: int) -> None:
    """One person, ``s`` tall, standing on (x, y): 0 standing, 1 walking, 2 waving."""
    skin = c.lit(((230, 190, 160), (190, 140, 100), (120, 80, 55))[pose % 3])
    cloth = c.lit(coat)
    legs = c.lit((45, 45, 55))
    hip = y - s * 0.45
    shoulder = y - s * 0.8
    stride = s * (0.12 if pose == 1 else 0.04)
    c.line([(x - s * 0.04, hip), (x - stride, y)], legs, s * 0.08)
    c.line([(x + s * 0.04, hip), (x + stride, y)], legs, s * 0.08)
    c.poly(
        [
            (x - s * 0.11, shoulder),
            (x + s * 0.11, shoulder),
            (x + s * 0.13, hip + s * 0.05),
            (x - s * 0.13, hip + s * 0.05),
        ],
        cloth,
    )
    if pose == 2:
        c.line(
            [
                (x + d * s * 0.1, shoulder + s * 0.02),
                (x + d * s * 0.25, shoulder - s * 0.15),
                (x + d * s * 0.28, shoulder - s * 0.3),
            ],
            cloth,
            s * 0.06,
        )
    else:
        c.line(
            [(x + d * s * 0.1, shoulder + s * 0.02), (x + d * s * (0.14 + stride / s), hip)], cloth, s * 0.06
        )
    c.line([(x - d * s * 0.1, shoulder + s * 0.02), (x - d * s * (0.14 + stride / s), hip)], cloth, s * 0.06)
    c.ellipse(x, shoulder - s * 0.1, s * 0.085, s * 0.1, skin)
    c.draw.chord(
        (x - s * 0.09, shoulder - s * 0.21, x + s * 0.09, shoulder - s * 0.05),
        180,
        360,
        fill=c.lit(((60, 40, 30), (200, 160, 90), (30, 25, 25), (140, 60, 40))[pose % 4]),
    )


def people(c: Canvas, p: Placement) -> None:
    """One to three people, standing, walking or waving."""
    x, y, s, d = _where(c, p)
    count = 1 + p.variant % 3
    x = min(max(x, s * (0.2 + 0.18 * count)), c.w - s * (0.2 + 0.18 * count))  # everyone in frame
    for k in range(count):
        fx = x + (k - (count - 1) / 2) * s * 0.35
        figure(
            c,
            fx,
            y + k % 2 * s * 0.02,
            s * (1 - 0.08 * (k % 2)),
            coat=COATS[(p.variant + k) % len(COATS)],
            pose=(p.variant >> 2) % 3 if k == 0 else k % 3,
            d=d,
        )


def crowd(c: Canvas, p: Placement) -> None:
    """Many people in rows, smaller towards the back."""
    _x, y, s, _d = _where(c, p)
    for row in range(3):
        ry = y - s * 0.3 * (2 - row)
        size = s * (1.2 + row * 0.3)
        step = size * 0.3
        fx = c.rng.uniform(0, step)
        while fx < c.w:
            figure(
                c,
                fx + c.rng.uniform(-0.1, 0.1) * step,
                ry,
                size * c.rng.uniform(0.9, 1.1),
                coat=c.rng.choice(COATS),
                pose=c.rng.randrange(3),
                d=c.rng.choice((-1, 1)),
            )
            fx += step * c.rng.uniform(0.8, 1.3)


DRAWERS = {
    "train": train,
    "ship": ship,
    "boat": boat,
    "car": car,
    "bus": bus,
    "rocket": rocket,
    "campfire": campfire,
    "fish": fish,
    "whale": whale,
    "horse": horse,
    "dog": dog,
    "cat": cat,
    "people": people,
    "crowd": crowd,
}
