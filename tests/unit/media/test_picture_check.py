"""A user's own scene picture: every refusal names its rule, and a good one is stored in the one form."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import warnings
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageCms, ImageFile

from videogen.domain.limits import MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS, MIN_PICTURE_SIDE
from videogen.exceptions import InvalidPictureException
from videogen.media.picture import CheckedPicture, check_picture, store_picture

RED, GREEN, BLUE = (230, 20, 20), (20, 200, 20), (20, 20, 230)


def _save(path: Path, image: Image.Image, **params: Any) -> Path:
    image.save(path, **params)
    return path


def _refusal(path: Path) -> InvalidPictureException:
    with pytest.raises(InvalidPictureException) as info:
        check_picture(path)
    assert info.value.status_code == 422
    assert info.value.error_code == "INVALID_PICTURE"
    return info.value


def _noise(size: tuple[int, int]) -> Image.Image:
    """A picture that compresses badly, so that cutting its file in half cuts its pixels."""
    return Image.effect_noise(size, 60).convert("RGB")


def _png_with_header_size(path: Path, width: int, height: int) -> Path:
    """A small valid PNG whose IHDR claims ``width`` x ``height`` (CRC recomputed): a decompression bomb."""
    out = io.BytesIO()
    Image.new("L", (64, 64)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    # Signature (8) | length (4) | "IHDR" (4) | width (4) | height (4) | 5 more bytes | CRC of type+data.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    path.write_bytes(bytes(data))
    return path


def _png_chunks(path: Path) -> list[bytes]:
    data = path.read_bytes()
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


def _swapped_profile() -> bytes:
    """A minimal ICC v2 RGB display profile: sRGB's primaries with red and blue swapped, gamma 2.2."""

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + b"".join(struct.pack(">i", round(v * 65536)) for v in (x, y, z))

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)  # u8Fixed8 2.2, padded to 4
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*blue)),
        (b"gXYZ", xyz(*green)),
        (b"bXYZ", xyz(*red)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = struct.pack(">I", len(tags)), b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + bytes(4)
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(28)
        + b"".join(struct.pack(">i", round(v * 65536)) for v in (0.9642, 1.0, 0.8249))
    )
    return header + bytes(128 - len(header)) + table + body


def _near(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# --- check_picture: good pictures ------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "suffix"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_a_good_picture_is_described_by_format_size_and_digest(tmp_path: Path, fmt: str, suffix: str) -> None:
    path = _save(tmp_path / f"a.{suffix}", Image.new("RGB", (640, 360), RED), format=fmt)

    checked = check_picture(path)

    data = path.read_bytes()
    assert checked == CheckedPicture(fmt, 640, 360, len(data), hashlib.sha256(data).hexdigest())


def test_the_format_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    path = _save(tmp_path / "photo.png", Image.new("RGB", (100, 100), RED), format="JPEG")

    assert check_picture(path).format == "JPEG"


def test_a_quarter_turned_photo_is_described_as_displayed(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = _save(tmp_path / "a.jpg", Image.new("RGB", (300, 200), RED), exif=exif)

    checked = check_picture(path)

    assert (checked.width, checked.height) == (200, 300)


def test_a_camera_mpo_is_a_jpeg_and_not_animated(tmp_path: Path) -> None:
    # Cameras write a second view (or a depth map) after the photo: Pillow reads it as two frames.
    photo, second = Image.new("RGB", (200, 100), RED), Image.new("RGB", (200, 100), BLUE)
    path = _save(tmp_path / "a.jpg", photo, format="MPO", save_all=True, append_images=[second])

    assert check_picture(path).format == "JPEG"


def test_the_longest_usable_shape_is_accepted(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.png", Image.new("RGB", (8 * 100, 100), RED))

    assert (check_picture(path).width, check_picture(path).height) == (800, 100)


def test_pillows_own_lower_limit_neither_refuses_nor_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a process whose Pillow limit is far below videogen's (10000 pixels: an error at twice that)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    warned = _save(tmp_path / "warned.png", Image.new("RGB", (120, 120), RED))  # 14400: a warning
    refused = _save(tmp_path / "refused.png", Image.new("RGB", (300, 300), RED))  # 90000: an error

    # When both are checked, with every warning an error
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sizes = [(check_picture(path).width, check_picture(path).height) for path in (warned, refused)]

    # Then videogen's limit decides, and Pillow's is left as it was
    assert sizes == [(120, 120), (300, 300)]
    assert Image.MAX_IMAGE_PIXELS == 10_000


# --- check_picture: refusals -----------------------------------------------------------------------


def test_a_file_over_20_mb_is_refused_as_too_large_before_it_is_opened(tmp_path: Path) -> None:
    path = _save(tmp_path / "big.png", Image.new("RGB", (100, 100), RED))
    with path.open("r+b") as file:
        file.truncate(MAX_PICTURE_BYTES + 1)  # a valid PNG followed by zeros, sparse on disk

    error = _refusal(path)

    assert error.details == {
        "reason": "too_large",
        "size_bytes": MAX_PICTURE_BYTES + 1,
        "max_bytes": MAX_PICTURE_BYTES,
    }
    assert "20 MB" in error.message


def test_a_file_of_exactly_20_mb_is_not_refused_for_its_size(tmp_path: Path) -> None:
    path = _save(tmp_path / "big.png", Image.new("RGB", (100, 100), RED))
    with path.open("r+b") as file:
        file.truncate(MAX_PICTURE_BYTES)

    assert check_picture(path).size == MAX_PICTURE_BYTES


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"Scene 1: a lighthouse at dusk\n", id="text"),
        pytest.param(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400), id="mp3"),
        pytest.param(random.Random(7).randbytes(4096), id="random"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused_as_not_an_image(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(content)

    error = _refusal(path)

    assert error.details == {"reason": "not_an_image", "size_bytes": len(content)}
    assert "JPEG, PNG or WebP" in error.message


def test_an_empty_file_is_refused_as_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "picture.jpg"
    path.write_bytes(b"")

    error = _refusal(path)

    assert error.details == {"reason": "not_an_image", "size_bytes": 0}
    assert "empty" in error.message


def test_a_gif_is_refused_and_told_to_save_a_frame(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.gif", Image.new("RGB", (100, 100), RED))

    error = _refusal(path)

    assert error.details == {
        "reason": "unsupported_type",
        "format": "GIF",
        "accepted": ["JPEG", "PNG", "WEBP"],
    }
    assert "GIFs cannot be used" in error.message
    assert "PNG or JPEG" in error.message


@pytest.mark.parametrize(("fmt", "suffix"), [("BMP", "bmp"), ("TIFF", "tif")])
def test_other_image_types_are_refused_as_unsupported(tmp_path: Path, fmt: str, suffix: str) -> None:
    path = _save(tmp_path / f"a.{suffix}", Image.new("RGB", (100, 100), RED), format=fmt)

    error = _refusal(path)

    assert error.details["reason"] == "unsupported_type"
    assert error.details["format"] == fmt
    assert f"This is a {fmt} image" in error.message


def test_an_animated_png_is_refused_as_animated(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (100, 100), colour) for colour in (RED, GREEN, BLUE)]
    path = _save(tmp_path / "a.png", frames[0], save_all=True, append_images=frames[1:])

    error = _refusal(path)

    assert error.details == {"reason": "animated", "format": "PNG", "frames": 3}
    assert "still image" in error.message


def test_an_animated_webp_is_refused_as_animated(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (100, 100), colour) for colour in (RED, GREEN)]
    path = _save(tmp_path / "a.webp", frames[0], save_all=True, append_images=frames[1:])

    error = _refusal(path)

    assert error.details == {"reason": "animated", "format": "WEBP", "frames": 2}


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _png_with_header_size(tmp_path / "bomb.png", 30_000, 30_000)

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("a pixel was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    error = _refusal(path)

    assert error.details == {
        "reason": "too_many_pixels",
        "width": 30_000,
        "height": 30_000,
        "pixels": 900_000_000,
        "max_pixels": MAX_PICTURE_PIXELS,
    }
    assert "40 megapixels" in error.message


def test_a_picture_just_over_40_megapixels_is_refused_though_pillow_would_allow_it(tmp_path: Path) -> None:
    path = _png_with_header_size(tmp_path / "big.png", 8000, 5001)  # 40.008 MP, below Pillow's 89 MP

    assert _refusal(path).details["reason"] == "too_many_pixels"


def test_a_webp_canvas_over_the_limit_is_refused_before_libwebp_opens_it(tmp_path: Path) -> None:
    # A VP8X header: 24-bit width-1 and height-1 at bytes 24..29.
    header = b"RIFF" + struct.pack("<I", 22) + b"WEBP" + b"VP8X" + struct.pack("<I", 10) + bytes(4)
    path = tmp_path / "bomb.webp"
    path.write_bytes(header + (9999).to_bytes(3, "little") + (9999).to_bytes(3, "little"))

    error = _refusal(path)

    assert error.details["reason"] == "too_many_pixels"
    assert (error.details["width"], error.details["height"]) == (10_000, 10_000)


@pytest.mark.parametrize("size", [(40, 40), (MIN_PICTURE_SIDE, MIN_PICTURE_SIDE - 1)])
def test_a_picture_with_a_side_under_64_is_refused_as_too_small(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = _save(tmp_path / "a.png", Image.new("RGB", size, RED))

    error = _refusal(path)

    assert error.details == {"reason": "too_small", "width": size[0], "height": size[1], "min_side": 64}


@pytest.mark.parametrize(("size", "shape"), [((2000, 100), "wide"), ((100, 2000), "tall")])
def test_a_long_strip_is_refused_as_extreme_shape_with_its_ratio(
    tmp_path: Path, size: tuple[int, int], shape: str
) -> None:
    path = _save(tmp_path / "a.png", Image.new("RGB", size, RED))

    error = _refusal(path)

    assert error.details == {
        "reason": "extreme_shape",
        "width": size[0],
        "height": size[1],
        "ratio": 20.0,
        "max_ratio": 8,
    }
    assert f"20.0 times as {shape}" in error.message


@pytest.mark.parametrize(("fmt", "suffix"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_a_truncated_picture_is_refused_as_damaged(tmp_path: Path, fmt: str, suffix: str) -> None:
    whole = _save(tmp_path / f"whole.{suffix}", _noise((400, 300)), format=fmt)
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    error = _refusal(cut)

    assert error.details == {"reason": "damaged", "format": fmt}
    assert "damaged or incomplete" in error.message


def test_truncated_images_stay_refused_for_the_rest_of_the_process(tmp_path: Path) -> None:
    whole = _save(tmp_path / "whole.jpg", _noise((400, 300)))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[:2000])

    _refusal(cut)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- store_picture ---------------------------------------------------------------------------------


def _stored(source: Path, tmp_path: Path, **params: Any) -> tuple[tuple[int, int], Image.Image]:
    out = tmp_path / "stored.png"
    size = store_picture(source, out, **params).size
    with Image.open(out) as stored:
        assert stored.format == "PNG"
        assert stored.mode == "RGB"
        assert stored.size == size
        stored.load()
        return size, stored


def test_a_quarter_turned_photo_is_stored_upright(tmp_path: Path) -> None:
    # Given a 300x200 photo, red in its stored top-left corner, to be turned 90 degrees clockwise
    image = Image.new("RGB", (300, 200), BLUE)
    image.paste(RED, (0, 0, 60, 60))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = _save(tmp_path / "a.jpg", image, exif=exif, quality=95)

    size, stored = _stored(path, tmp_path)

    # Then it is stored 200x300, the red corner turned to the top right
    assert size == (200, 300)
    assert _near(stored.getpixel((190, 10)), RED)
    assert _near(stored.getpixel((10, 10)), BLUE)


def test_transparency_is_stored_over_black(tmp_path: Path) -> None:
    image = Image.new("RGBA", (200, 100), (*RED, 0))
    image.paste((*GREEN, 255), (100, 0, 200, 100))
    image.paste((255, 255, 255, 128), (0, 0, 50, 100))
    path = _save(tmp_path / "a.png", image)

    _, stored = _stored(path, tmp_path)

    assert stored.getpixel((75, 50)) == (0, 0, 0)
    assert stored.getpixel((150, 50)) == GREEN
    assert _near(stored.getpixel((25, 50)), (128, 128, 128), 2)


def test_a_cmyk_jpeg_keeps_its_colours(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.jpg", Image.new("CMYK", (100, 100), (0, 255, 255, 0)), quality=95)

    _, stored = _stored(path, tmp_path)

    assert _near(stored.getpixel((50, 50)), (255, 0, 0))


def test_a_16_bit_greyscale_png_is_scaled_to_8_bits_not_clipped_to_white(tmp_path: Path) -> None:
    image = Image.new("I;16", (100, 100), 0x8000)
    image.paste(Image.new("I;16", (50, 100), 0x2000), (0, 0))
    path = _save(tmp_path / "a.png", image)
    with Image.open(path) as opened:
        assert opened.mode.startswith("I")  # the case under test: Pillow keeps the 16 bits

    _, stored = _stored(path, tmp_path)

    assert stored.getpixel((75, 50)) == (128, 128, 128)
    assert stored.getpixel((25, 50)) == (32, 32, 32)


def test_a_palette_png_is_stored_in_its_colours_with_its_transparent_index_black(tmp_path: Path) -> None:
    image = Image.new("P", (100, 100), 1)
    image.putpalette([*RED, *BLUE, *GREEN])
    image.paste(2, (0, 0, 50, 100))
    path = _save(tmp_path / "a.png", image, transparency=2)

    _, stored = _stored(path, tmp_path)

    assert stored.getpixel((75, 50)) == BLUE
    assert stored.getpixel((25, 50)) == (0, 0, 0)


def test_a_large_picture_is_reduced_to_fit_keeping_its_shape(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.png", Image.new("RGB", (5000, 3000), GREEN), compress_level=1)

    size, stored = _stored(path, tmp_path, max_side=3840)

    assert size == (3840, 2304)
    assert stored.getpixel((1920, 1152)) == GREEN


def test_a_tall_picture_is_reduced_by_its_height(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.png", Image.new("RGB", (900, 1600), GREEN))

    assert _stored(path, tmp_path, max_side=800)[0] == (450, 800)


def test_a_small_picture_is_never_enlarged(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.png", Image.new("RGB", (640, 360), GREEN))

    assert _stored(path, tmp_path)[0] == (640, 360)


def test_a_big_jpeg_is_decoded_reduced_and_still_reaches_the_target(tmp_path: Path) -> None:
    # Given a 4000x2000 JPEG, left red and right blue, to fit 900 pixels (libjpeg decodes it at 1/4: 1000)
    image = Image.new("RGB", (4000, 2000), RED)
    image.paste(BLUE, (2000, 0, 4000, 2000))
    path = _save(tmp_path / "a.jpg", image, quality=95)

    size, stored = _stored(path, tmp_path, max_side=900)

    assert size == (900, 450)
    assert _near(stored.getpixel((100, 225)), RED)
    assert _near(stored.getpixel((800, 225)), BLUE)


def test_the_stored_picture_keeps_no_metadata(tmp_path: Path) -> None:
    # Given a JPEG with EXIF (a camera, a place) and an ICC profile
    exif = Image.Exif()
    exif[0x010F] = "A camera maker"
    exif[0x0112] = 1
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = _save(
        tmp_path / "a.jpg", Image.new("RGB", (200, 100), RED), exif=exif, icc_profile=srgb, quality=95
    )

    _, stored = _stored(path, tmp_path)

    assert _png_chunks(tmp_path / "stored.png") == [b"IHDR", b"IDAT", b"IEND"]
    assert not stored.getexif()
    assert _near(stored.getpixel((100, 50)), RED)


def test_a_png_text_chunk_is_not_kept(tmp_path: Path) -> None:
    from PIL.PngImagePlugin import PngInfo  # noqa: PLC0415 - this test's input only

    info = PngInfo()
    info.add_text("Comment", "where this was taken")
    path = _save(tmp_path / "a.png", Image.new("RGB", (100, 100), RED), pnginfo=info)

    store_picture(path, tmp_path / "stored.png")

    assert _png_chunks(tmp_path / "stored.png") == [b"IHDR", b"IDAT", b"IEND"]


def test_a_broken_colour_profile_is_dropped_and_the_picture_stored(tmp_path: Path) -> None:
    path = _save(
        tmp_path / "a.jpg", Image.new("RGB", (100, 100), RED), icc_profile=b"not a profile", quality=95
    )

    _, stored = _stored(path, tmp_path)

    assert _near(stored.getpixel((50, 50)), RED)


def test_a_colour_profile_is_applied_to_srgb(tmp_path: Path) -> None:
    # Given pure red pixels tagged with a profile whose red primary is sRGB's blue
    path = _save(
        tmp_path / "a.jpg", Image.new("RGB", (100, 100), (255, 0, 0)), icc_profile=_swapped_profile()
    )

    _, stored = _stored(path, tmp_path)

    # Then they are stored as the blue they are
    assert _near(stored.getpixel((50, 50)), (0, 0, 255), 16)


def test_store_refuses_what_check_refuses(tmp_path: Path) -> None:
    path = _save(tmp_path / "a.gif", Image.new("RGB", (100, 100), RED))
    out = tmp_path / "stored.png"

    with pytest.raises(InvalidPictureException) as info:
        store_picture(path, out)

    assert info.value.details["reason"] == "unsupported_type"
    assert not out.exists()


def test_store_refuses_a_truncated_jpeg_as_damaged_and_writes_nothing(tmp_path: Path) -> None:
    whole = _save(tmp_path / "whole.jpg", _noise((2000, 1000)))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    out = tmp_path / "stored.png"

    with pytest.raises(InvalidPictureException) as info:
        store_picture(cut, out, max_side=400)  # decoded reduced, and still refused

    assert info.value.details == {"reason": "damaged", "format": "JPEG"}
    assert not out.exists()


def test_storing_describes_the_file_as_checking_it_does(tmp_path: Path) -> None:
    # One decode answers both: the upright size, format, byte count and hash of the file as given.
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = _save(tmp_path / "turned.jpg", Image.new("RGB", (300, 200), RED), exif=exif)

    stored = store_picture(path, tmp_path / "stored.png")

    assert stored.source == check_picture(path)
    assert (stored.source.width, stored.source.height) == (200, 300)
    assert stored.size == (200, 300)
