"""What the routes answer with beyond a plain model: JSON with a status or headers of its own, a
resource with its version as ETag, and what every description of a stored file says."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from videogen.api.context import etag_for
from videogen.config import get_config
from videogen.domain.models import Asset
from videogen.logic import assets as asset_logic


class StoredFile(TypedDict):
    """The fields an asset's and the music's descriptions share."""

    id: str
    filename: str | None
    content_type: str
    size: int
    created_at: datetime
    download_url: str
    expires_in: int


def json_reply[M: BaseModel](
    body: M, status: int = 200, headers: dict[str, str] | None = None
) -> Response[M]:
    """``body`` as JSON with ``status`` and ``headers``."""
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers or {}
    )


def versioned[M: BaseModel](
    body: M, version: int, status: int = 200, headers: dict[str, str] | None = None
) -> Response[M]:
    """A resource as JSON, its ``version`` in the ETag header (what If-Match sends back)."""
    return json_reply(body, status, {"ETag": etag_for(version), **(headers or {})})


def stored_file(asset: Asset) -> StoredFile:
    """``asset`` as its description says it, with a presigned link to its file and how long it is valid."""
    settings = get_config()
    return StoredFile(
        id=asset.asset_id,
        filename=asset.name,
        content_type=asset.content_type,
        size=asset.size,
        created_at=asset.created_at,
        download_url=asset_logic.download_url(settings.media_bucket, asset, settings.presign_seconds),
        expires_in=settings.presign_seconds,
    )
