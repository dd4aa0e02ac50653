"""Scene images for the assembler: checked before rendering starts, then fitted to the frame undistorted."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from videogen.exceptions import VideoAssemblyException

if TYPE_CHECKING:
    from PIL import Image

#: Largest source image accepted, in pixels: 8K x 4K. Bigger is a decompression bomb, not a scene.
MAX_SOURCE_PIXELS: Final = 33_177_600
#: The source is fitted at this multiple of the frame so zoompan's whole-pixel steps are sub-pixel ones.
SUPERSAMPLE: Final = 2
#: Cover-crop when it keeps at least this share of the picture; else fit it whole over a blurred copy.
MIN_COVER_KEEP: Final = 0.8


def inspect_image(path: Path, number: int) -> tuple[int, int]:
    """The image's (width, height) after EXIF rotation, once it has been fully decoded without error."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it: treat that as the bomb it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as header:
                if header.width * header.height > MAX_SOURCE_PIXELS:
                    raise Image.DecompressionBombError("over videogen's limit")
                header.verify()
            with Image.open(path) as image:
                image.load()  # verify() does not decode: a truncated JPEG only fails here
                size = image.size
                orientation = image.getexif().get(0x0112, 1)
    except FileNotFoundError as exc:
        raise VideoAssemblyException(f"Scene {number}'s image is missing", {"scene": number}) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise VideoAssemblyException(
            f"Scene {number}'s image is too large", {"scene": number, "max_pixels": MAX_SOURCE_PIXELS}
        ) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # Pillow reports unknown formats and truncated or corrupt data as any of these, by codec.
        raise VideoAssemblyException(
            f"Scene {number}'s image cannot be read: it is truncated, corrupt or not an image",
            {"scene": number},
        ) from exc
    # EXIF orientations 5-8 turn the picture a quarter: width and height swap.
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def fit_mode(source: tuple[int, int], frame: tuple[int, int]) -> Literal["cover", "blur"]:
    """How to fit a source into a frame: "cover" when a crop keeps 80% of the picture or more, else "blur"."""
    source_aspect = source[0] / source[1]
    frame_aspect = frame[0] / frame[1]
    kept = min(source_aspect, frame_aspect) / max(source_aspect, frame_aspect)
    return "cover" if kept >= MIN_COVER_KEEP else "blur"


def prepare_image(
    source: Path, size: tuple[int, int], frame: tuple[int, int], target: Path, number: int
) -> Path:
    """Fit ``source`` to SUPERSAMPLE x the frame and save it as a JPEG that ffmpeg decodes quickly.

    A q95 JPEG is visually lossless at video bitrates, 30x smaller than a bitmap and 5x faster to write than a
    PNG. Its 4:2:0 chroma is what the video keeps anyway.
    """
    from PIL import Image, ImageFilter, ImageOps

    big = (frame[0] * SUPERSAMPLE, frame[1] * SUPERSAMPLE)
    try:
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened)
            if image.mode != "RGB":
                image = flatten(image)
            if fit_mode(size, big) == "cover":
                fitted = ImageOps.fit(image, big, method=Image.Resampling.LANCZOS)
            else:
                # The blurred backdrop is made small and scaled up: blurring at full size costs 50x more.
                small = ImageOps.fit(
                    image, (max(2, big[0] // 16), max(2, big[1] // 16)), Image.Resampling.BOX
                )
                backdrop = small.filter(ImageFilter.GaussianBlur(3)).point(lambda v: v * 6 // 10)
                fitted = backdrop.resize(big, Image.Resampling.BILINEAR)
                inner = ImageOps.contain(image, big, method=Image.Resampling.LANCZOS)
                fitted.paste(inner, ((big[0] - inner.width) // 2, (big[1] - inner.height) // 2))
            fitted.save(target, format="JPEG", quality=95, subsampling=2)
    except (OSError, ValueError) as exc:
        raise VideoAssemblyException(f"Scene {number}'s image cannot be read", {"scene": number}) from exc
    return target


def flatten(image: Image.Image) -> Image.Image:
    """Any mode as RGB; transparency over black, which is how the video's letterbox looks anyway."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (0, 0, 0))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits first, a plain convert would clip everything to white.
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")
