"""/health: is the service able to work right now? /health/details: what answers, and what serves it.

Both answer from the same report (``logic.health``: checks at most 30 seconds old, never an AWS call per
request). /health needs no authentication, so it says ok or degraded and nothing more; the dependencies'
messages and the versions serving the request are for signed-in callers, on /health/details.
"""

from __future__ import annotations

import platform

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.shared.version import VERSION as POWERTOOLS_VERSION

from videogen import __version__
from videogen.api import examples
from videogen.api.context import current_owner
from videogen.api.models import DependencyState, HealthResponse, HealthStatus, VersionsInfo
from videogen.api.routes.docs import errors, ok
from videogen.config import get_config
from videogen.logic.health import HEALTH_TTL_SECONDS, HealthReport, dependency_health

router = Router()
# The report may be up to HEALTH_TTL_SECONDS old; a cache between us and the caller must not add to it.
_HEADERS = {"Cache-Control": "no-store"}


def _report() -> HealthReport:
    return dependency_health(get_config())


def _status(report: HealthReport) -> int:
    return 200 if report.healthy else 503


@router.get(
    "/health",
    summary="Health",
    description=(
        "ok (200) when the table, the bucket and the render state machine answer, degraded (503) when "
        f"one does not. Checked for real at most every {HEALTH_TTL_SECONDS:.0f} seconds, so the answer may "
        "be that old. No authentication: which dependency failed, and the versions serving the request, "
        "are on GET /health/details for signed-in callers."
    ),
    responses={
        200: ok("Every dependency answered.", HealthStatus, examples=examples.HEALTH_STATUS_OK),
        503: ok(
            "At least one dependency did not answer.", HealthStatus, examples=examples.HEALTH_STATUS_DEGRADED
        ),
        **errors(authenticated=False),
    },
    tags=["health"],
    security=[{}],
)
def health() -> Response[HealthStatus]:
    report = _report()
    body = HealthStatus(status="ok" if report.healthy else "degraded")
    return Response(
        status_code=_status(report),
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=dict(_HEADERS),
    )


@router.get(
    "/health/details",
    summary="Health, in detail",
    description=(
        "What /health answers, with each dependency's state and why it failed, and the versions of "
        f"videogen, Python and Powertools serving the request (checks at most {HEALTH_TTL_SECONDS:.0f} "
        "seconds old). Any signed-in caller."
    ),
    responses={
        200: ok("Every dependency answered.", HealthResponse, examples=examples.HEALTH_OK),
        503: ok("At least one dependency did not answer.", HealthResponse, examples=examples.HEALTH_DEGRADED),
        **errors(),
    },
    tags=["health"],
)
def health_details() -> Response[HealthResponse]:
    current_owner(router)  # API Gateway's authorizer vouches for the caller; without claims, 401
    report = _report()
    body = HealthResponse(
        status="ok" if report.healthy else "degraded",
        version=__version__,
        versions=VersionsInfo(
            videogen=__version__, python=platform.python_version(), powertools=POWERTOOLS_VERSION
        ),
        dependencies={
            name: DependencyState(status="ok" if check.ok else "error", detail=check.detail)
            for name, check in report.dependencies.items()
        },
    )
    return Response(
        status_code=_status(report),
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=dict(_HEADERS),
    )
