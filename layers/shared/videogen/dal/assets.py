"""Asset records: what a project produced, with the S3 key where it lives."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException

from videogen.dal import projects, table_keys
from videogen.dal.tables import AssetItem, read_item
from videogen.domain import layout
from videogen.domain.enums import AssetKind
from videogen.domain.models import Asset
from videogen.exceptions import ResourceNotFoundException, StorageException


def _to_domain(item: AssetItem) -> Asset:
    return Asset(
        project_id=item.project_id,
        asset_id=item.asset_id,
        kind=AssetKind(item.kind),
        s3_key=item.s3_key,
        content_type=item.content_type,
        size=int(item.size),
        created_at=item.created_at,
        scene_number=int(item.scene_number) if item.scene_number is not None else None,
        render_id=item.render_id,
        name=item.name,
        duration=float(item.duration) if item.duration is not None else None,
    )


def put_asset(asset: Asset, *, project_version: int | None = None) -> None:
    """Record an asset; the same asset id overwrites (a re-run step gives the same record).

    With ``project_version`` (a user's change, e.g. music), only while the project is idle at that version
    (one transaction; ResourceConflictException otherwise). The render pipeline writes without it.
    """
    if not asset.s3_key.startswith(layout.project_prefix(asset.project_id)):
        raise ValueError("an asset lives under its project's prefix")
    item = AssetItem(
        pk=table_keys.project_pk(asset.project_id),
        sk=table_keys.asset_sk(asset.asset_id),
        project_id=asset.project_id,
        asset_id=asset.asset_id,
        kind=asset.kind.value,
        s3_key=asset.s3_key,
        content_type=asset.content_type,
        size=asset.size,
        scene_number=asset.scene_number,
        render_id=asset.render_id,
        created_at=asset.created_at,
        name=asset.name,
        duration=asset.duration,
    )
    if project_version is not None:
        projects.write_while_idle(
            asset.project_id, project_version, puts=[item.get_save_kwargs_from_instance()]
        )
        return
    try:
        item.save()
    except PynamoDBException as exc:
        raise StorageException("Could not record the asset.") from exc


def list_assets(project_id: str) -> list[Asset]:
    """Every asset of a project, by asset id."""
    try:
        items = AssetItem.query(
            table_keys.project_pk(project_id),
            AssetItem.sk.startswith(table_keys.ASSET_SK_PREFIX),
            consistent_read=True,
        )
        return [_to_domain(item) for item in items]
    except PynamoDBException as exc:
        raise StorageException("Could not list the assets.") from exc


def get_asset(project_id: str, asset_id: str) -> Asset:
    missing = ResourceNotFoundException(
        f"Asset {asset_id!r} does not exist in this project.", {"asset_id": asset_id}
    )
    pk, sk = table_keys.project_pk(project_id), table_keys.asset_sk(asset_id)
    return _to_domain(read_item(AssetItem, pk, sk, missing=missing, what="the asset"))


def find_asset(project_id: str, asset_id: str) -> Asset | None:
    """The asset, or None when the project has none by that id."""
    try:
        return get_asset(project_id, asset_id)
    except ResourceNotFoundException:
        return None


def delete_asset(project_id: str, asset_id: str, *, project_version: int | None = None) -> None:
    """Forget an asset record (its file is the caller's to delete); deleting twice is not an error.
    ``project_version``: as for ``put_asset``."""
    item = AssetItem(pk=table_keys.project_pk(project_id), sk=table_keys.asset_sk(asset_id))
    if project_version is not None:
        projects.write_while_idle(
            project_id, project_version, deletes=[item.get_delete_kwargs_from_instance()]
        )
        return
    try:
        item.delete()
    except PynamoDBException as exc:
        raise StorageException("Could not delete the asset.") from exc
