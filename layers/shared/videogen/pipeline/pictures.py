"""InspectPicture: decode an uploaded scene picture with Pillow and store it as the scene image it becomes.

The API keeps its imports light (no Pillow), so it invokes this step synchronously before it attaches a
picture, as it does InspectMusic for music. A file that is not usable is an answer, not a failure: the
result carries the error code and message the API returns as a 422, and the function counts no error. A
check that cannot be made (S3 failing) raises, and the caller answers 500, not a verdict on a file nobody
looked at.

A usable picture is stored upright, as 8-bit RGB PNG, at ``layout.picture_key`` (named by the SHA-256 of
the file as uploaded, so the same file is stored once), with its provenance record beside it, the record
first: a stored picture always has its record.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from videogen.config import Config
from videogen.dal import projects, storage
from videogen.domain import layout
from videogen.domain.provenance import (
    USER_PICTURE_MODEL,
    USER_PICTURE_PROVIDER,
    ImageProvenance,
    UserPicture,
)
from videogen.exceptions import InvalidPictureException, ResourceNotFoundException
from videogen.media.picture import CheckedPicture, StoredPicture, store_picture
from videogen.media.workdir import render_workdir
from videogen.observability import logger, tracer


def picture_provenance(key: str, data: bytes, stored: StoredPicture, name: str | None) -> ImageProvenance:
    """The record of a scene image that is the user's picture: no provider, prompt or seed drew it."""
    return ImageProvenance(
        source="user picture",
        provider=USER_PICTURE_PROVIDER,
        model=USER_PICTURE_MODEL,
        seed=0,
        prompt="",
        negative_prompt="",
        style="",
        width=stored.width,
        height=stored.height,
        cache_key=key,
        image_sha256=hashlib.sha256(data).hexdigest(),
        content_type=layout.IMAGE_CONTENT_TYPE,
        picture=UserPicture(
            name=name,
            sha256=stored.source.sha256,
            format=stored.source.format,
            width=stored.source.width,
            height=stored.source.height,
            size=stored.source.size,
        ),
        generated_at=projects.now(),
        cached=False,
    )


@tracer.capture_method
def inspect_picture(
    key: str, project_id: str, name: str | None, settings: Config, work_base: Path
) -> dict[str, Any]:
    """Download the upload at ``key``, check it and store it under the project. A file stored before (the
    same bytes) is not decoded again: its record answers.

    Returns:
        {"valid": True, "key", "sha256", "format", "width", "height", "size"} or
        {"valid": False, "error": {"code", "message", "details"}}.

    Raises:
        StorageException: the upload could not be read, or the picture not stored.
    """
    bucket = settings.media_bucket
    with render_workdir(work_base, f"picture-{uuid.uuid4().hex}") as work:
        local = work / "upload"
        storage.download_file(bucket, key, local)
        with local.open("rb") as upload:
            target = layout.picture_key(project_id, hashlib.file_digest(upload, "sha256").hexdigest())
        try:
            checked = _stored_before(bucket, target) or _store(
                bucket, target, local, work / "picture.png", name
            )
        except InvalidPictureException as exc:
            logger.info(
                "Picture refused", extra={"reason": exc.details.get("reason"), "size": local.stat().st_size}
            )
            return {"valid": False, "error": exc.to_dict()}
    logger.info(
        "Picture accepted",
        extra={"format": checked.format, "width": checked.width, "height": checked.height},
    )
    return {
        "valid": True,
        "key": target,
        "sha256": checked.sha256,
        "format": checked.format,
        "width": checked.width,
        "height": checked.height,
        "size": checked.size,
    }


def _stored_before(bucket: str, target: str) -> CheckedPicture | None:
    """The file stored at ``target`` earlier, as its record describes it; None when it is not stored (or
    its record is missing or unreadable: it is then stored again)."""
    if not storage.object_exists(bucket, target):
        return None
    try:
        document = storage.read_object(bucket, layout.image_provenance_key(target))[0]
        picture = ImageProvenance.model_validate_json(document).picture
    except (ResourceNotFoundException, ValueError):
        return None
    if picture is None:
        return None
    return CheckedPicture(picture.format, picture.width, picture.height, picture.size, picture.sha256)


def _store(bucket: str, target: str, local: Path, out: Path, name: str | None) -> CheckedPicture:
    """Check the file at ``local`` and store it at ``target``, its record first (a stored picture always has
    its record).

    Raises:
        InvalidPictureException: the file breaks a rule (nothing is stored).
    """
    stored = store_picture(local, out)
    data = out.read_bytes()
    record = picture_provenance(target, data, stored, name)
    storage.put_bytes(
        bucket,
        layout.image_provenance_key(target),
        record.model_dump_json(indent=2).encode("utf-8"),
        layout.PROVENANCE_CONTENT_TYPE,
    )
    storage.put_bytes(bucket, target, data, layout.IMAGE_CONTENT_TYPE)
    return stored.source
