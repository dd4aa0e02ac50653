"""Presigned uploads (music, scene pictures) as they arrive: found, sized and judged alike; and files from
this machine staged where such an upload would land (``videogen render``'s music and pictures), so the same
checks judge them."""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from videogen.dal import storage
from videogen.dal.storage import ObjectInfo
from videogen.domain import layout
from videogen.exceptions import UploadNotReceivedException, VideoGeneratorException


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
