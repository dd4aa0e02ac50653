"""Who a route acts for: the caller's owner id, put on every log line of the request."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from videogen.api.context import current_owner
from videogen.observability import logger


def caller(router: Router, project_id: str | None = None) -> str:
    """The owner id of the caller of ``router``'s current request; it and ``project_id`` go on the logs."""
    owner = current_owner(router)
    if project_id is None:
        logger.append_keys(owner_id=owner)
    else:
        logger.append_keys(owner_id=owner, project_id=project_id)
    return owner
