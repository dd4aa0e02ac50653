"""``videogen watch``: a folder on disk as the drop folder, on the local cloud.

* ``ROOT/inbox/NAME`` is uploaded to ``s3://<media bucket>/inbox/<owner>/NAME`` when it is new or changed
  (and has stopped changing); so are pictures in folders below it (``ROOT/inbox/photos/dawn.jpg``), which a
  script names by their path. Music and pictures go first. The upload is an ordinary S3 PUT, so the
  bucket notification that template.yaml declares runs the same ingest handler as when deployed.
* ``s3://<media bucket>/outbox/<owner>/`` is mirrored to ``ROOT/outbox/``: the same files as in the cloud,
  result.json and error.json last, and files the cloud removes are removed here too (only those this
  watcher wrote: nothing else in ROOT/outbox/ is touched).

One owner per watched folder: the local default owner, or the one given. A file already in the inbox when
the watcher starts is processed, unless an earlier run answered it already (its outbox folder holds a
result.json or error.json newer than the file): each version of a file is processed once.

The watcher plays the user's side (an uploader and a sync client), so it talks to S3 with its own client.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import boto3

from videogen.domain.limits import MUSIC_SUFFIXES, PICTURE_SUFFIXES
from videogen.ingest.inbox import INBOX, OUTBOX, InboxFile, is_owner_id
from videogen.logic.outbox import ERROR_FILE, RESULT_FILE
from videogen_local.api_keys import DEFAULT_OWNER
from videogen_local.cloud import started_cloud

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_ANSWERS = (RESULT_FILE, ERROR_FILE)


class DropFolderWatcher:
    """Feeds ROOT/inbox/ into the bucket's inbox and mirrors the bucket's outbox into ROOT/outbox/."""

    def __init__(
        self,
        root: Path,
        bucket: str,
        *,
        owner: str = DEFAULT_OWNER,
        settle_seconds: float = 1.0,
        report: Callable[[str], None] = lambda line: None,
        s3: S3Client | None = None,
    ) -> None:
        if not is_owner_id(owner):
            raise ValueError("an owner id is 1-128 letters, digits, '.', '_', '@', ':' or '-'")
        self.inbox = root / "inbox"
        self.outbox = root / "outbox"
        self.bucket = bucket
        self.owner = owner
        self.settle_seconds = settle_seconds
        self._report = report
        if s3 is None:
            s3 = boto3.client("s3")
        self._s3 = s3
        self._uploaded: dict[str, tuple[int, int]] = {}  # file name -> (size, mtime) when uploaded
        self._mirrored: dict[str, str] = {}  # outbox key -> ETag of the copy written here

    # ------------------------------------------------------------------ inbox
    def scan_once(self) -> list[str]:
        """Upload each inbox file that is new or changed and has settled; returns the keys uploaded."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        uploaded = []
        files = [p for p in self.inbox.iterdir() if not p.name.startswith(".") and p.is_file()]
        # Pictures may sit in folders below the inbox (a script names them by a relative path).
        files += [
            path
            for path in self.inbox.glob("*/**/*")
            if path.is_file() and _is_picture(path) and not _hidden(path.relative_to(self.inbox))
        ]
        # Music and pictures first, and no script while one is still being written: a script's files must
        # be in the inbox when the script arrives.
        files.sort(key=lambda path: (not _is_companion(path), path.relative_to(self.inbox).as_posix()))
        companions_settling = any(_is_companion(p) and self._settling(p) for p in files)
        for path in files:
            name = path.relative_to(self.inbox).as_posix()
            stat = path.stat()
            fingerprint = (stat.st_size, stat.st_mtime_ns)
            if self._uploaded.get(name) == fingerprint:
                continue
            if self._settling(path) or (companions_settling and not _is_companion(path)):
                continue  # still being written: take it when it stops changing
            if name not in self._uploaded and self._answered_already(path):
                self._uploaded[name] = fingerprint
                continue
            key = f"{INBOX}{self.owner}/{name}"
            content_type = mimetypes.guess_type(path.name)[0] or "text/plain"
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=path.read_bytes(), ContentType=content_type)
            self._uploaded[name] = fingerprint
            uploaded.append(key)
            self._report(f"↑ {name}")
        return uploaded

    def _settling(self, path: Path) -> bool:
        return time.time() - path.stat().st_mtime < self.settle_seconds

    def _answered_already(self, path: Path) -> bool:
        """Whether an earlier run left this version of the file its answer."""
        folder = self.outbox / InboxFile(key="", owner=self.owner, folders=(), file_name=path.name).title
        mtime = path.stat().st_mtime
        return any(
            (folder / name).is_file() and (folder / name).stat().st_mtime >= mtime for name in _ANSWERS
        )

    # ------------------------------------------------------------------ outbox
    def sync_outbox(self) -> list[Path]:
        """Bring ROOT/outbox/ in line with the bucket's outbox; returns the files written."""
        prefix = f"{OUTBOX}{self.owner}/"
        listed: dict[str, str] = {}
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            listed.update({obj["Key"]: obj["ETag"] for obj in page.get("Contents", [])})
        # Answers last: a result.json that is there means its video is there too.
        order = sorted(listed, key=lambda key: (key.rpartition("/")[0], key.endswith(_ANSWERS), key))
        written = []
        for key in order:
            target = self._local_path(key[len(prefix) :])
            if target is None or self._mirrored.get(key) == listed[key]:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.part")
            self._s3.download_file(self.bucket, key, str(partial))
            partial.replace(target)
            self._mirrored[key] = listed[key]
            written.append(target)
            if target.name in _ANSWERS:
                self._report(_summary(target))
        for key in [key for key in self._mirrored if key not in listed]:
            target = self._local_path(key[len(prefix) :])
            if target is not None:
                target.unlink(missing_ok=True)
            del self._mirrored[key]
        return written

    def _local_path(self, relative: str) -> Path | None:
        """Where an outbox key goes under ROOT/outbox/; None for a key that would land outside it."""
        base = self.outbox.resolve()
        parts = relative.split("/")
        if any(part in {"", ".", ".."} for part in parts):
            return None
        target = base.joinpath(*parts).resolve()
        return target if target.is_relative_to(base) else None

    # ------------------------------------------------------------------ loop
    def run(self, interval: float = 1.0, stop: threading.Event | None = None) -> None:
        """Scan and mirror every ``interval`` seconds until ``stop`` is set (or Ctrl-C)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            self.scan_once()
            self.sync_outbox()
            stop.wait(interval)


def _is_picture(path: Path) -> bool:
    return path.name.lower().endswith(PICTURE_SUFFIXES)


def _is_companion(path: Path) -> bool:
    """Music or a picture: a file a script may name, uploaded before any script."""
    return path.name.lower().endswith(MUSIC_SUFFIXES + PICTURE_SUFFIXES)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _summary(answer: Path) -> str:
    """One line about a result.json or error.json that just arrived."""
    try:
        document: dict[str, Any] = json.loads(answer.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"↓ {answer}"
    name = answer.parent.name
    if answer.name == RESULT_FILE:
        duration = (document.get("video") or {}).get("duration_seconds")
        seconds = f", {duration:.1f} s" if isinstance(duration, int | float) else ""
        return f"✓ {name}: {answer.parent / 'video.mp4'}{seconds}"
    error = document.get("error") or {}
    return f"✗ {name}: {error.get('code')}: {error.get('message')}"


def run_watch_command(
    root: Path, owner: str, interval: float, out: TextIO, *, from_build: Path | None = None
) -> int:
    """``videogen watch``: the local cloud, and a watcher on ROOT until Ctrl-C. Returns the exit status.
    ``from_build``: run the functions of that `sam build`."""
    if not is_owner_id(owner):
        print(f"videogen: {owner!r} is not an owner id", file=out)
        return 2
    cloud = started_cloud(from_build, out)
    if cloud is None:
        return 2
    with cloud:
        watcher = DropFolderWatcher(
            root,
            cloud.buckets["MediaBucket"],
            owner=owner,
            report=lambda line: print(line, file=out, flush=True),
        )
        print(
            f"Watching {watcher.inbox}/ (owner {owner!r}); results appear in {watcher.outbox}/. "
            "Ctrl-C stops.",
            file=out,
            flush=True,
        )
        try:
            watcher.run(interval)
        except KeyboardInterrupt:
            print("\nStopped. Renders still running were dropped: the local cloud lives in memory.", file=out)
    return 0
