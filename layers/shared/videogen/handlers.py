"""One way to declare a Lambda handler, so each ``functions/*/app.py`` says only which event it answers
and what it calls.

Every function logs with a correlation id, publishes the cold-start metric and traces the invocation in
the same order; written once here, a new function cannot forget one or stack them differently.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.common import DictWrapper
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from videogen.config import Config, get_config
from videogen.dal.tables import bind_table
from videogen.observability import CAPTURE_COLD_START_METRIC, logger, metrics, tracer

Handler = Callable[[Any, LambdaContext], dict[str, Any]]

# Lambda's only writable place is /tmp (what gettempdir gives there); each invocation gets its own folder.
WORK_BASE = Path(tempfile.gettempdir())

#: Fields of a step's event that go on every log line of the invocation, when the event has them.
LOGGED_FIELDS = ("project_id", "render_id", "scene")


def config_with_table() -> Config:
    """This function's settings (read once per container), with the data layer pointed at its table."""
    settings = get_config()
    bind_table(settings.table_name, settings.aws_region)
    return settings


def handles(
    event: type[BaseModel] | type[DictWrapper] | None = None,
    *,
    correlation_id_path: str | None = "request_id",
) -> Callable[[Handler], Handler]:
    """Declare a Lambda handler of ``event``: a pydantic model (parsed and validated, its render ids
    logged), a Powertools data class (wrapped), or None for the raw dict.

    Outermost first: the logger takes the correlation id at ``correlation_id_path`` (None: the handler
    sets one itself) and clears the last invocation's keys, metrics are flushed with the cold-start
    metric, the tracer opens the invocation's segment, then the event is parsed.
    """

    def declare(handler: Handler) -> Handler:
        inner = handler
        if event is not None and issubclass(event, BaseModel):
            inner = event_parser(model=event)(_logging_ids(handler))
        elif event is not None:
            inner = event_source(data_class=event)(handler)
        traced = tracer.capture_lambda_handler(inner)
        counted = metrics.log_metrics(traced, capture_cold_start_metric=CAPTURE_COLD_START_METRIC)
        declared: Handler = logger.inject_lambda_context(
            counted, correlation_id_path=correlation_id_path, clear_state=True
        )
        return declared

    return declare


def _logging_ids(handler: Handler) -> Handler:
    """``handler``, after putting the parsed event's project, render and scene on every log line."""

    @functools.wraps(handler)
    def logged(event: BaseModel, context: LambdaContext) -> dict[str, Any]:
        keys = {name: getattr(event, name) for name in LOGGED_FIELDS if name in type(event).model_fields}
        if keys:
            logger.append_keys(**keys)
        return handler(event, context)

    return logged
