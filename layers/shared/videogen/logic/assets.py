"""A project's produced files, handed out as short-lived presigned URLs."""

from __future__ import annotations

from videogen.dal import assets, projects, storage
from videogen.domain.models import Asset


def list_assets(owner_id: str, project_id: str) -> list[Asset]:
    projects.get_project(owner_id, project_id)
    return assets.list_assets(project_id)


def get_asset(owner_id: str, project_id: str, asset_id: str) -> Asset:
    projects.get_project(owner_id, project_id)
    return assets.get_asset(project_id, asset_id)


def download_url(bucket: str, asset: Asset, expires_in: int) -> str:
    """A presigned GET for the asset, named after its id so browsers save it sensibly."""
    return storage.presigned_get(bucket, asset.s3_key, expires_in, asset.content_type)
