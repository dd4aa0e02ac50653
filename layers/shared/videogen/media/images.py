"""Scene images for the assembler: checked before rendering starts, then fitted to the frame undistorted."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageOps

from videogen.exceptions import VideoAssemblyException
from videogen.pictures import MAX_SOURCE_PIXELS, fit, fit_mode


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
    """Fit ``source`` to the frame and save it as an uncompressed PPM, which ffmpeg reads at once.

    ``frame`` is the size the camera moves it at (``videogen.media.segments.picture_size``): the frame
    for a pan, a little more for a zoom, whose close end then shows the picture's own detail. A PPM is
    written and read about as fast as memory is copied (a 720p q95 JPEG took ~15 ms each way) and keeps
    the picture as Pillow fitted it: no second lossy step, and no chroma subsampling before ffmpeg sites
    the chroma where the video needs it.
    """
    try:
        with Image.open(source) as opened:
            fitted = fit(ImageOps.exif_transpose(opened), frame, fit_mode(size, frame))
            fitted.convert("RGB").save(target, format="PPM")
    except (OSError, ValueError) as exc:
        raise VideoAssemblyException(f"Scene {number}'s image cannot be read", {"scene": number}) from exc
    return target
