"""A scene's own picture: the path rules every format shares, and where each format reports a bad path."""

from __future__ import annotations

import json

import pytest

from videogen.domain.limits import MAX_PICTURE_PATH_CHARS
from videogen.scripts.errors import FieldProblem, Reason
from videogen.scripts.scene_values import MAX_PICTURE_FOLDERS, parse_picture_path

from ._support import parse_error, where

DEEPEST = "/".join(f"d{n}" for n in range(MAX_PICTURE_FOLDERS)) + "/x.jpg"
TOO_DEEP = "/".join(f"d{n}" for n in range(MAX_PICTURE_FOLDERS + 1)) + "/x.jpg"
LONGEST = "x" * (MAX_PICTURE_PATH_CHARS - 4) + ".jpg"

# Each bad path (all with a file suffix, so plain text reads them as a Picture line too) and its reason.
BAD_PATHS = [
    ("/home/mira/boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("C:\\Users\\mira\\boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("C:/Users/mira/boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("\\\\server\\share\\boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("~/boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("../boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("photos/../../boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("photos\\..\\boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("http://example.com/boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("s3://bucket/boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("file:boat.jpg", Reason.INVALID_PICTURE_PATH),
    ("paper\tboat.jpg", Reason.INVALID_PICTURE_PATH),
    ("x" * MAX_PICTURE_PATH_CHARS + ".jpg", Reason.INVALID_PICTURE_PATH),
    (TOO_DEEP, Reason.INVALID_PICTURE_PATH),
    ("boat.gif", Reason.UNSUPPORTED_PICTURE_TYPE),
    ("IMG_0042.HEIC", Reason.UNSUPPORTED_PICTURE_TYPE),
    ("boat.bmp", Reason.UNSUPPORTED_PICTURE_TYPE),
    ("boat.jpg.txt", Reason.UNSUPPORTED_PICTURE_TYPE),
]


@pytest.mark.parametrize(
    ("written", "path"),
    [
        ("boat.jpg", "boat.jpg"),
        ("  boat.JPG  ", "boat.JPG"),
        ("./boat.jpeg", "boat.jpeg"),
        ("photos\\boat.png", "photos/boat.png"),
        ("photos//2024/./boat.webp", "photos/2024/boat.webp"),
        ('"my paper boat.jpg"', "my paper boat.jpg"),
        ("'my paper boat.jpg'", "my paper boat.jpg"),
        ("<my paper boat.jpg>", "my paper boat.jpg"),
        ("\u201cmy paper boat.jpg\u201d", "my paper boat.jpg"),
        ("photos/.../boat.jpg", "photos/.../boat.jpg"),
        (DEEPEST, DEEPEST),
        (LONGEST, LONGEST),
    ],
)
def test_parse_picture_path_normalizes_a_relative_path(written: str, path: str) -> None:
    assert parse_picture_path(written) == path


@pytest.mark.parametrize(("written", "reason"), [*BAD_PATHS, ("", Reason.INVALID_PICTURE_PATH)])
def test_parse_picture_path_refuses_a_bad_path_with_its_reason(written: str, reason: Reason) -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_picture_path(written)

    assert caught.value.reason is reason
    assert caught.value.hint


@pytest.mark.parametrize(
    ("written", "said", "advised"),
    [
        ("boat.gif", "GIF pictures (often animated) cannot be used", "save the frame you want as PNG"),
        ("IMG_0042.heic", "HEIC photos", "export the photo as JPEG"),
        ("boat", "has no file type; a picture is a JPEG, PNG or WebP (.jpg, .jpeg, .png, .webp)", ".jpg"),
    ],
)
def test_unsupported_picture_type_says_what_to_do(written: str, said: str, advised: str) -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_picture_path(written)

    assert caught.value.reason is Reason.UNSUPPORTED_PICTURE_TYPE
    assert said in caught.value.problem
    assert advised in caught.value.hint


def test_a_url_picture_says_to_save_the_file_beside_the_script() -> None:
    with pytest.raises(FieldProblem) as caught:
        parse_picture_path("https://example.com/boat.jpg")

    assert "web address" in caught.value.problem
    assert "beside the script" in caught.value.hint


# Where each format writes the path and where its error points: the path's own line and column, except
# JSON, whose errors point at the field's key as for every JSON field.
FORMAT_CASES = {
    "md": ("## Boat\nPicture: {path}\n", 2, 10),
    "txt": ("Mira folds a boat.\nPicture: {path}\n", 2, 10),
    "fountain": ("INT. KITCHEN - DAY\n\n[[Picture: {path}]]\n", 3, 12),
    "json": ('{{"scenes": [\n  {{"picture": {json_path}}}]}}', 2, 4),
}


@pytest.mark.parametrize("fmt", list(FORMAT_CASES))
@pytest.mark.parametrize(("written", "reason"), BAD_PATHS)
def test_a_bad_picture_path_is_reported_at_its_place_in_every_format(
    fmt: str, written: str, reason: Reason
) -> None:
    template, line, column = FORMAT_CASES[fmt]
    source = template.format(path=written, json_path=json.dumps(written))

    error = parse_error(source, fmt)

    assert where(error) == (reason.value, line, column)
    assert error.details["text"]


@pytest.mark.parametrize("fmt", ["md", "fountain", "json"])
def test_an_empty_picture_path_is_an_error(fmt: str) -> None:
    template, line, column = FORMAT_CASES[fmt]

    error = parse_error(template.format(path="", json_path='""'), fmt)

    assert where(error) == ("invalid_picture_path", line, column)
    assert "no file name" in error.message
