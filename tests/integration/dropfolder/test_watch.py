"""``videogen watch``: files on disk go through the local cloud's S3 notification and come back as files."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.dropfolder import SCRIPT, DropBucket
from tests.support.waiting import wait_until
from videogen_local import watch
from videogen_local.api_keys import DEFAULT_OWNER
from videogen_local.cli import build_parser
from videogen_local.watch import DropFolderWatcher, run_watch_command


def _sync_until(watcher: DropFolderWatcher, path: Path, timeout: float = 90) -> None:
    """Mirror the outbox until ``path`` is there."""

    def synced() -> bool:
        watcher.sync_outbox()
        return path.exists()

    wait_until(synced, timeout, 0.1, f"{path} to appear")


@pytest.mark.slow
def test_watch_renders_files_already_in_the_inbox_and_mirrors_the_outbox(
    drop: DropBucket, ingest_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Given two scripts in the inbox before the watcher starts
    root = tmp_path / "dropbox"
    (root / "inbox").mkdir(parents=True)
    (root / "inbox" / "harbour.md").write_text(SCRIPT, encoding="utf-8")
    (root / "inbox" / "broken.md").write_text("## Dawn\nDuration: 45s\n", encoding="utf-8")
    lines: list[str] = []
    watcher = DropFolderWatcher(root, drop.name, settle_seconds=0, report=lines.append)

    # When it scans: each file goes up once, and S3's notification runs the ingest function
    assert watcher.scan_once() == [f"inbox/{DEFAULT_OWNER}/broken.md", f"inbox/{DEFAULT_OWNER}/harbour.md"]
    assert watcher.scan_once() == []
    assert [call["Records"][0]["s3"]["object"]["key"] for call in ingest_calls] == [
        f"inbox/{DEFAULT_OWNER}/broken.md",
        f"inbox/{DEFAULT_OWNER}/harbour.md",
    ]

    # Then ROOT/outbox/ receives the same files as the cloud's outbox
    _sync_until(watcher, root / "outbox" / "harbour" / "result.json")
    local = sorted(
        str(path.relative_to(root / "outbox")) for path in (root / "outbox").rglob("*") if path.is_file()
    )
    assert local == [
        "broken/error.json",
        "harbour/result.json",
        "harbour/subtitles.srt",
        "harbour/subtitles.vtt",
        "harbour/thumbnail.jpg",
        "harbour/video.mp4",
    ]
    for name in local:
        assert (root / "outbox" / name).read_bytes() == drop.read(f"outbox/{DEFAULT_OWNER}/{name}"), name
    assert any(line.startswith("✓ harbour") for line in lines)
    assert any(line.startswith("✗ broken: SCRIPT_PARSE_ERROR") for line in lines)


def test_watch_subcommand_defaults_to_dropbox_and_the_local_owner() -> None:
    args = build_parser().parse_args(["watch"])
    assert (args.root, args.owner, args.interval) == ("dropbox", DEFAULT_OWNER, 1.0)
    args = build_parser().parse_args(["watch", "elsewhere", "--owner", "alice", "--interval", "0.5"])
    assert (args.root, args.owner, args.interval) == ("elsewhere", "alice", 0.5)


def test_ctrl_c_stops_the_watch_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDEOGEN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MEDIA_BUCKET", raising=False)
    seen: list[str] = []

    def interrupted(self: DropFolderWatcher, interval: float = 1.0, stop: Any = None) -> None:
        seen.append(self.bucket)
        raise KeyboardInterrupt

    monkeypatch.setattr(watch.DropFolderWatcher, "run", interrupted)
    out = io.StringIO()

    assert run_watch_command(tmp_path / "dropbox", "alice", 0.1, out) == 0

    assert seen == ["videogen-local-media-123456789012-us-east-1"]
    assert "Watching" in out.getvalue()
    assert "Stopped." in out.getvalue()
    assert "MEDIA_BUCKET" not in os.environ  # the local cloud was stopped and its environment undone


def test_watch_refuses_an_owner_that_cannot_be_a_folder(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_watch_command(tmp_path, "../bob", 0.1, out) == 2
    assert "not an owner id" in out.getvalue()


@pytest.mark.slow
def test_watch_uploads_music_before_scripts_and_holds_scripts_while_music_is_written(
    drop: DropBucket, tmp_path: Path
) -> None:
    root = tmp_path / "dropbox"
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    watcher = DropFolderWatcher(root, drop.name, settle_seconds=30)
    (inbox / "a-story.md").write_text(SCRIPT, encoding="utf-8")
    (inbox / "z-story.ogg").write_bytes(b"OggS")
    old = time.time() - 60
    os.utime(inbox / "a-story.md", (old, old))

    # While the music is still being written (changed in the last 30 s), the script waits too
    assert watcher.scan_once() == []

    # Once it has settled, the music goes up first, though its name sorts after the script's
    os.utime(inbox / "z-story.ogg", (old, old))
    assert watcher.scan_once() == [f"inbox/{DEFAULT_OWNER}/z-story.ogg", f"inbox/{DEFAULT_OWNER}/a-story.md"]
