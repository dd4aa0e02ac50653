"""Files from this machine staged where a presigned upload would land (``videogen render``'s music and
pictures), so the same checks judge them as any upload."""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path
from urllib.parse import quote

from videogen.dal import storage
from videogen.domain import layout


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
