"""Starting a render: check its size and the owner's limits, claim the project, start its execution under
a deterministic name; and freeing the owner's slot when a render ends."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from videogen.config import Config, get_config
from videogen.dal import executions, limits, projects, scenes
from videogen.domain import costs
from videogen.domain.enums import ProjectStatus, StopAfter
from videogen.domain.limits import MAX_RENDER_PIXEL_SECONDS
from videogen.domain.models import Project, Render, RenderFailure, Scene
from videogen.exceptions import (
    BudgetExceededException,
    PictureNotFoundException,
    RateLimitException,
    RenderTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
    VideoGeneratorException,
)
from videogen.logic import estimate
from videogen.observability import logger, metrics

#: A claim older than this whose execution does not exist was left by a claimer that died before starting
#: it (a claimer starts its execution within a second or two).
STALE_CLAIM_SECONDS = 30.0
#: What a client is told to wait when all its render slots are taken: renders take minutes.
RUNNING_RETRY_AFTER_SECONDS = 30
_BUSY = {ProjectStatus.QUEUED, ProjectStatus.RENDERING}


#: Reads of a project's scenes while its script is replaced under them (a new set, the old one deleted).
_SCENE_READS = 3


def scenes_to_render(project: Project) -> tuple[Project, list[Scene]]:
    """The project's current scenes, which a render draws, narrates and assembles, with the project as it
    was when they were read (a script edited meanwhile replaced the scene set read first: read again).

    Raises:
        ResourceConflictException: the project has no scenes (409).
    """
    for _ in range(_SCENE_READS):
        project_scenes = scenes.all_scenes(project.id, project.scene_set) if project.scene_set else []
        if project_scenes:
            return project, project_scenes
        latest = projects.get_project(project.owner_id, project.id)
        if latest.scene_set == project.scene_set:
            break
        project = latest
    raise ResourceConflictException("The project has no scenes to render.", {"project_id": project.id})


def check_pictures_attached(project_id: str, project_scenes: list[Scene]) -> None:
    """Refuse a render while a scene waits for the picture its script names (the API's scripts cannot bring
    files: the picture is uploaded to the scene after the project is created).

    Raises:
        PictureNotFoundException: one or more scenes wait for their picture (422), every one named.
    """
    waiting = [scene for scene in project_scenes if scene.awaits_picture]
    if not waiting:
        return
    first = waiting[0]
    named = ", ".join(f"scene {scene.number} ({scene.picture_name!r})" for scene in waiting[:10])
    more = f" and {len(waiting) - 10} more" if len(waiting) > 10 else ""
    raise PictureNotFoundException(
        f"The script names pictures that have not been given: {named}{more}. Upload each with POST "
        f"/v1/projects/{project_id}/scenes/{first.number}/picture/uploads, then PUT .../picture; or DELETE "
        ".../picture to draw the scene instead.",
        {
            "scenes": [scene.number for scene in waiting],
            "pictures": [scene.picture_name for scene in waiting],
        },
    )


def check_render_size(project: Project, project_scenes: list[Scene]) -> None:
    """Refuse a render whose seconds times frame pixels exceed MAX_RENDER_PIXEL_SECONDS (10 min at 1080p).

    Each scene counts as long as assembly will make it (``videogen.logic.estimate.scene_seconds``).

    Raises:
        RenderTooLargeException: the render is too large (422), with the figures in its details.
    """
    width, height = project.settings.frame_size()
    seconds = sum(estimate.scene_seconds(project, project_scenes))
    if seconds * width * height <= MAX_RENDER_PIXEL_SECONDS:
        return
    allowed = MAX_RENDER_PIXEL_SECONDS / (width * height)
    raise RenderTooLargeException(
        f"This render would last about {seconds / 60:.1f} minutes at {width}x{height}; at most "
        f"{allowed / 60:.1f} minutes render at this size. Shorten the script or lower the resolution.",
        {
            "estimated_seconds": round(seconds, 1),
            "max_seconds": math.floor(allowed),
            "width": width,
            "height": height,
        },
    )


def estimate_render(
    owner_id: str, project_id: str, settings: Config | None = None, stop_after: StopAfter | None = None
) -> costs.Estimate:
    """The plan and price of rendering the project now (up to ``stop_after``), refused as a real render
    would be; starts nothing.

    Raises:
        ResourceNotFoundException: no such project of this owner (404).
        ResourceConflictException: the project has no scenes (409).
        RenderTooLargeException: the render would be longer than its resolution allows (422).
    """
    settings = settings or get_config()
    project, project_scenes = scenes_to_render(projects.get_project(owner_id, project_id))
    check_pictures_attached(project.id, project_scenes)
    check_render_size(project, project_scenes)
    return estimate.estimate(project, project_scenes, settings, stop_after)


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def _budget_charge(settings: Config, price: costs.Estimate, moment: datetime) -> limits.BudgetCharge | None:
    """The render's estimate against the owner's monthly budget (None without a budget)."""
    if settings.monthly_budget_per_owner_usd <= 0:
        return None
    next_month = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=UTC)
    return limits.BudgetCharge(
        month=_month(moment),
        estimate_micro_usd=estimate.micro_usd(price.total_usd),
        budget_micro_usd=estimate.micro_usd(settings.monthly_budget_per_owner_usd),
        # A month later than needed: TTL deletion lags, and the spend stays readable a while.
        expires=next_month + timedelta(days=31),
    )


def _budget_exceeded(owner_id: str, charge: limits.BudgetCharge) -> BudgetExceededException:
    spent = limits.spent_in(owner_id, charge.month)
    remaining = max(0, charge.budget_micro_usd - spent)
    figures = {
        "estimate_usd": charge.estimate_micro_usd / 1e6,
        "budget_usd": charge.budget_micro_usd / 1e6,
        "spent_usd": spent / 1e6,
        "remaining_usd": remaining / 1e6,
    }
    return BudgetExceededException(
        f"This render is estimated at ${figures['estimate_usd']:.4f}, but only "
        f"${figures['remaining_usd']:.4f} of your ${figures['budget_usd']:.2f} budget for {charge.month} "
        "(UTC) remains. Render fewer or shorter scenes, a lower resolution or the local image provider "
        "(POST /renders?dry_run=true shows the price), or wait for next month.",
        figures,
    )


def _quota(
    settings: Config, moment: datetime, budget: limits.BudgetCharge | None = None
) -> limits.RenderQuota:
    day = moment.date()
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return limits.RenderQuota(
        max_running=settings.max_running_renders_per_owner,
        max_per_day=settings.max_renders_per_day_per_owner,
        day=day.isoformat(),
        # A day later than needed: TTL deletion lags, and a counter must outlive its day.
        expires=midnight + timedelta(days=2),
        budget=budget,
    )


def _seconds_to_next_day(moment: datetime) -> int:
    tomorrow = datetime(moment.year, moment.month, moment.day, tzinfo=UTC) + timedelta(days=1)
    return max(1, math.ceil((tomorrow - moment).total_seconds()))


def _is_live(execution_name: str, state_machine_arn: str | None) -> bool:
    """Whether a render in an owner's running set still runs (not deleted, ended or stopped meanwhile)."""
    project_id, _, render_id = execution_name.rpartition("-")
    try:
        project = projects.get_project_any_owner(project_id)
    except ResourceNotFoundException:
        return False
    if project.render_id != render_id or project.status not in _BUSY:
        return False
    if state_machine_arn:
        # Stopped by hand or timed out, no Catch ran to free the slot. Not started yet counts as live.
        state = executions.state(executions.execution_arn(state_machine_arn, execution_name))
        return state in {None, "RUNNING"}
    return True


def _claim(
    owner_id: str,
    project_id: str,
    settings: Config,
    state_machine_arn: str | None,
    moment: datetime,
    *,
    budget: limits.BudgetCharge | None = None,
    stop_after: StopAfter | None = None,
) -> Project:
    """Claim the render within the owner's limits, freeing slots of renders that ended unnoticed."""
    quota = _quota(settings, moment, budget)
    for attempt in range(2):
        try:
            return projects.claim_render(owner_id, project_id, quota, stop_after)
        except limits.OwnerLimitReachedException as exc:
            if exc.limit == "budget" and budget is not None:
                raise _budget_exceeded(owner_id, budget) from exc
            if exc.limit == "daily":
                raise RateLimitException(
                    f"You have started {quota.max_per_day} renders today, the most allowed per day (UTC): "
                    "retry tomorrow.",
                    retry_after=_seconds_to_next_day(moment),
                    details={"limit": "renders_per_day", "maximum": quota.max_per_day},
                ) from exc
            stale = (
                {name for name in limits.running(owner_id) if not _is_live(name, state_machine_arn)}
                if attempt == 0
                else set()
            )
            if not stale:
                raise RateLimitException(
                    f"You have {quota.max_running} renders queued or running, the most allowed at once: "
                    "retry when one has finished.",
                    retry_after=RUNNING_RETRY_AFTER_SECONDS,
                    details={"limit": "running_renders", "maximum": quota.max_running},
                ) from exc
            logger.warning("Freed render slots of renders that ended", extra={"renders": sorted(stale)})
            limits.remove_running(owner_id, stale)
    raise AssertionError("unreachable: the second attempt returns or raises")  # pragma: no cover


def execution_input(
    project_id: str, render_id: str, request_id: str, stop_after: StopAfter | None
) -> dict[str, Any]:
    """A render execution's input. ``stop_after`` is always there (null: the whole video), so the state
    machine's choice after the storyboard reads a value, never a missing path."""
    return {
        "project_id": project_id,
        "render_id": render_id,
        "request_id": request_id,
        "stop_after": stop_after.value if stop_after is not None else None,
    }


def start_render(
    owner_id: str,
    project_id: str,
    state_machine_arn: str | None,
    request_id: str,
    settings: Config | None = None,
    *,
    stop_after: StopAfter | None = None,
) -> Render:
    """Queue a render of the project and start the state machine.

    With ``stop_after`` images, the render makes the stills, their thumbnails and the storyboard, and ends
    COMPLETED without assembling a video (a later whole render reuses the images from the cache).

    With a monthly budget (``monthly_budget_per_owner_usd``), the render's estimate is added to the owner's
    spend of the UTC month in the claim's transaction, so racing starts can never together exceed it. A
    render keeps its charge once its execution has started, even if it fails later (the images it made are
    paid for, and cached for the next render); only a render whose execution never started gets it back.

    Raises:
        ResourceConflictException: the project has no scenes, or a render is queued or running already (409).
        RenderTooLargeException: the render would be longer than its resolution allows (422).
        BudgetExceededException: the estimate exceeds what remains of the owner's monthly budget (402).
        RateLimitException: the owner has the most renders running, or started the most today (429).
    """
    settings = settings or get_config()
    current = projects.get_project(owner_id, project_id)
    repair_stalled_claim(current, state_machine_arn, request_id)
    current, project_scenes = scenes_to_render(current)
    check_pictures_attached(current.id, project_scenes)
    check_render_size(current, project_scenes)
    moment = datetime.now(UTC)
    budget = None
    if settings.monthly_budget_per_owner_usd > 0:
        price = estimate.estimate(current, project_scenes, settings, stop_after)
        budget = _budget_charge(settings, price, moment)
    if budget is not None and budget.estimate_micro_usd > budget.budget_micro_usd:
        raise _budget_exceeded(owner_id, budget)
    project = _claim(
        owner_id, project_id, settings, state_machine_arn, moment, budget=budget, stop_after=stop_after
    )
    render_id = project.render_id or "000001"
    name = executions.execution_name(project_id, render_id)
    logger.append_keys(project_id=project_id, render_id=render_id)
    payload = execution_input(project_id, render_id, request_id, stop_after)
    try:
        arn = executions.start(state_machine_arn, name, payload)
    except VideoGeneratorException as exc:
        # Nothing runs (a start that timed out was looked up by its name first): only this render ends.
        projects.set_render_status(
            project_id,
            render_id,
            ProjectStatus.FAILED,
            error=RenderFailure(code=exc.error_code, message=exc.message),
        )
        # Nothing runs: the slot and the day's render go back to the owner.
        limits.release_running(owner_id, name)
        limits.refund_day(owner_id, moment.date().isoformat())
        if budget is not None:
            limits.refund_month(owner_id, budget.month, budget.estimate_micro_usd)
        raise
    projects.record_execution(project_id, arn)
    metrics.add_metric(name="RendersStarted", unit=MetricUnit.Count, value=1)
    logger.info("Render started", extra={"execution_arn": arn})
    return Render(project_id=project_id, render_id=render_id, status=ProjectStatus.QUEUED, execution_arn=arn)


def repair_stalled_claim(project: Project, state_machine_arn: str | None, request_id: str) -> None:
    """Start the execution of a render that was claimed but never started: whoever claimed it (an API
    call, a drop-folder delivery) died between the claim and StartExecution. Any later touch of the
    project repairs it, under the render's fixed execution name, so it can never run twice; a fresh claim
    is left to its claimer for STALE_CLAIM_SECONDS.
    """
    if project.status is not ProjectStatus.QUEUED or not project.render_id or not state_machine_arn:
        return
    claimed_at = project.render_started_at or project.updated_at
    if (datetime.now(UTC) - claimed_at).total_seconds() <= STALE_CLAIM_SECONDS:
        return
    name = executions.execution_name(project.id, project.render_id)
    if executions.state(executions.execution_arn(state_machine_arn, name)) is not None:
        return
    payload = execution_input(project.id, project.render_id, request_id, project.render_stop_after)
    arn = executions.start(state_machine_arn, name, payload)
    projects.record_execution(project.id, arn)
    logger.warning("Stalled render started", extra={"render_id": project.render_id, "execution_arn": arn})


def touch_project(project: Project, request_id: str = "repair") -> None:
    """What every API read or edit of a project does first: repair a render claimed but never started."""
    repair_stalled_claim(project, get_config().state_machine_arn, request_id)


def release_render_slot(owner_id: str, project_id: str, render_id: str) -> None:
    """Free the owner's running-render slot of this render (idempotent: a second call changes nothing)."""
    limits.release_running(owner_id, executions.execution_name(project_id, render_id))


def stop_running_render(project_id: str, execution_arn: str | None, status: ProjectStatus) -> None:
    """Stop the project's execution if it may still run (before the project is deleted)."""
    if execution_arn and status in {ProjectStatus.QUEUED, ProjectStatus.RENDERING}:
        executions.stop(execution_arn, "The project was deleted.")


_IDEMPOTENT_START: Callable[..., dict[str, str]] | None = None
_IDEMPOTENCY_CONFIG: Any = None


def _idempotent_start(lambda_context: Any) -> Callable[..., dict[str, str]]:
    """start_render wrapped by Powertools idempotency, its records in our table (built on first use)."""
    global _IDEMPOTENT_START, _IDEMPOTENCY_CONFIG
    if _IDEMPOTENT_START is None:
        # 18 ms of cold start that only a render start needs (not the API's other routes, not the steps).
        from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        persistence = DynamoDBPersistenceLayer(
            table_name=get_config().table_name,
            key_attr="pk",
            sort_key_attr="sk",
            static_pk_value="IDEMPOTENCY#renders",
            status_attr="idempotency_status",
        )
        # Only who, what and the caller's key identify a request: its request id differs per retry.
        config = IdempotencyConfig(
            event_key_jmespath="[owner_id, project_id, idempotency_key]",
            expires_after_seconds=24 * 3600,
            raise_on_no_idempotency_key=True,
        )

        @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
        def start(request: dict[str, str]) -> dict[str, str]:
            render = start_render(
                request["owner_id"],
                request["project_id"],
                request["state_machine_arn"],
                request["request_id"],
                stop_after=StopAfter(request["stop_after"]) if request.get("stop_after") else None,
            )
            return {
                "project_id": render.project_id,
                "render_id": render.render_id,
                "status": render.status.value,
                "execution_arn": render.execution_arn,
            }

        _IDEMPOTENT_START = start
        _IDEMPOTENCY_CONFIG = config
    # The remaining time bounds how long an in-progress record blocks a retry.
    if lambda_context is not None:
        _IDEMPOTENCY_CONFIG.register_lambda_context(lambda_context)
    return _IDEMPOTENT_START


def start_render_once(
    owner_id: str,
    project_id: str,
    state_machine_arn: str | None,
    request_id: str,
    idempotency_key: str,
    *,
    lambda_context: Any = None,
    stop_after: StopAfter | None = None,
) -> Render:
    """start_render, answered from the first call's result when the same Idempotency-Key comes again."""
    request = {
        "owner_id": owner_id,
        "project_id": project_id,
        "idempotency_key": idempotency_key,
        "state_machine_arn": state_machine_arn or "",
        "stop_after": stop_after.value if stop_after is not None else "",
    }
    result = _idempotent_start(lambda_context)(request={**request, "request_id": request_id})
    return Render(
        project_id=result["project_id"],
        render_id=result["render_id"],
        status=ProjectStatus(result["status"]),
        execution_arn=result["execution_arn"],
    )
