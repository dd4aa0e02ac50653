"""Presigned uploads (music, scene pictures): offered, then found, sized and judged as they arrive, alike for
both; and files from this machine staged where such an upload would land (``videogen render``'s music and
pictures), so the same checks judge them."""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from videogen.dal import storage
from videogen.dal.storage import ObjectInfo
from videogen.domain import layout
from videogen.exceptions import UploadNotReceivedException, VideoGeneratorException

#: A presigned POST is valid for at most this long, whatever the configuration asks.
MAX_UPLOAD_SECONDS = 900


@dataclass(frozen=True, slots=True)
class Upload:
    """A presigned POST for one file: where to send it, the form's fields, and its limits."""

    upload_id: str
    url: str
    fields: dict[str, str]
    expires_in: int
    max_bytes: int


def offer_upload(
    bucket: str, project_id: str, *, filename: str, content_type: str, max_bytes: int, expires_in: int
) -> Upload:
    """A presigned POST to ``uploads/{project}/{new id}``, outside the project, whose policy makes S3 refuse
    another key, another content type and anything over ``max_bytes``; the file's name rides along as
    metadata (for display)."""
    upload_id = uuid.uuid4().hex
    post = storage.presigned_post(
        bucket,
        layout.upload_key(project_id, upload_id),
        content_type=content_type,
        max_bytes=max_bytes,
        expires_in=expires_in,
        metadata={"filename": quote(filename, safe="")},
    )
    return Upload(upload_id, post.url, post.fields, min(expires_in, MAX_UPLOAD_SECONDS), max_bytes)


def stage_local_file(project_id: str, path: Path, *, bucket: str) -> str:
    """Put a file from this machine where a presigned upload would land.

    Returns the upload id to pass to ``attach_music`` or ``attach_picture``, which check the file as they
    check any upload.
    """
    upload_id = uuid.uuid4().hex
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    storage.upload_file(
        bucket,
        layout.upload_key(project_id, upload_id),
        path,
        content_type,
        metadata={"filename": quote(path.name, safe="")},
    )
    return upload_id


def received_upload(
    bucket: str,
    project_id: str,
    upload_id: str,
    *,
    max_bytes: int,
    too_large: Callable[[int], VideoGeneratorException],
) -> tuple[str, ObjectInfo]:
    """The key of an upload that has arrived, and what S3 holds of it.

    Raises:
        UploadNotReceivedException: nothing was uploaded with this id, or it expired (409).
        VideoGeneratorException: ``too_large(size)``, when it is over ``max_bytes`` (it is deleted).
    """
    staged = layout.upload_key(project_id, upload_id)
    info = storage.head_object(bucket, staged)
    if info is None:
        raise UploadNotReceivedException(
            f"Nothing has arrived for upload {upload_id}: POST the file to the upload URL first "
            "(an upload not used within a day is removed).",
            {"upload_id": upload_id},
        )
    if info.size > max_bytes:
        storage.delete_objects(bucket, [staged])
        raise too_large(info.size)
    return staged, info


def refusal[E: VideoGeneratorException](verdict: dict[str, Any], kind: type[E], fallback: str) -> E:
    """The error an inspecting function's refusal (``{"valid": False, "error": {...}}``) stands for."""
    error = verdict.get("error") or {}
    return kind(str(error.get("message") or fallback), dict(error.get("details") or {}))
