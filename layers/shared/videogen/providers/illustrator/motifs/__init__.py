"""The drawn subjects, one function per subject name of ``lexicon.SUBJECTS``."""

from __future__ import annotations

from collections.abc import Callable

from videogen.providers.illustrator.canvas import Canvas
from videogen.providers.illustrator.motifs import landmarks, sky, things
from videogen.providers.illustrator.planner import Placement

Drawer = Callable[[Canvas, Placement], None]

#: Subject name -> the function that draws it at a placement.
DRAWERS: dict[str, Drawer] = {**landmarks.DRAWERS, **things.DRAWERS, **sky.SKY_DRAWERS}
