"""A user's own scene picture: checked against videogen's limits, then stored in the one form every later
step reads like a generated image (an 8-bit RGB PNG, upright, in sRGB, no larger than 4K, no metadata).

The rules are read from the file's header before any pixel is decoded, in this order: the file's size,
whether it is an image at all, its type, animation, its pixel count, its sides, its shape. Only then are
the pixels decoded, which finds a damaged file. The type comes from the bytes, never from the file's name.

Pillow's own decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``, which ``videogen.pictures`` may have
lowered for the whole process) is left as it is: its warning is silenced while a picture is opened and
its error is answered by reading the header without it, so that videogen's rule, and its message, decide.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from videogen.domain.limits import MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS, MIN_PICTURE_SIDE
from videogen.exceptions import InvalidPictureException
from videogen.pictures import flatten

try:
    from PIL import ImageCms
except ImportError:  # a Pillow built without LittleCMS: a colour profile is dropped, not applied
    ImageCms = None  # type: ignore[assignment]

#: The formats a picture may be, as Pillow names them, and the name each is reported by. A camera's MPO
#: (a JPEG followed by a second view or a depth map) is a JPEG whose first image is the photo.
ACCEPTED_FORMATS: Final = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
#: The longer side may be at most this many times the shorter: a longer strip cannot usefully fill a
#: 16:9 or 9:16 frame (it would be a sliver between two blurred bands).
MAX_PICTURE_ASPECT: Final = 8
#: The largest side of a stored picture, by default. Assembly fits a picture to the frame before it moves
#: it (``media.assemble``), so nothing beyond the frame's long side (1920 at 1080p) is ever shown; 2560
#: leaves a margin and stores a 40 MP photo in a third of the pixels 3840 would.
STORED_MAX_SIDE: Final = 2560
#: zlib level of the stored PNG: 1 wrote a 3840x2880 photo in 1.2 s where Pillow's default 6 took 3.8 s,
#: for a file 24% larger (11.4 MB, 9.2 MB). Encoding is most of a store's time; a smaller file saves less.
STORED_COMPRESS_LEVEL: Final = 1
#: A format's name in a message, where it differs from Pillow's.
_SHOWN: Final = {"WEBP": "WebP"}
#: What Pillow raises for data it cannot decode, depending on the codec.
_DECODE_ERRORS: Final = (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError)
#: EXIF orientations that turn the picture a quarter: its displayed width and height swap.
_QUARTER_TURNS: Final = frozenset({5, 6, 7, 8})


@dataclass(frozen=True, slots=True)
class CheckedPicture:
    """A picture that passed every rule, as it will be shown."""

    #: "JPEG", "PNG" or "WEBP" (read from the bytes; an MPO is reported as the JPEG it starts with).
    format: str
    #: The displayed size: EXIF orientation applied.
    width: int
    height: int
    #: Bytes of the file.
    size: int
    #: Hex SHA-256 of the file's bytes as uploaded.
    sha256: str


@dataclass(frozen=True, slots=True)
class StoredPicture:
    """A picture written in videogen's one form: the file it was made from, and the stored size."""

    source: CheckedPicture
    width: int
    height: int

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


def check_picture(path: Path) -> CheckedPicture:
    """Check the picture at ``path`` against every rule, decoding it fully, and describe it.

    Raises:
        InvalidPictureException: the picture breaks a rule; ``details["reason"]`` names it:
            ``too_large`` (``size_bytes``, ``max_bytes``), ``not_an_image`` (``size_bytes``),
            ``unsupported_type`` (``format``, ``accepted``), ``animated`` (``format``, ``frames``),
            ``too_many_pixels`` (``width``, ``height``, ``pixels``, ``max_pixels``), ``too_small``
            (``width``, ``height``, ``min_side``), ``extreme_shape`` (``width``, ``height``, ``ratio``,
            ``max_ratio``), ``damaged`` (``format``). Sizes in details are the file's, before rotation.
        OSError: the file cannot be read (missing, unreadable): the caller's fault, not the picture's.
    """
    data = _read(path)
    with _open_checked(data) as image:
        name = ACCEPTED_FORMATS[image.format or ""]
        _decode(image, name)
        return _described(image, name, data)


def _described(image: Image.Image, name: str, data: bytes) -> CheckedPicture:
    """The picture ``image`` (opened from ``data``, before any draft) as it will be shown."""
    width, height = image.size
    if image.getexif().get(ExifTags.Base.Orientation, 1) in _QUARTER_TURNS:
        width, height = height, width
    return CheckedPicture(name, width, height, len(data), hashlib.sha256(data).hexdigest())


def store_picture(path: Path, out: Path, *, max_side: int = STORED_MAX_SIDE) -> StoredPicture:
    """Write the picture at ``path`` to ``out`` in videogen's one form; return what :func:`check_picture`
    says of the file, and the stored size (one decode does both).

    The form: PNG, 8-bit RGB, upright (EXIF orientation applied), colours converted to sRGB from an
    embedded ICC profile (with LittleCMS; dropped unconverted if Pillow lacks it or the profile is
    broken), transparency over black (``videogen.pictures.flatten``, as generated images), reduced with
    Lanczos to fit ``max_side`` x ``max_side`` (never enlarged), and no metadata at all.

    It applies every rule of :func:`check_picture` itself (the header's before decoding, ``damaged`` while
    decoding), so it is safe on a file nobody checked; after a check it decodes once more, cheaply: a big
    JPEG is decoded reduced by libjpeg (``Image.draft``) to the smallest scale still at least the target.

    Raises:
        InvalidPictureException: as :func:`check_picture`.
        OSError: the file cannot be read, or ``out`` cannot be written.
    """
    data = _read(path)
    with _open_checked(data) as image:
        name = ACCEPTED_FORMATS[image.format or ""]
        source = _described(image, name, data)
        target = _fitted(image.size, max_side)
        if name == "JPEG" and target != image.size:
            image.draft(image.mode, target)  # DCT scaling by 1/2..1/8, only while the result >= target
        _decode(image, name)
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
    rgb = flatten(_to_srgb(upright, icc))
    size = _fitted(rgb.size, max_side)
    if size != rgb.size:
        # reducing_gap: a cheap box reduction first, Lanczos over the last 3x; indistinguishable, faster.
        rgb = rgb.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if rgb.mode != "RGB":
        rgb = rgb.convert("RGB")
    rgb.info.clear()  # PNG's encoder would carry an ICC profile over from here
    rgb.save(out, format="PNG", compress_level=STORED_COMPRESS_LEVEL)
    return StoredPicture(source, *rgb.size)


def _read(path: Path) -> bytes:
    """The file's bytes, refused by size before a byte is read (and again, should it grow meanwhile)."""
    size = path.stat().st_size
    if size > MAX_PICTURE_BYTES:
        raise InvalidPictureException.too_large(size)
    with path.open("rb") as file:
        data = file.read(MAX_PICTURE_BYTES + 1)
    if len(data) > MAX_PICTURE_BYTES:
        raise InvalidPictureException.too_large(len(data))
    return data


def _open_checked(data: bytes) -> Image.Image:
    """The picture opened from its header (no pixel decoded), once every header rule has passed."""
    if not data:
        raise InvalidPictureException(
            "The picture file is empty. Upload a JPEG, PNG or WebP picture.",
            {"reason": "not_an_image", "size_bytes": 0},
        )
    # libwebp allocates the whole canvas as soon as a WebP is opened: its size is read from the bytes.
    if (canvas := _webp_canvas(data)) is not None:
        _check_pixels(*canvas)
    image = _open_header(data)
    try:
        name = ACCEPTED_FORMATS.get(image.format or "")
        if name is None:
            raise _unsupported(image.format or "unknown")
        frames = getattr(image, "n_frames", 1)
        if name != "JPEG" and (frames > 1 or getattr(image, "is_animated", False)):
            raise InvalidPictureException(
                f"This {_SHOWN.get(name, name)} is animated ({frames} frames); a scene picture "
                "must be a still image. Save the frame you want as PNG or JPEG.",
                {"reason": "animated", "format": name, "frames": frames},
            )
        _check_pixels(*image.size)
        _check_sides(*image.size)
    except BaseException:
        image.close()
        raise
    return image


def _open_header(data: bytes) -> Image.Image:
    """Pillow's reading of the header, whatever its global decompression-bomb limit says."""
    try:
        with warnings.catch_warnings():
            # Below twice its limit Pillow only warns; videogen's own limit is checked next, with its message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        # Pillow refused it on its own limit, which may be lower than ours: read the header without it.
        return _open_unchecked(data)
    except (UnidentifiedImageError, *_DECODE_ERRORS) as exc:
        if (name := _signature(data)) is not None:
            # It starts as a picture of an accepted type, and its header does not read: damaged, not alien.
            raise _damaged(name) from exc
        raise InvalidPictureException(
            "This file is not a picture videogen can read. Upload a JPEG, PNG or WebP picture.",
            {"reason": "not_an_image", "size_bytes": len(data)},
        ) from exc


def _open_unchecked(data: bytes) -> Image.Image:
    """The header read as ``Image.open`` reads it, minus its decompression-bomb check.

    Only reached for a file Pillow identified as an image and found over its limit, so one of its
    registered formats accepts it.
    """
    prefix = data[:16]
    for name in Image.ID:
        factory, accept = Image.OPEN[name]
        accepted = accept is None or accept(prefix)
        if not accepted or isinstance(accepted, str):
            continue
        try:
            return factory(io.BytesIO(data), "")
        except (*_DECODE_ERRORS, Image.DecompressionBombError):
            continue
    raise InvalidPictureException(  # unreachable while Pillow's formats stay the same
        "This file is not a picture videogen can read. Upload a JPEG, PNG or WebP picture.",
        {"reason": "not_an_image", "size_bytes": len(data)},
    )


def _webp_canvas(data: bytes) -> tuple[int, int] | None:
    """A WebP's canvas size from its first chunk's header, or None when ``data`` is no WebP with one."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    return None


def _unsupported(found: str) -> InvalidPictureException:
    details: dict[str, Any] = {
        "reason": "unsupported_type",
        "format": found,
        "accepted": ["JPEG", "PNG", "WEBP"],
    }
    if found == "GIF":
        message = "GIFs cannot be used as a scene picture. Save the frame you want as PNG or JPEG."
    else:
        message = (
            f"This is a {found} image; a scene picture must be JPEG, PNG or WebP. Save it as one of those."
        )
    return InvalidPictureException(message, details)


def _check_pixels(width: int, height: int) -> None:
    pixels = width * height
    if pixels > MAX_PICTURE_PIXELS:
        raise InvalidPictureException(
            f"The picture is {width}x{height} pixels ({pixels / 1e6:.1f} megapixels); the limit is "
            f"{MAX_PICTURE_PIXELS / 1e6:g} megapixels. Scale it down and upload it again.",
            {
                "reason": "too_many_pixels",
                "width": width,
                "height": height,
                "pixels": pixels,
                "max_pixels": MAX_PICTURE_PIXELS,
            },
        )


def _check_sides(width: int, height: int) -> None:
    if min(width, height) < MIN_PICTURE_SIDE:
        raise InvalidPictureException(
            f"The picture is {width}x{height} pixels; each side must be at least {MIN_PICTURE_SIDE} pixels. "
            "Use a larger picture.",
            {"reason": "too_small", "width": width, "height": height, "min_side": MIN_PICTURE_SIDE},
        )
    ratio = max(width, height) / min(width, height)
    if ratio > MAX_PICTURE_ASPECT:
        shape = "wide" if width > height else "tall"
        raise InvalidPictureException(
            f"The picture is {width}x{height} pixels, {ratio:.1f} times as {shape} as it is "
            f"{'tall' if shape == 'wide' else 'wide'}; at most {MAX_PICTURE_ASPECT} times can fill a video "
            "frame. Crop it closer to the frame's shape.",
            {
                "reason": "extreme_shape",
                "width": width,
                "height": height,
                "ratio": round(ratio, 2),
                "max_ratio": MAX_PICTURE_ASPECT,
            },
        )


def _decode(image: Image.Image, name: str) -> None:
    """Decode every pixel (Pillow refuses a truncated file: ``LOAD_TRUNCATED_IMAGES`` stays off)."""
    try:
        image.load()
    except _DECODE_ERRORS as exc:
        raise _damaged(name) from exc


def _damaged(name: str) -> InvalidPictureException:
    return InvalidPictureException(
        f"The {_SHOWN.get(name, name)} file is damaged or incomplete: its pixels cannot be read. Export or "
        "download it again and upload the new file.",
        {"reason": "damaged", "format": name},
    )


def _signature(data: bytes) -> str | None:
    """The accepted format ``data`` starts like, by its magic bytes alone."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _fitted(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``size`` reduced to fit ``max_side`` x ``max_side``, keeping its shape; never enlarged."""
    width, height = size
    longest = max(width, height)
    if longest <= max_side:
        return size
    if width >= height:
        return max_side, max(1, round(height * max_side / width))
    return max(1, round(width * max_side / height)), max_side


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """``image`` converted to sRGB by its ICC profile; as it is when it has none or it cannot be applied."""
    if not icc or ImageCms is None:
        return image
    output = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken profile, or one for another colour space than the pixels': the colours as stored.
        return image
    return converted if converted is not None else image
