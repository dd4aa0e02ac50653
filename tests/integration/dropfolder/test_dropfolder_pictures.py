"""Pictures in the drop folder: a file a script names (relative to the script, in its inbox folder) becomes
that scene's image; a missing or unusable one gets an error.json at its line and column, and a picture
alone is no error."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.support.dropfolder import SCRIPT, DropBucket
from tests.support.logs import LogCapture

NAMED = SCRIPT.replace("## Gulls\n", "## Gulls\nPicture: photos/gulls.jpg\n")
PICTURE_LINE = NAMED.splitlines().index("Picture: photos/gulls.jpg") + 1


def _jpeg(size: tuple[int, int] = (320, 180)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 160, 220)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.slow
def test_a_picture_beside_the_script_becomes_its_scenes_image(drop: DropBucket) -> None:
    # Given the picture uploaded first, in a folder below the owner's
    drop.put("inbox/alice/photos/gulls.jpg", _jpeg())

    # When the script naming it arrives
    drop.put("inbox/alice/gulls.md", NAMED)
    drop.wait_for("outbox/alice/gulls/result.json")

    # Then scene 2 shows it, and the picture itself was no script: no error.json, no second project
    result = drop.json("outbox/alice/gulls/result.json")
    manifest = drop.json(f"projects/{result['project_id']}/renders/{result['render_id']}/manifest.json")
    image = manifest["scenes"][1]["image"]
    assert (image["source"], image["provider"], image["picture"]["name"]) == (
        "user picture",
        "user",
        "photos/gulls.jpg",
    )
    assert manifest["scenes"][0]["image"]["source"] == "generated"
    assert [key for key in drop.keys("outbox/") if key.endswith("error.json")] == []
    assert len(drop.projects()) == 1


def test_a_script_naming_a_picture_that_is_not_there_gets_error_json_at_its_line(drop: DropBucket) -> None:
    drop.put("inbox/alice/lonely.md", NAMED)

    drop.wait_for("outbox/alice/lonely/error.json")

    error = drop.json("outbox/alice/lonely/error.json")["error"]
    assert error["code"] == "PICTURE_NOT_FOUND"
    assert error["message"].startswith(f'line {PICTURE_LINE}: "Picture: photos/gulls.jpg"')
    assert "'photos/gulls.jpg' in inbox/alice/" in error["message"]
    assert (error["details"]["line"], error["details"]["column"]) == (PICTURE_LINE, 10)
    assert drop.projects() == []
    assert drop.executions() == []


def test_a_picture_that_is_not_an_image_gets_error_json_and_no_render(drop: DropBucket) -> None:
    drop.put("inbox/alice/photos/gulls.jpg", b"<html>no picture</html>\n" * 20)

    drop.put("inbox/alice/fake.md", NAMED)
    drop.wait_for("outbox/alice/fake/error.json")

    error = drop.json("outbox/alice/fake/error.json")["error"]
    assert error["code"] == "INVALID_PICTURE"
    assert error["details"]["reason"] == "not_an_image"
    assert error["details"]["line"] == PICTURE_LINE
    assert drop.executions() == []
    assert drop.keys("uploads/") == []


def test_a_picture_alone_is_no_error(drop: DropBucket, logs: LogCapture) -> None:
    drop.put("inbox/alice/photos/gulls.jpg", _jpeg())
    drop.put("inbox/alice/stray.gif", b"GIF89a")

    kept = [entry["key"] for entry in logs.entries() if entry["message"].startswith("Inbox picture kept")]
    assert kept == ["inbox/alice/photos/gulls.jpg", "inbox/alice/stray.gif"]  # both were looked at
    assert drop.keys("outbox/") == []
    assert drop.projects() == []
