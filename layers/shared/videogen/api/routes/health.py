"""/health: is the service able to work right now, and what is serving it?"""

from __future__ import annotations

import platform
from collections.abc import Callable

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.shared.version import VERSION as POWERTOOLS_VERSION

from videogen import __version__
from videogen.api import examples
from videogen.api.models import DependencyState, HealthResponse, VersionsInfo
from videogen.api.routes.docs import errors, ok
from videogen.dal.health import check_bucket, check_state_machine, check_table
from videogen.exceptions import VideoGeneratorException
from videogen.observability import logger
from videogen.settings import get_settings

router = Router()


def _state(check: Callable[[], None]) -> DependencyState:
    try:
        check()
    except VideoGeneratorException as exc:
        logger.warning("Health check failed", extra={"reason": exc.message}, exc_info=exc)
        return DependencyState(status="error", detail=exc.message)
    return DependencyState(status="ok")


@router.get(
    "/health",
    summary="Health",
    description=(
        "Checks the table, the bucket and the render state machine for real, and names the versions "
        "serving the request. No authentication."
    ),
    responses={
        200: ok("Every dependency answered.", HealthResponse, examples=examples.HEALTH_OK),
        503: ok("At least one dependency did not answer.", HealthResponse, examples=examples.HEALTH_DEGRADED),
        **errors(authenticated=False),
    },
    tags=["health"],
    security=[{}],
)
def health() -> Response[HealthResponse]:
    settings = get_settings()
    dependencies = {
        "dynamodb": _state(check_table),
        "s3": _state(lambda: check_bucket(settings.media_bucket)),
        "stepfunctions": _state(lambda: check_state_machine(settings.state_machine_arn)),
    }
    healthy = all(state.status == "ok" for state in dependencies.values())
    body = HealthResponse(
        status="ok" if healthy else "degraded",
        version=__version__,
        versions=VersionsInfo(
            videogen=__version__, python=platform.python_version(), powertools=POWERTOOLS_VERSION
        ),
        dependencies=dependencies,
    )
    return Response(
        status_code=200 if healthy else 503,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers={"Cache-Control": "no-store"},
    )
