"""What is drawn in the sky (moon, stars, planet, birds, rainbow, sun) and over everything (weather)."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from videogen.providers.illustrator.canvas import Canvas, mix
from videogen.providers.illustrator.planner import Placement


def moon(c: Canvas, p: Placement) -> None:
    """A large full moon with its glow and a few craters."""
    x, s = p.x * c.w, p.scale * c.h
    y = c.horizon * (0.2 + 0.15 * (p.variant % 10) / 10)
    r = s * 0.5
    c.glow(x, y, r * 3, (200, 210, 255), 18)
    c.ellipse(x, y, r, r, (240, 236, 215))
    for k in range(4):
        a = k * 1.9 + p.variant
        c.ellipse(x + math.cos(a) * r * 0.45, y + math.sin(a) * r * 0.45, r * 0.15, r * 0.15, (215, 210, 190))


def stars(c: Canvas, p: Placement) -> None:
    """Bright stars with four-pointed glints over the ordinary ones, and the band of the Milky Way."""
    for _ in range(40):
        x, y = c.rng.uniform(0, c.w), c.rng.uniform(0, c.horizon * 0.8)
        r = c.h * c.rng.uniform(0.002, 0.004)
        c.ellipse(x, y, r, r, (255, 255, 240, 255))
    for _ in range(10):
        x, y, r = c.rng.uniform(0, c.w), c.rng.uniform(0, c.horizon * 0.7), c.h * c.rng.uniform(0.01, 0.02)
        c.poly(
            [
                (x, y - r),
                (x + r * 0.15, y - r * 0.15),
                (x + r, y),
                (x + r * 0.15, y + r * 0.15),
                (x, y + r),
                (x - r * 0.15, y + r * 0.15),
                (x - r, y),
                (x - r * 0.15, y - r * 0.15),
            ],
            (255, 255, 230, 255),
        )
    for k in range(30):
        t = k / 29
        c.glow(c.w * t, c.horizon * (0.7 - 0.5 * t), c.h * 0.07, (200, 190, 255), 6, rings=3)
    del p


def planet(c: Canvas, p: Placement) -> None:
    """A banded planet with a tilted ring."""
    x, s = p.x * c.w, p.scale * c.h
    y = c.horizon * 0.4
    r = s * 0.5
    base = ((210, 170, 120), (120, 160, 210), (200, 110, 90), (150, 200, 170))[p.variant % 4]
    c.draw.ellipse(
        (x - r * 1.9, y - r * 0.45, x + r * 1.9, y + r * 0.45),
        outline=(230, 215, 190, 220),
        width=max(1, round(r * 0.12)),
    )
    c.ellipse(x, y, r, r, base)
    for k in range(-3, 4):
        by = y + k * r * 0.25
        half = math.sqrt(max(0.0, r * r - (by - y) ** 2))
        c.rect(x - half, by - r * 0.05, x + half, by + r * 0.05, (*mix(base, (255, 255, 255), 0.25), 140))
    c.draw.chord((x - r, y - r, x + r, y + r), 300, 120, fill=(0, 0, 20, 90))
    c.draw.arc(
        (x - r * 1.9, y - r * 0.45, x + r * 1.9, y + r * 0.45),
        0,
        180,
        fill=(230, 215, 190, 230),
        width=max(1, round(r * 0.12)),
    )


def birds(c: Canvas, p: Placement) -> None:
    """A flock of birds in a loose V across the sky."""
    x0, y0 = p.x * c.w, c.horizon * 0.3
    s = c.h * 0.018
    color = (30, 30, 40, 230) if not c.dark else (200, 200, 220, 200)
    count = c.rng.randint(9, 17)
    for k in range(count):
        arm = (k + 1) // 2 * (1 if k % 2 else -1)
        x = x0 + arm * s * 2.5 + c.rng.uniform(-0.5, 0.5) * s
        y = y0 + abs(arm) * s * 1.4 + c.rng.uniform(-0.5, 0.5) * s
        size = s * c.rng.uniform(0.7, 1.2)
        flap = c.rng.uniform(0.2, 0.6)
        c.line(
            [
                (x - size, y - size * flap),
                (x - size * 0.4, y - size * 0.1),
                (x, y),
                (x + size * 0.4, y - size * 0.1),
                (x + size, y - size * flap),
            ],
            color,
            max(1.0, size / 4.5),
        )


def rainbow(c: Canvas, p: Placement) -> None:
    """A rainbow arching over the horizon."""
    cx = p.x * c.w
    r = c.w * 0.45
    band = c.h * 0.018
    colors = (
        (230, 60, 60),
        (250, 150, 40),
        (250, 230, 60),
        (80, 190, 80),
        (60, 130, 220),
        (90, 70, 180),
        (150, 80, 190),
    )
    for k, color in enumerate(colors):
        rr = r - k * band
        c.draw.arc(
            (cx - rr, c.horizon - rr, cx + rr, c.horizon + rr),
            180,
            360,
            fill=(*color, 150),
            width=max(1, round(band)),
        )


def sun(c: Canvas, p: Placement) -> None:
    """A bright sun with rays."""
    x, s = p.x * c.w, p.scale * c.h
    y = c.horizon * 0.3
    r = s * 0.5
    c.glow(x, y, r * 3.5, (255, 230, 150), 25)
    for k in range(12):
        a = k * math.pi / 6
        c.line(
            [
                (x + math.cos(a) * r * 1.3, y + math.sin(a) * r * 1.3),
                (x + math.cos(a) * r * 1.8, y + math.sin(a) * r * 1.8),
            ],
            (255, 220, 100, 220),
            r * 0.12,
        )
    c.ellipse(x, y, r, r, (255, 225, 110))


def rain(c: Canvas) -> None:
    """Slanting streaks of rain over everything."""
    slant = c.h * 0.02
    for _ in range(int(c.w * c.h / 3000)):
        x, y = c.rng.uniform(-slant, c.w), c.rng.uniform(0, c.h)
        length = c.h * c.rng.uniform(0.02, 0.05)
        c.line(
            [(x, y), (x + slant * length / (c.h * 0.03), y + length)],
            (200, 210, 230, c.rng.randint(60, 140)),
            max(1.0, c.h * 0.0015),
        )


def storm(c: Canvas) -> None:
    """A dark storm: the sky above the horizon pressed down by a shadow."""
    c.rect(0, 0, c.w, c.h, (10, 10, 25, 50))


def lightning(c: Canvas) -> None:
    """A forked bolt from the clouds to the horizon, with its flash."""
    x = c.w * c.rng.uniform(0.2, 0.8)
    y = 0.0
    points = [(x, y)]
    while y < c.horizon:
        y += c.h * c.rng.uniform(0.04, 0.09)
        x += c.w * c.rng.uniform(-0.04, 0.04)
        points.append((x, min(y, c.horizon)))
    c.glow(points[0][0], c.horizon * 0.3, c.h * 0.4, (200, 200, 255), 20)
    c.line(points, (180, 180, 255, 120), c.h * 0.015)
    c.line(points, (255, 255, 255, 255), c.h * 0.005)
    branch = points[len(points) // 2]
    bx, by = branch
    fork = [branch]
    for _ in range(3):
        bx += c.w * c.rng.uniform(0.01, 0.04)
        by += c.h * 0.05
        fork.append((bx, by))
    c.line(fork, (255, 255, 255, 220), c.h * 0.003)


def fog(c: Canvas) -> None:
    """Banks of fog thickening towards the ground."""
    veil = Image.new("L", (c.w, c.h), 0)
    draw = ImageDraw.Draw(veil)
    for k in range(12):
        y = c.horizon * 0.6 + (c.h - c.horizon * 0.6) * k / 12
        draw.ellipse(
            (c.rng.uniform(-0.5, 0.2) * c.w, y - c.h * 0.06, c.rng.uniform(0.8, 1.5) * c.w, y + c.h * 0.06),
            fill=70 + k * 6,
        )
    c.image.paste((215, 220, 225), (0, 0, c.w, c.h), veil)
    c.rect(0, 0, c.w, c.h, (215, 220, 225, 70))


def snow(c: Canvas) -> None:
    """Falling snowflakes, larger nearer."""
    for _ in range(int(c.w * c.h / 2500)):
        x, y = c.rng.uniform(0, c.w), c.rng.uniform(0, c.h)
        r = c.h * c.rng.uniform(0.0015, 0.006)
        c.ellipse(x, y, r, r, (255, 255, 255, c.rng.randint(150, 240)))


SKY_DRAWERS = {"moon": moon, "stars": stars, "planet": planet, "birds": birds, "rainbow": rainbow, "sun": sun}
#: Weather, in the order it is laid over the picture.
WEATHER_DRAWERS = {"storm": storm, "lightning": lightning, "rain": rain, "snow": snow, "fog": fog}
