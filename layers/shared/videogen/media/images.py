"""Scene images for the assembler: checked before rendering starts, then fitted to the frame undistorted."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Final

from PIL import Image, ImageOps

from videogen.exceptions import VideoAssemblyException
from videogen.pictures import MAX_SOURCE_PIXELS, fit, fit_mode

#: The source is fitted at this multiple of the frame so zoompan's whole-pixel steps are sub-pixel ones.
SUPERSAMPLE: Final = 2


def inspect_image(path: Path, number: int) -> tuple[int, int]:
    """The image's (width, height) after EXIF rotation, once it has been fully decoded without error."""
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


def prepare_image(
    source: Path, size: tuple[int, int], frame: tuple[int, int], target: Path, number: int
) -> Path:
    """Fit ``source`` to SUPERSAMPLE x the frame and save it as a JPEG that ffmpeg decodes quickly.

    A q95 JPEG is visually lossless at video bitrates, 30x smaller than a bitmap and 5x faster to write than a
    PNG. Its 4:2:0 chroma is what the video keeps anyway.
    """
    big = (frame[0] * SUPERSAMPLE, frame[1] * SUPERSAMPLE)
    try:
        with Image.open(source) as opened:
            fitted = fit(ImageOps.exif_transpose(opened), big, fit_mode(size, big))
            fitted.save(target, format="JPEG", quality=95, subsampling=2)
    except (OSError, ValueError) as exc:
        raise VideoAssemblyException(f"Scene {number}'s image cannot be read", {"scene": number}) from exc
    return target
