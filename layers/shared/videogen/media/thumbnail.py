"""Thumbnails: a small JPEG of a scene image or of a video's opening."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from videogen.exceptions import VideoAssemblyException
from videogen.media.ffmpeg import BASE_ARGS, Deadline, expr_number, run_ffmpeg
from videogen.media.probe import probe
from videogen.pictures import MAX_SOURCE_PIXELS, flatten

THUMBNAIL_SECONDS: Final = 1.0


def make_thumbnail(source: Path, output: Path, width: int, *, timeout: float | None = 60.0) -> Path:
    """Write a JPEG ``width`` pixels wide of ``source``: an image as it is, or a video's frame at ~1 s.

    The height follows the source's aspect ratio. Short videos give their middle frame instead.

    Raises:
        VideoAssemblyException: the width is out of range, or the source is neither image nor video.
    """
    if not 16 <= width <= 4096:
        raise VideoAssemblyException("The thumbnail width is out of range", {"width": width})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as opened:
                if opened.width * opened.height > MAX_SOURCE_PIXELS:
                    raise VideoAssemblyException("The thumbnail source is too large")
                opened.draft("RGB", (width, width))  # a JPEG decodes at 1/2..1/8 scale: much faster
                image = ImageOps.exif_transpose(opened)
                image = image if image.mode == "RGB" else flatten(image)
                height = max(1, round(width * image.height / image.width))
                image.resize((width, height), Image.Resampling.LANCZOS).save(
                    output, format="JPEG", quality=85
                )
                return output
    except UnidentifiedImageError:
        pass  # not an image: try it as a video below
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise VideoAssemblyException("The thumbnail source is too large") from exc
    except FileNotFoundError as exc:
        raise VideoAssemblyException("The thumbnail source is missing") from exc
    except OSError as exc:
        raise VideoAssemblyException("The thumbnail source cannot be read") from exc

    info = probe(source)
    if info.video_codec is None:
        raise VideoAssemblyException("The thumbnail source has no picture")
    at = min(THUMBNAIL_SECONDS, info.duration / 2)
    run_ffmpeg(
        [*BASE_ARGS, "-ss", expr_number(at), "-i", str(source.resolve()), "-frames:v", "1",
         "-vf", f"scale={width}:-2", "-q:v", "3", str(output.resolve())],
        deadline=Deadline(timeout),
        what="the thumbnail",
    )  # fmt: skip
    if not output.is_file():
        raise VideoAssemblyException("The thumbnail could not be made")
    return output
