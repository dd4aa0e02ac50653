"""Every function declares its handler with videogen.handlers.handles: the event is parsed as the declared
model, the render's ids go on every log line, and the correlation id comes from the declared path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from videogen.handlers import handles
from videogen.observability import logger
from videogen.pipeline.events import InspectMusicStep, SceneStep

PROJECT_ID = "0123456789abcdef0123456789abcdef"


@dataclass
class _Context:
    function_name: str = "probe"
    memory_limit_in_mb: int = 128
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:probe"
    aws_request_id: str = "lambda-request"


def _context() -> LambdaContext:
    context: Any = _Context()
    return context


def test_a_step_handler_gets_its_model_and_logs_the_render_ids() -> None:
    seen: list[tuple[SceneStep, dict[str, Any]]] = []

    @handles(SceneStep)
    def handler(event: SceneStep, context: LambdaContext) -> dict[str, Any]:
        seen.append((event, dict(logger.get_current_keys())))
        return {"scene": event.scene}

    event = {"project_id": PROJECT_ID, "render_id": "000001", "scene": 3, "request_id": "req-1"}

    assert handler(event, _context()) == {"scene": 3}
    ((parsed, keys),) = seen
    assert parsed == SceneStep.model_validate(event)
    assert keys["project_id"] == PROJECT_ID
    assert keys["render_id"] == "000001"
    assert keys["scene"] == 3
    assert keys["correlation_id"] == "req-1"


def test_an_event_without_render_ids_logs_none_and_the_last_invocations_keys_are_cleared() -> None:
    keys: list[dict[str, Any]] = []

    @handles(InspectMusicStep)
    def handler(event: InspectMusicStep, context: LambdaContext) -> dict[str, Any]:
        keys.append(dict(logger.get_current_keys()))
        return {}

    logger.append_keys(project_id="left over")
    handler({"key": f"uploads/{PROJECT_ID}/{PROJECT_ID}"}, _context())

    assert "project_id" not in keys[0]


def test_an_event_that_is_not_the_declared_model_is_refused_before_the_handler_runs() -> None:
    @handles(SceneStep)
    def handler(event: SceneStep, context: LambdaContext) -> dict[str, Any]:
        raise AssertionError("the handler ran")

    with pytest.raises(ValidationError):
        handler({"project_id": "not an id"}, _context())


def test_a_data_class_event_is_wrapped_and_the_correlation_id_read_from_the_given_path() -> None:
    seen: list[tuple[object, Any]] = []

    @handles(S3Event, correlation_id_path="Records[0].responseElements.id")
    def handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
        seen.append((event, logger.get_correlation_id()))
        return {}

    handler({"Records": [{"responseElements": {"id": "s3-request"}}]}, _context())

    ((event, correlation_id),) = seen
    assert isinstance(event, S3Event)
    assert correlation_id == "s3-request"
