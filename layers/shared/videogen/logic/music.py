"""A project's background music: a presigned upload, checked with ffmpeg, then kept under the project.

1. ``start_upload`` hands out a presigned POST to ``uploads/{project}/{upload}``, outside the project, whose
   policy makes S3 refuse another key, another content type and anything over 50 MB.
2. ``attach_music`` checks what arrived (size here, decoding in the InspectMusic function), moves it to
   ``projects/{project}/music/{upload}`` and records the ``music`` asset; a refused file is deleted.
3. MixAudio mixes the ``music`` asset under the narration.

Music changes only while no render runs, so a render always hears the track it started with.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from videogen.dal import assets, functions, storage
from videogen.domain import layout
from videogen.domain.enums import AssetKind
from videogen.domain.limits import AUDIO_TYPE_PATTERN, MAX_MUSIC_BYTES
from videogen.domain.models import Asset, Project
from videogen.exceptions import (
    ConfigurationException,
    InvalidMusicException,
)
from videogen.logic.projects import idle_project
from videogen.logic.uploads import Upload, offer_upload, received_upload, refusal
from videogen.observability import logger

_AUDIO_TYPE = re.compile(AUDIO_TYPE_PATTERN)


def _editable(owner_id: str, project_id: str) -> Project:
    return idle_project(owner_id, project_id, "its music")


def start_upload(
    owner_id: str,
    project_id: str,
    *,
    filename: str,
    content_type: str,
    size: int,
    bucket: str,
    expires_in: int,
) -> Upload:
    """A presigned POST for one music file.

    Raises:
        InvalidMusicException: the declared type is not audio, or the declared size is over 50 MB (422).
        ResourceConflictException: the project is being rendered (409).
    """
    _editable(owner_id, project_id)
    if not _AUDIO_TYPE.match(content_type):
        raise InvalidMusicException(
            f"{content_type[:60]!r} is not an audio type; upload MP3, AAC/M4A, WAV, FLAC or Ogg "
            "(e.g. audio/mpeg).",
            {"content_type": content_type[:100]},
        )
    content_type = content_type.lower()
    if size > MAX_MUSIC_BYTES:
        raise InvalidMusicException.too_large(size)
    upload = offer_upload(
        bucket,
        project_id,
        filename=filename,
        content_type=content_type,
        max_bytes=MAX_MUSIC_BYTES,
        expires_in=expires_in,
    )
    logger.info("Music upload offered", extra={"upload_id": upload.upload_id, "size": size})
    return upload


def attach_music(
    owner_id: str, project_id: str, upload_id: str, *, bucket: str, inspect_function: str | None
) -> Asset:
    """Check an upload and make it the project's music (replacing the previous track).

    Raises:
        UploadNotReceivedException: nothing was uploaded with this id, or it expired (409).
        InvalidMusicException: the file is not audio, lasts over 30 minutes or is over 50 MB (422).
        ResourceConflictException: the project is being rendered (409).
    """
    project = _editable(owner_id, project_id)
    if not inspect_function:
        raise ConfigurationException("Music uploads are not configured (INSPECT_MUSIC_FUNCTION).")
    staged, info = received_upload(
        bucket, project_id, upload_id, max_bytes=MAX_MUSIC_BYTES, too_large=InvalidMusicException.too_large
    )
    verdict: dict[str, Any] = functions.invoke(inspect_function, {"key": staged, "request_id": upload_id})
    if not verdict.get("valid"):
        storage.delete_objects(bucket, [staged])
        raise refusal(verdict, InvalidMusicException, "The music file cannot be used.")
    target = layout.music_key(project_id, upload_id)
    storage.copy_object(bucket, staged, target)
    previous = assets.find_asset(project_id, layout.MUSIC_ASSET_ID)
    asset = Asset(
        project_id=project_id,
        asset_id=layout.MUSIC_ASSET_ID,
        kind=AssetKind.MUSIC,
        s3_key=target,
        content_type=info.content_type,
        size=info.size,
        created_at=datetime.now(UTC),
        name=unquote(info.metadata.get("filename", "")) or None,
        duration=float(verdict["duration"]),
    )
    # Only while the project is idle at the version checked above: a render claimed meanwhile keeps the
    # music it read (the checked upload stays, for a retry after the render).
    assets.put_asset(asset, project_version=project.version)
    stale = [staged] + ([previous.s3_key] if previous and previous.s3_key != target else [])
    storage.delete_objects(bucket, stale)
    logger.info("Music attached", extra={"upload_id": upload_id, "duration": asset.duration})
    return asset


def remove_music(owner_id: str, project_id: str, *, bucket: str) -> None:
    """Take the music off the project, if it has any: the next render has none.

    Raises:
        ResourceConflictException: the project is being rendered (409).
    """
    project = _editable(owner_id, project_id)
    music = assets.find_asset(project_id, layout.MUSIC_ASSET_ID)
    if music is None:
        return
    assets.delete_asset(project_id, layout.MUSIC_ASSET_ID, project_version=project.version)
    storage.delete_objects(bucket, [music.s3_key])
    logger.info("Music removed")
