"""Starting a render: claim the project, start its execution under a deterministic name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from videogen.dal import executions, projects
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import Render
from videogen.exceptions import VideoGeneratorException
from videogen.observability import logger


def start_render(owner_id: str, project_id: str, state_machine_arn: str | None, request_id: str) -> Render:
    """Queue a render of the project and start the state machine.

    Raises:
        ResourceConflictException: a render is queued or running already (409).
    """
    project = projects.claim_render(owner_id, project_id)
    render_id = project.render_id or "000001"
    logger.append_keys(project_id=project_id, render_id=render_id)
    payload = {"project_id": project_id, "render_id": render_id, "request_id": request_id}
    try:
        arn = executions.start(state_machine_arn, executions.execution_name(project_id, render_id), payload)
    except VideoGeneratorException as exc:
        projects.set_status(
            project_id, ProjectStatus.FAILED, error={"code": exc.error_code, "message": exc.message}
        )
        raise
    projects.record_execution(project_id, arn)
    logger.info("Render started", extra={"execution_arn": arn})
    return Render(project_id=project_id, render_id=render_id, status=ProjectStatus.QUEUED, execution_arn=arn)


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
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        from videogen.settings import get_settings

        persistence = DynamoDBPersistenceLayer(
            table_name=get_settings().table_name,
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
    lambda_context: Any = None,
) -> Render:
    """start_render, answered from the first call's result when the same Idempotency-Key comes again."""
    request = {
        "owner_id": owner_id,
        "project_id": project_id,
        "idempotency_key": idempotency_key,
        "state_machine_arn": state_machine_arn or "",
    }
    result = _idempotent_start(lambda_context)(request={**request, "request_id": request_id})
    return Render(
        project_id=result["project_id"],
        render_id=result["render_id"],
        status=ProjectStatus(result["status"]),
        execution_arn=result["execution_arn"],
    )
