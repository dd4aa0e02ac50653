"""Files a render or an upload would have left, put in place directly: the S3 object and its asset record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from videogen.dal import assets as asset_dal
from videogen.dal import storage
from videogen.domain.enums import AssetKind
from videogen.domain.models import Asset

#: When the stored assets were made: a fixed instant, so the answers that show it are predictable.
STORED_AT = datetime(2026, 11, 24, tzinfo=UTC)


def store_asset(bucket: str, body: bytes, **fields: Any) -> Asset:
    """Put ``body`` in the bucket and record it as an asset; ``fields`` are the asset's (``project_id``,
    ``asset_id``, ``kind``, ``s3_key``, ``content_type``, ...), its size and creation time are filled in."""
    asset = Asset(size=len(body), created_at=STORED_AT, **fields)
    storage.s3_client().put_object(Bucket=bucket, Key=asset.s3_key, Body=body, ContentType=asset.content_type)
    asset_dal.put_asset(asset)
    return asset


def store_video(bucket: str, project_id: str, size: int) -> Asset:
    """A rendered video of ``size`` zero bytes, as render 000001 of the project would have stored it."""
    return store_asset(
        bucket,
        b"\x00" * size,
        project_id=project_id,
        asset_id="video",
        kind=AssetKind.VIDEO,
        s3_key=f"projects/{project_id}/renders/000001/video.mp4",
        content_type="video/mp4",
        render_id="000001",
    )
