"""/projects/{id}/assets: what a project has produced, as short-lived download links."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from videogen.api.models import AssetListResponse, AssetResponse
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import ProjectId, errors, ok
from videogen.api.routes.replies import stored_file
from videogen.domain.models import Asset
from videogen.logic import assets as logic

router = Router()

AssetId = Annotated[str, Path(description="The asset id, e.g. video or scene-0003-image.")]


def _asset_response(asset: Asset) -> AssetResponse:
    return AssetResponse(
        **stored_file(asset),
        kind=asset.kind,
        scene_number=asset.scene_number,
        duration=asset.duration,
        render_id=asset.render_id,
    )


@router.get(
    "/projects/<project_id>/assets",
    summary="List assets",
    description=(
        "Scene images and their thumbnails, the storyboard, narration, the video, subtitles, the thumbnail "
        "and the music, with download links; each names the render that made it."
    ),
    responses={200: ok("The project's assets.", AssetListResponse), **errors(404)},
    tags=["assets"],
)
def list_assets(project_id: ProjectId) -> AssetListResponse:
    return AssetListResponse(
        items=[_asset_response(a) for a in logic.list_assets(caller(router), project_id)]
    )


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
    asset = _asset_response(logic.get_asset(caller(router), project_id, asset_id))
    if download:
        return Response(
            status_code=302, body="", headers={"Location": asset.download_url, "Cache-Control": "no-store"}
        )
    return Response(status_code=200, content_type="application/json", body=asset.model_dump_json())
