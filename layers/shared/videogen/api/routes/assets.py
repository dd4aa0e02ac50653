"""/projects/{id}/assets: what a project has produced, as short-lived download links."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from videogen.api.context import current_owner
from videogen.api.models import AssetListResponse, AssetResponse
from videogen.api.routes.docs import errors, ok
from videogen.config import get_config
from videogen.domain.models import Asset
from videogen.logic import assets as logic
from videogen.observability import logger

router = Router()

ProjectId = Annotated[str, Path(description="The project id (32 hex characters).")]
AssetId = Annotated[str, Path(description="The asset id, e.g. video or scene-0003-image.")]


def _owner() -> str:
    owner = current_owner(router)
    logger.append_keys(owner_id=owner)
    return owner


def _asset_response(asset: Asset) -> AssetResponse:
    settings = get_config()
    return AssetResponse(
        id=asset.asset_id,
        kind=asset.kind,
        content_type=asset.content_type,
        size=asset.size,
        scene_number=asset.scene_number,
        filename=asset.name,
        duration=asset.duration,
        created_at=asset.created_at,
        download_url=logic.download_url(settings.media_bucket, asset, settings.presign_seconds),
        expires_in=settings.presign_seconds,
    )


@router.get(
    "/projects/<project_id>/assets",
    summary="List assets",
    description=(
        "Scene images, narration, the video, subtitles, the thumbnail and the music, with download links."
    ),
    responses={200: ok("The project's assets.", AssetListResponse), **errors(404)},
    tags=["assets"],
)
def list_assets(project_id: ProjectId) -> AssetListResponse:
    return AssetListResponse(items=[_asset_response(a) for a in logic.list_assets(_owner(), project_id)])


@router.get(
    "/projects/<project_id>/assets/<asset_id>",
    summary="Get an asset",
    description="One asset with a download link; with ?download=1, a 302 redirect to the link instead.",
    responses={
        200: ok("The asset.", AssetResponse),
        302: ok("Redirect to the presigned download URL (with ?download=1).", headers=("Location",)),
        **errors(404),
    },
    tags=["assets"],
)
def get_asset(
    project_id: ProjectId,
    asset_id: AssetId,
    download: Annotated[bool, Query(description="Redirect to the file instead of describing it.")] = False,
) -> Response[Any]:
    asset = _asset_response(logic.get_asset(_owner(), project_id, asset_id))
    if download:
        return Response(
            status_code=302, body="", headers={"Location": asset.download_url, "Cache-Control": "no-store"}
        )
    return Response(status_code=200, content_type="application/json", body=asset.model_dump_json())
