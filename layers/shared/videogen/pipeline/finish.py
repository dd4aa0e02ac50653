"""FinishRender and RecordFailure: the project's final state and its asset records."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from videogen import exceptions
from videogen.dal import assets, projects, scenes, storage
from videogen.domain.enums import AssetKind, ProjectStatus
from videogen.domain.models import Asset
from videogen.observability import logger, metrics
from videogen.pipeline.assemble import output_keys
from videogen.settings import Settings

_OUTPUTS = {
    "video": (AssetKind.VIDEO, "video/mp4"),
    "subtitles_srt": (AssetKind.SUBTITLES_SRT, "application/x-subrip"),
    "subtitles_vtt": (AssetKind.SUBTITLES_VTT, "text/vtt"),
    "thumbnail": (AssetKind.THUMBNAIL, "image/jpeg"),
}


def finish_render(project_id: str, render_id: str, settings: Settings) -> None:
    """Record the render's files as assets and mark the project COMPLETED (idempotent)."""
    project = projects.get_project_any_owner(project_id)
    stamp = projects.now()
    for asset_id, key in output_keys(project_id, render_id).items():
        kind, content_type = _OUTPUTS[asset_id]
        size = storage.object_size(settings.media_bucket, key)
        assets.put_asset(
            Asset(
                project_id, asset_id.replace("_", "-"), kind, key, content_type, size, stamp, None, render_id
            )
        )
    for scene in scenes.all_scenes(project_id, project.scene_set or ""):
        if scene.image_key:
            size = storage.object_size(settings.media_bucket, scene.image_key)
            assets.put_asset(
                Asset(
                    project_id,
                    f"scene-{scene.number:04d}-image",
                    AssetKind.SCENE_IMAGE,
                    scene.image_key,
                    "image/png",
                    size,
                    stamp,
                    scene.number,
                    render_id,
                )
            )
    projects.set_status(project_id, ProjectStatus.COMPLETED)
    metrics.add_metric(name="RendersSucceeded", unit=MetricUnit.Count, value=1)
    logger.info("Render completed", extra={"render_id": render_id})


def _known_errors() -> dict[str, type[exceptions.VideoGeneratorException]]:
    found: dict[str, type[exceptions.VideoGeneratorException]] = {}
    pending: list[type[exceptions.VideoGeneratorException]] = [exceptions.VideoGeneratorException]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found


def describe_failure(failure: dict[str, Any]) -> dict[str, str]:
    """Turn a Catch output ({"Error", "Cause"}) into the error code and message the project shows."""
    name = str(failure.get("Error") or "States.Runtime")
    cause = failure.get("Cause") or ""
    message = ""
    try:
        parsed = json.loads(cause) if isinstance(cause, str) and cause.startswith("{") else {}
        message = str(parsed.get("errorMessage") or "")
    except ValueError:
        parsed = {}
    known = _known_errors().get(name)
    if known is not None:
        return {"code": known.error_code, "message": message or "The render failed."}
    if name == "States.Timeout":
        return {"code": "RENDER_TIMEOUT", "message": "A render step took too long and was stopped."}
    # Anything else is unexpected: its text may carry internals, so the project gets a generic reason.
    logger.error("Render failed unexpectedly", extra={"error": name, "cause": str(cause)[:2000]})
    return {
        "code": "INTERNAL_ERROR",
        "message": "The render failed unexpectedly; retry, or report the request id.",
    }


def record_failure(project_id: str, render_id: str, failure: dict[str, Any]) -> dict[str, str]:
    """Mark the project FAILED with a code and a reason a person can act on."""
    error = {**describe_failure(failure), "render_id": render_id}
    try:
        projects.set_status(project_id, ProjectStatus.FAILED, error=error)
    except exceptions.ResourceNotFoundException:
        # The project was deleted while it rendered (its execution was stopped): nothing to record.
        logger.info("Render of a deleted project ended", extra={"render_id": render_id})
        return error
    # Failures are counted per error code; the dimension must not stick to the function's other metrics.
    with single_metric(
        name="RendersFailed", unit=MetricUnit.Count, value=1, namespace=metrics.namespace
    ) as metric:
        metric.add_dimension(name="error_code", value=error["code"])
    logger.warning("Render failed", extra={"render_id": render_id, "error_code": error["code"]})
    return error
