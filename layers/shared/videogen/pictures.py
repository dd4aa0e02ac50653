"""Pictures fitted to a frame, for the image providers (an exact-size scene image) and the assembler (a
video frame) alike: one pixel limit, one transparency rule, one fitter.

Both used to fit on their own and disagreed on transparency: a provider's image dropped its alpha channel
(showing whatever colour the transparent pixels hid) while the assembler put it over black. One rule here
means a scene looks the same whichever of them fitted it.

Pillow (12 ms, and shipped only with GenerateImage, RenderSegment and ConcatVideo) is imported inside the
functions: the API and PrepareRender import the providers' package and must never load it.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from PIL import Image

#: Largest picture decoded, in pixels: 8K x 4K. Providers return at most ~17 MP (Nova Canvas 4096²); far
#: beyond that is a decompression bomb, not a scene.
MAX_SOURCE_PIXELS: Final = 33_177_600
#: Cover-crop when it keeps at least this share of the picture; else fit it whole over a blurred copy.
MIN_COVER_KEEP: Final = 0.8


@functools.cache
def pillow() -> ModuleType:
    """Pillow's Image module, with its decompression-bomb limit lowered to ours."""
    from PIL import Image  # noqa: PLC0415 - see the module's note on Pillow

    # Pillow only warns up to twice its limit; lower it to ours so every oversized image is refused.
    if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_SOURCE_PIXELS:
        Image.MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS
    return Image


def flatten(image: Image.Image) -> Image.Image:
    """Any mode as RGB; transparency over black, which is how the video's letterbox looks anyway."""
    from PIL import Image  # noqa: PLC0415 - see the module's note on Pillow

    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (0, 0, 0))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits first, a plain convert would clip everything to white.
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def fit_mode(source: tuple[int, int], frame: tuple[int, int]) -> Literal["cover", "blur"]:
    """How to fit a source into a frame: "cover" when a crop keeps 80% of the picture or more, else "blur"."""
    source_aspect = source[0] / source[1]
    frame_aspect = frame[0] / frame[1]
    kept = min(source_aspect, frame_aspect) / max(source_aspect, frame_aspect)
    return "cover" if kept >= MIN_COVER_KEEP else "blur"


def fit(image: Image.Image, frame: tuple[int, int], mode: Literal["cover", "blur"] = "cover") -> Image.Image:
    """``image`` flattened to RGB and fitted to exactly ``frame``, undistorted.

    "cover" scales it to cover the frame and crops the centre; "blur" scales it to fit whole, over a
    darkened, blurred copy of itself that covers the frame.
    """
    from PIL import ImageFilter, ImageOps  # noqa: PLC0415 - see the module's note on Pillow

    resampling = pillow().Resampling
    rgb = flatten(image)
    if mode == "cover":
        return ImageOps.fit(rgb, frame, method=resampling.LANCZOS)
    # The blurred backdrop is made small and scaled up: blurring at full size costs 50x more.
    small = ImageOps.fit(rgb, (max(2, frame[0] // 16), max(2, frame[1] // 16)), resampling.BOX)
    backdrop = small.filter(ImageFilter.GaussianBlur(3)).point(lambda v: v * 6 // 10)
    fitted = backdrop.resize(frame, resampling.BILINEAR)
    inner = ImageOps.contain(rgb, frame, method=resampling.LANCZOS)
    fitted.paste(inner, ((frame[0] - inner.width) // 2, (frame[1] - inner.height) // 2))
    return fitted
