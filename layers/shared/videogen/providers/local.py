"""An offline image provider: the illustrator's picture of the prompt, drawn with Pillow, the same for the
same request.

Nothing here calls out. The prompt is read into a scene plan (``illustrator.planner``): interior or
exterior, the place, the time of day, the weather and up to six subjects (lighthouse, volcano, train,
kitchen...), which ``illustrator.render`` paints in the style the project's style setting names. The PNG
says what it shows in a ``videogen:motifs`` text chunk.
"""

from __future__ import annotations

import io
from typing import Final

from PIL.PngImagePlugin import PngInfo

from videogen.exceptions import ImageGenerationException
from videogen.providers.base import GeneratedImage, ImageRequest
from videogen.providers.catalog import LOCAL_MODEL
from videogen.providers.illustrator.planner import plan_scene
from videogen.providers.illustrator.render import Picture, render

MIN_SIDE: Final = 16
MAX_SIDE: Final = 2048
#: The PNG text chunk naming what the picture shows.
MOTIFS_KEY: Final = "videogen:motifs"


class LocalImageProvider:
    """Draws a deterministic illustration of each request's prompt, offline."""

    name = "local"
    model = LOCAL_MODEL

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """Draw the request's picture and return it as PNG bytes, with its motifs.

        Raises:
            ImageGenerationException: the width or height is outside [MIN_SIDE, MAX_SIDE].
        """
        width, height = request.width, request.height
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise ImageGenerationException(
                "The requested image size is out of range",
                {"width": width, "height": height, "min_side": MIN_SIDE, "max_side": MAX_SIDE},
            )
        picture, motifs = illustrate(request)
        return GeneratedImage(
            data=encode_png(picture, motifs),
            content_type="image/png",
            width=width,
            height=height,
            provider=self.name,
            model=self.model,
            motifs=motifs,
        )


def illustrate(request: ImageRequest) -> tuple[Picture, str]:
    """The request's picture and its motifs line (plan, then paint)."""
    plan = plan_scene(request.prompt, request.seed, request.width, request.height, request.style)
    picture = render(plan, request.width, request.height)
    return picture, plan.motifs(picture.drawn)


def encode_png(picture: Picture, motifs: str) -> bytes:
    """The picture as PNG bytes carrying its motifs; no time or other varying chunk, so equal requests give
    byte-identical files."""
    info = PngInfo()
    info.add_itxt(MOTIFS_KEY, motifs)
    out = io.BytesIO()
    picture.image.save(out, format="PNG", compress_level=3, pnginfo=info)
    return out.getvalue()
