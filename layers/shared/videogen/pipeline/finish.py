"""FinishRender and RecordFailure: the project's final state and its asset records."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from videogen import exceptions
from videogen.config import Config
from videogen.dal import assets, projects, scenes, storage
from videogen.domain import layout
from videogen.domain.enums import AssetKind, ProjectStatus
from videogen.domain.events import RenderEventType
from videogen.domain.models import Asset, Project, RenderFailure
from videogen.logic import outbox
from videogen.logic.renders import release_render_slot
from videogen.observability import emit_metric, logger, metrics
from videogen.pipeline.announce import announce
from videogen.pipeline.manifest import write_manifest


def finish_render(project_id: str, render_id: str, settings: Config, duration: float | None = None) -> None:
    """Record the render's files as assets, publish them to the project's drop-folder outbox if it has
    one, and mark the project COMPLETED (idempotent). ``duration`` is the video's, for result.json.

    A render that stopped after its images (``Project.render_stop_after``) has no video: only its scene
    images are recorded here (MakeStoryboard recorded the storyboard and the thumbnails), an earlier
    render's video stays listed as that render's, and nothing is published to a drop folder (whose
    result.json would claim a video; the drop folder itself only starts whole renders).

    Raises:
        RenderSupersededException: the render is no longer the project's current one, or has ended.
    """
    project = projects.get_project_any_owner(project_id)
    if project.render_id != render_id:
        raise exceptions.RenderSupersededException(
            "This render was superseded by a newer one.",
            {"render_id": render_id, "current": project.render_id},
        )
    stamp = projects.now()
    assembled = project.render_stop_after is None
    outputs: list[outbox.ProducedFile] = []
    for output in layout.RENDER_OUTPUTS if assembled else ():
        key = output.key(project_id, render_id)
        size = storage.object_size(settings.media_bucket, key)
        outputs.append(outbox.ProducedFile(output, key, size))
        assets.put_asset(
            Asset(
                project_id,
                output.asset_id,
                output.kind,
                key,
                output.content_type,
                size,
                stamp,
                None,
                render_id,
            )
        )
    all_scenes = scenes.all_scenes(project_id, project.scene_set or "")
    for scene in all_scenes:
        if scene.image_key:
            size = storage.object_size(settings.media_bucket, scene.image_key)
            assets.put_asset(
                Asset(
                    project_id,
                    layout.scene_image_asset_id(scene.number),
                    AssetKind.SCENE_IMAGE,
                    scene.image_key,
                    layout.IMAGE_CONTENT_TYPE,
                    size,
                    stamp,
                    scene.number,
                    render_id,
                )
            )
    # Assembly's record completed with how every scene was made; an asset of the render like its files.
    manifest, manifest_size = write_manifest(project, render_id, all_scenes, settings)
    manifest_key = layout.MANIFEST.key(project_id, render_id)
    assets.put_asset(
        Asset(
            project_id,
            layout.MANIFEST.asset_id,
            layout.MANIFEST.kind,
            manifest_key,
            layout.MANIFEST.content_type,
            manifest_size,
            stamp,
            None,
            render_id,
        )
    )
    if duration is None:
        duration = manifest.duration
    if project.outbox_prefix and assembled:
        # Before COMPLETED, so a project that says COMPLETED has its outbox complete.
        measured = {scene.number: scene.duration or 0.0 for scene in manifest.scenes}
        durations = [(scene, measured.get(scene.number, 0.0)) for scene in all_scenes]
        document = outbox.result_document(
            project,
            project.outbox_prefix,
            render_id,
            duration=duration,
            scene_durations=durations,
            outputs=outputs,
        )
        outbox.publish_result(settings.media_bucket, project.outbox_prefix, outputs, document)
    # The slot first: a client that sees COMPLETED may start its next render at once.
    release_render_slot(project.owner_id, project_id, render_id)
    if not projects.set_render_status(project_id, render_id, ProjectStatus.COMPLETED):
        current = projects.get_project_any_owner(project_id)
        if current.render_id == render_id and current.status is ProjectStatus.COMPLETED:
            # A retried FinishRender: done already, but its event may be what failed the first time.
            announce(RenderEventType.COMPLETED, project, render_id, settings, video_seconds=duration)
            return
        raise exceptions.RenderSupersededException(
            "This render ended before it could complete.", {"render_id": render_id}
        )
    metrics.add_metric(name="RendersSucceeded", unit=MetricUnit.Count, value=1)
    if assembled and duration is not None:
        _record_output_metrics(project, duration)
    else:
        metrics.add_metric(name="RendersStoppedAfterImages", unit=MetricUnit.Count, value=1)
    logger.info("Render completed", extra={"render_id": render_id, "stop_after": project.render_stop_after})
    announce(RenderEventType.COMPLETED, project, render_id, settings, video_seconds=duration)


def _record_output_metrics(project: Project, duration: float) -> None:
    """Render duration (claim to finish) and seconds of video produced."""
    if project.render_started_at is not None:
        elapsed = (projects.now() - project.render_started_at).total_seconds()
        metrics.add_metric(name="RenderDuration", unit=MetricUnit.Seconds, value=max(0.0, elapsed))
    metrics.add_metric(name="VideoSecondsProduced", unit=MetricUnit.Seconds, value=duration)


def describe_failure(failure: dict[str, Any]) -> dict[str, str]:
    """Turn a Catch output ({"Error", "Cause"}) into the error code and message the project shows.

    ``Error`` is the name Lambda reported the step's exception by (its class name), looked up in the
    error catalogue: an error of ours keeps its code and message, whatever modules this function loaded.
    """
    name = str(failure.get("Error") or "States.Runtime")
    cause = failure.get("Cause") or ""
    message = ""
    try:
        parsed = json.loads(cause) if isinstance(cause, str) and cause.startswith("{") else {}
        message = str(parsed.get("errorMessage") or "")
    except ValueError:
        parsed = {}
    known = exceptions.error_class(name)
    if known is not None:
        return {"code": known.error_code, "message": message or known.default_message}
    # The state's TimeoutSeconds, or the function's own Timeout (Lambda reports that as Sandbox.Timedout).
    if name in {"States.Timeout", "Sandbox.Timedout"}:
        return described(exceptions.RenderTimedOutException)
    # Anything else is unexpected: its text may carry internals, so the project gets a generic reason.
    logger.error("Render failed unexpectedly", extra={"error": name, "cause": str(cause)[:2000]})
    return {
        "code": "INTERNAL_ERROR",
        "message": "The render failed unexpectedly; retry, or report the request id.",
    }


def described(error: type[exceptions.VideoGeneratorException]) -> dict[str, str]:
    """The reason a project shows for an error that arrived without a message of its own."""
    return {"code": error.error_code, "message": error.default_message}


def record_failure(
    project_id: str, render_id: str, failure: dict[str, Any], settings: Config, request_id: str = "unknown"
) -> dict[str, Any]:
    """Mark the project FAILED with a code and a reason a person can act on (and, for a drop-folder
    project, say so in its outbox's error.json)."""
    return fail_render(project_id, render_id, describe_failure(failure), settings, request_id)


def fail_render(
    project_id: str, render_id: str, reason: dict[str, str], settings: Config, request_id: str = "unknown"
) -> dict[str, Any]:
    """End a render FAILED with ``reason`` ({"code", "message"}), unless it ended already: FAILED first
    (so nothing can leave the project RENDERING), then the owner's slot, then the drop folder's error.json.

    Idempotent: a retry, or a second reporter of the same end (RecordFailure, then the reconcile step),
    finds the render FAILED and only completes the slot and error.json, with the reason recorded first.
    A render that completed, or was superseded by a newer one, is left as it is. Returns the error the
    project shows for this render (as stored: {"code", "message", "render_id"}).
    """
    error = RenderFailure(code=reason["code"], message=reason["message"], render_id=render_id)
    try:
        recorded = projects.set_render_status(project_id, render_id, ProjectStatus.FAILED, error=error)
        project = projects.get_project_any_owner(project_id)
        # This render's slot, whatever became of the project: releasing is idempotent.
        release_render_slot(project.owner_id, project_id, render_id)
        if not recorded:
            if project.render_id != render_id or project.status is not ProjectStatus.FAILED:
                logger.info("Render ended already", extra={"render_id": render_id, "status": project.status})
                return (project.error or error).model_dump(exclude_none=True)
            error = project.error or error
        _publish_failure(project, render_id, error, settings, request_id)
        announce(RenderEventType.FAILED, project, render_id, settings, error=error)
    except exceptions.ResourceNotFoundException:
        # The project was deleted while it rendered (its execution was stopped): nothing to record.
        logger.info("Render of a deleted project ended", extra={"render_id": render_id})
        return error.model_dump(exclude_none=True)
    if recorded:
        # Counted in total and per error code; the dimension must not stick to the function's other metrics.
        emit_metric("RendersFailed", MetricUnit.Count, 1, error_code=error.code)
        logger.warning("Render failed", extra={"render_id": render_id, "error_code": error.code})
    return error.model_dump(exclude_none=True)


def _publish_failure(
    project: Project, render_id: str, error: RenderFailure, settings: Config, request_id: str
) -> None:
    """error.json in the outbox of a drop-folder project (after FAILED: a stuck RENDERING is worse than an
    error.json that a retry writes a moment later)."""
    if not project.outbox_prefix:
        return
    document = outbox.error_document(
        {"code": error.code, "message": error.message},
        project_id=project.id,
        render_id=render_id,
        request_id=request_id,
    )
    outbox.publish_error(settings.media_bucket, project.outbox_prefix, document)
