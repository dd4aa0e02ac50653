"""What a key in the inbox means: whose script it is, what it is called, and whether it is safe to act on.

A script lives at ``inbox/{owner}/{name}.{md,txt,fountain,json}`` (``.markdown`` and ``.spmd`` too: every
extension the script parser knows). Keys arrive URL-encoded in S3 events (``+`` for a space); they are
decoded once with ``unquote_plus`` and then judged in three classes:

* **unsafe** (:class:`UnsafeInboxKeyException`): outside ``inbox/``, no owner folder, an owner folder that
  is not an owner id, an absolute path, ``.`` or ``..`` segments, empty segments, backslashes, control
  characters, percent-encoded dots, slashes or backslashes left after decoding (``%2e%2e``: a second layer
  of encoding that another tool might decode), or names over 100 characters. Nothing is written for these:
  no folder derived from such a key can be trusted, so they are only logged.
* **not a script** (:func:`parse_inbox_key` returns None): a folder marker (``inbox/alice/``) or a hidden
  file (``.DS_Store``, ``._story.md``), which sync tools create; logged and skipped.
* **a safe name**, returned as an :class:`InboxFile`. It may still be refused (a subfolder, an unknown
  extension: :meth:`InboxFile.check`), but its owner and script name are known, so the refusal can be
  answered with an ``error.json`` in its outbox folder.

The **script name** is the file name without its (known) extension, after any subfolders; an unknown
extension stays part of the name, so ``notes.docx`` never answers into the folder of ``notes.md``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

from videogen.domain.enums import ScriptFormat
from videogen.domain.limits import MUSIC_SUFFIXES, PICTURE_SUFFIXES
from videogen.exceptions import InboxFolderException, ScriptParsingException, UnsafeInboxKeyException
from videogen.scripts.parser import detect_format

INBOX = "inbox/"
OUTBOX = "outbox/"
MAX_NAME_CHARS = 100
MAX_KEY_BYTES = 1024  # S3's own limit
# Owner folders: Cognito user-pool subs (UUIDs), identity-pool ids ("us-east-1:uuid"), local owner names.
_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# After one decoding, an encoded dot, slash or backslash can only be a second layer of encoding.
_ENCODED_PATH_CHARS = re.compile(r"%(?:2e|2f|5c)", re.IGNORECASE)
#: Image files, in any folder of the owner's: pictures for the scripts that name them (the kinds a script may
#: not name too, so a stray GIF or HEIC is not answered as a script in an unknown format).
_IMAGE_SUFFIXES = (*PICTURE_SUFFIXES, ".gif", ".heic", ".heif", ".avif", ".bmp", ".tif", ".tiff")


@dataclass(frozen=True, slots=True)
class InboxFile:
    """A script file in an owner's inbox folder, by a name that is safe to derive outbox keys from."""

    key: str
    owner: str
    folders: tuple[str, ...]
    file_name: str

    @property
    def extension(self) -> str | None:
        """The extension when it is one the script parser reads, else None."""
        _, dot, extension = self.file_name.rpartition(".")
        try:
            detect_format(self.file_name)
        except ScriptParsingException:
            return None
        return extension if dot else None

    @property
    def is_music(self) -> bool:
        """An audio file directly in the owner's folder: music for the script that names it or shares its
        name, read when that script arrives."""
        return not self.folders and self.file_name.lower().endswith(MUSIC_SUFFIXES)

    @property
    def is_picture(self) -> bool:
        """An image file in the owner's folder or below: a scene picture for the script that names it, read
        when that script arrives."""
        return self.file_name.lower().endswith(_IMAGE_SUFFIXES)

    def beside(self, file_name: str) -> str:
        """The key of another file in the same inbox folder (``file_name`` may hold folders)."""
        return f"{INBOX}{self.owner}/{file_name}"

    @property
    def title(self) -> str:
        """The file name without its known extension: the project's title when the script has none."""
        extension = self.extension
        return self.file_name[: -len(extension) - 1] if extension else self.file_name

    @property
    def script_name(self) -> str:
        """The name of its outbox folder, below the owner's: subfolders, then the title."""
        return "/".join((*self.folders, self.title))

    @property
    def outbox_prefix(self) -> str:
        return f"{OUTBOX}{self.owner}/{self.script_name}/"

    def check(self) -> ScriptFormat:
        """The script's format, or why the drop folder does not read this file.

        Raises:
            InboxFolderException: the file sits in a subfolder.
            ScriptParsingException: ``unsupported_format``, the extension is not one of a script.
        """
        if self.folders:
            raise InboxFolderException(
                f"Only files directly inside inbox/{self.owner}/ are read: move {self.file_name!r} out of "
                f"{'/'.join(self.folders)!r}.",
                {"reason": "nested_folder", "key": self.key},
            )
        return detect_format(self.file_name)


def is_owner_id(value: str) -> bool:
    """Whether a folder name can be an owner id."""
    return bool(_OWNER.match(value))


def parse_inbox_key(raw_key: str) -> InboxFile | None:
    """Decode an S3 event's object key and judge it (see the module docstring).

    Returns:
        The file, or None for a folder marker or a hidden file.

    Raises:
        UnsafeInboxKeyException: the key must not be acted on.
    """
    key = unquote_plus(raw_key)
    _check_whole_key(key)
    _, owner, *folders, file_name = key.split("/")
    if not is_owner_id(owner):
        raise _unsafe("invalid_owner", "The owner folder is not an owner id.")
    for segment in (*folders, file_name):
        if len(segment) > MAX_NAME_CHARS:
            raise _unsafe("name_too_long", f"Folder and file names are at most {MAX_NAME_CHARS} characters.")
    if not file_name or file_name.startswith("."):
        return None
    if any(not folder or folder.startswith(".") for folder in folders):
        raise _unsafe("hidden_folder", "A folder name starts with a dot.")
    return InboxFile(key=key, owner=owner, folders=tuple(folders), file_name=file_name)


def _check_whole_key(key: str) -> None:
    """Refuse keys that no folder may be derived from, before splitting them."""
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise _unsafe("name_too_long", "The key is longer than S3 allows.")
    if key.startswith("/"):
        raise _unsafe("absolute_path", "The key is an absolute path.")
    if not key.startswith(INBOX):
        raise _unsafe("outside_inbox", f"Only keys under {INBOX} are read.")
    if _CONTROL.search(key):
        raise _unsafe("control_character", "The key holds a control character.")
    if "\\" in key:
        raise _unsafe("backslash", "The key holds a backslash.")
    if _ENCODED_PATH_CHARS.search(key):
        raise _unsafe("encoded_path", "The key holds an encoded dot, slash or backslash after decoding.")
    segments = key.split("/")
    if any(segment in {".", ".."} for segment in segments):
        raise _unsafe("path_traversal", "The key holds a '.' or '..' segment.")
    if len(segments) < 3:
        raise _unsafe("no_owner_folder", f"Scripts go into {INBOX}<owner>/, not into {INBOX} itself.")
    if any(not segment for segment in segments[:-1]):
        raise _unsafe("empty_segment", "The key holds an empty folder name ('//').")


def _unsafe(reason: str, message: str) -> UnsafeInboxKeyException:
    return UnsafeInboxKeyException(message, {"reason": reason})


@dataclass(frozen=True, slots=True)
class DroppedObject:
    """One object an S3 ObjectCreated event announces, as the event names it."""

    bucket: str
    raw_key: str  # URL-encoded, as in the event
    size: int | None
    etag: str
    version_id: str | None = None
    sequencer: str | None = None

    @property
    def key(self) -> str:
        return unquote_plus(self.raw_key)

    def project_id(self) -> str:
        """The id of the project this object becomes: the same for every delivery of its event.

        Everything that tells one upload from another goes in: the version id (versioned buckets), the
        ETag (the content) and the sequencer (which orders the PUTs of one key, so uploading the same bytes
        again is a new upload and a new render, as on a versioned bucket). Redeliveries of an event repeat
        all of them.
        """
        version = None if self.version_id in {None, "", "null"} else self.version_id
        parts = [self.bucket, self.key, version or "", self.etag.strip('"'), self.sequencer or ""]
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
