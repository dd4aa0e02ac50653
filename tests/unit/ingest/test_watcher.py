"""The drop-folder watcher's own logic, against an S3 without notifications (moto, in memory)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from videogen_local.watch import DropFolderWatcher

BUCKET = "media-bucket"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _watcher(root: Path, s3: object, settle: float = 0) -> DropFolderWatcher:
    return DropFolderWatcher(root, BUCKET, owner="alice", settle_seconds=settle, s3=s3)  # type: ignore[arg-type]


def _keys(s3: object, prefix: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)  # type: ignore[attr-defined]
    return sorted(obj["Key"] for obj in listed.get("Contents", []))


def _age(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def test_each_version_of_a_file_goes_up_once_after_it_settled(tmp_path: Path, s3: object) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    script = inbox / "story.md"
    script.write_text("## A\nB\n", encoding="utf-8")
    (inbox / ".story.md.swp").write_text("editor swap", encoding="utf-8")
    (inbox / "drafts").mkdir()
    watcher = _watcher(tmp_path, s3, settle=5)

    assert watcher.scan_once() == []  # still being written, as far as anyone can tell
    _age(script, 10)
    assert watcher.scan_once() == ["inbox/alice/story.md"]
    assert watcher.scan_once() == []
    script.write_text("## A\nChanged.\n", encoding="utf-8")
    _age(script, 6)
    assert watcher.scan_once() == ["inbox/alice/story.md"]

    body = s3.get_object(Bucket=BUCKET, Key="inbox/alice/story.md")["Body"].read()  # type: ignore[attr-defined]
    assert body == b"## A\nChanged.\n"
    assert _keys(s3, "") == ["inbox/alice/story.md"]


def test_pictures_in_folders_go_up_before_scripts_which_wait_while_one_is_written(
    tmp_path: Path, s3: object
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "photos" / ".hidden").mkdir(parents=True)
    script = inbox / "story.md"
    script.write_text("## A\nPicture: photos/a.jpg\n", encoding="utf-8")
    picture = inbox / "photos" / "a.jpg"
    picture.write_bytes(b"\xff\xd8 a jpeg")
    (inbox / "photos" / "notes.txt").write_text("not a picture", encoding="utf-8")
    (inbox / "photos" / ".hidden" / "b.jpg").write_bytes(b"\xff\xd8")
    _age(script, 10)
    watcher = _watcher(tmp_path, s3, settle=5)

    assert watcher.scan_once() == []  # the picture is still being written: the script waits for it
    _age(picture, 10)

    assert watcher.scan_once() == ["inbox/alice/photos/a.jpg", "inbox/alice/story.md"]
    assert _keys(s3, "") == ["inbox/alice/photos/a.jpg", "inbox/alice/story.md"]


def test_a_file_an_earlier_run_answered_is_not_sent_again(tmp_path: Path, s3: object) -> None:
    (tmp_path / "inbox").mkdir()
    done = tmp_path / "inbox" / "done.md"
    redo = tmp_path / "inbox" / "redo.md"
    for path in (done, redo):
        path.write_text("## A\nB\n", encoding="utf-8")
        _age(path, 100)
    (tmp_path / "outbox" / "done").mkdir(parents=True)
    (tmp_path / "outbox" / "done" / "result.json").write_text("{}", encoding="utf-8")
    (tmp_path / "outbox" / "redo").mkdir(parents=True)
    (tmp_path / "outbox" / "redo" / "error.json").write_text("{}", encoding="utf-8")
    _age(tmp_path / "outbox" / "redo" / "error.json", 200)  # answered an older version of redo.md

    assert _watcher(tmp_path, s3).scan_once() == ["inbox/alice/redo.md"]


def test_the_outbox_is_mirrored_and_only_what_the_watcher_wrote_is_removed(
    tmp_path: Path, s3: object
) -> None:
    put = s3.put_object  # type: ignore[attr-defined]
    put(Bucket=BUCKET, Key="outbox/alice/story/video.mp4", Body=b"mp4")
    put(Bucket=BUCKET, Key="outbox/alice/story/result.json", Body=b'{"video": {"duration_seconds": 2.0}}')
    put(Bucket=BUCKET, Key="outbox/bob/story/result.json", Body=b"{}")  # another owner's: never mirrored
    put(Bucket=BUCKET, Key="outbox/alice/../escape.txt", Body=b"no")
    mine = tmp_path / "outbox" / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own file", encoding="utf-8")
    lines: list[str] = []
    watcher = DropFolderWatcher(tmp_path, BUCKET, owner="alice", report=lines.append, s3=s3)  # type: ignore[arg-type]

    written = watcher.sync_outbox()

    story = tmp_path / "outbox" / "story"
    assert written == [story / "video.mp4", story / "result.json"]  # the answer last
    assert (story / "video.mp4").read_bytes() == b"mp4"
    assert lines == [f"✓ story: {story / 'video.mp4'}, 2.0 s"]
    assert not (tmp_path / "escape.txt").exists()
    assert watcher.sync_outbox() == []

    # When the cloud replaces the result by an error, the mirror follows
    s3.delete_objects(  # type: ignore[attr-defined]
        Bucket=BUCKET,
        Delete={
            "Objects": [{"Key": "outbox/alice/story/video.mp4"}, {"Key": "outbox/alice/story/result.json"}]
        },
    )
    put(
        Bucket=BUCKET,
        Key="outbox/alice/story/error.json",
        Body=b'{"error": {"code": "X", "message": "Bad."}}',
    )
    assert watcher.sync_outbox() == [story / "error.json"]
    assert sorted(path.name for path in story.iterdir()) == ["error.json"]
    assert lines[-1] == "✗ story: X: Bad."
    assert mine.read_text(encoding="utf-8") == "my own file"


def test_an_owner_that_is_no_folder_name_is_refused(tmp_path: Path, s3: object) -> None:
    with pytest.raises(ValueError, match="owner id"):
        DropFolderWatcher(tmp_path, BUCKET, owner="../bob", s3=s3)  # type: ignore[arg-type]
