"""dal.executions and dal.functions turn Step Functions' and Lambda's refusals into videogen exceptions,
and the refusals that are answers (a duplicate start, a stop of an ended execution) into values: each
path through the real client, answered by Stubber."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from tests.support.stubs import client_error, unreachable
from videogen.dal import executions, functions
from videogen.exceptions import StorageException

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:render"
NAME = "p1-000001"
EXECUTION = executions.execution_arn(MACHINE, NAME)


def test_a_start_refused_as_a_duplicate_is_the_execution_already_started(sfn: Stubber) -> None:
    client_error(sfn, "start_execution", "ExecutionAlreadyExists")

    assert executions.start(MACHINE, NAME, {"project_id": "p1"}) == EXECUTION


def test_a_start_refused_otherwise_is_a_storage_exception(sfn: Stubber) -> None:
    client_error(sfn, "start_execution", "AccessDeniedException")

    with pytest.raises(StorageException, match="Could not start the render."):
        executions.start(MACHINE, NAME, {})


def test_a_start_without_an_answer_that_did_happen_is_found_by_its_name(sfn: Stubber) -> None:
    unreachable(sfn.client, "StartExecution")
    sfn.add_response(
        "describe_execution",
        {"executionArn": EXECUTION, "stateMachineArn": MACHINE, "status": "RUNNING", "startDate": 0},
        {"executionArn": EXECUTION},
    )

    assert executions.start(MACHINE, NAME, {}) == EXECUTION


@pytest.mark.parametrize("lookup", ["ExecutionDoesNotExist", "AccessDeniedException"])
def test_a_start_without_an_answer_that_cannot_be_found_is_a_storage_exception(
    sfn: Stubber, lookup: str
) -> None:
    unreachable(sfn.client, "StartExecution")
    client_error(sfn, "describe_execution", lookup)

    with pytest.raises(StorageException, match="Could not start the render."):
        executions.start(MACHINE, NAME, {})


@pytest.mark.parametrize("code", ["ExecutionDoesNotExist", "ExecutionAlreadyStopped"])
def test_stopping_an_execution_that_ended_is_not_an_error(sfn: Stubber, code: str) -> None:
    client_error(sfn, "stop_execution", code)

    executions.stop(EXECUTION, "deleted")


def test_an_execution_never_started_has_no_state(sfn: Stubber) -> None:
    client_error(sfn, "describe_execution", "ExecutionDoesNotExist")

    assert executions.state(EXECUTION) is None


@pytest.mark.parametrize(
    ("operation", "call", "message"),
    [
        ("stop_execution", lambda: executions.stop(EXECUTION, "deleted"), "Could not stop the render."),
        ("describe_execution", lambda: executions.status(EXECUTION), "Could not read the render's state."),
        ("describe_execution", lambda: executions.state(EXECUTION), "Could not read the render's state."),
        ("describe_state_machine", lambda: executions.check_state_machine(MACHINE), "does not answer"),
    ],
)
def test_a_step_functions_refusal_is_a_storage_exception(
    sfn: Stubber, operation: str, call: Callable[[], Any], message: str
) -> None:
    client_error(sfn, operation, "AccessDeniedException")

    with pytest.raises(StorageException, match=message):
        call()


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("StopExecution", lambda: executions.stop(EXECUTION, "deleted")),
        ("DescribeExecution", lambda: executions.state(EXECUTION)),
    ],
)
def test_no_answer_from_step_functions_is_a_storage_exception(
    sfn: Stubber, operation: str, call: Callable[[], Any]
) -> None:
    unreachable(sfn.client, operation)

    with pytest.raises(StorageException):
        call()


def test_a_state_machine_being_deleted_fails_the_health_check(sfn: Stubber) -> None:
    sfn.add_response(
        "describe_state_machine",
        {
            "stateMachineArn": MACHINE,
            "name": "render",
            "status": "DELETING",
            "definition": "{}",
            "roleArn": "arn:aws:iam::123456789012:role/render",
            "type": "STANDARD",
            "creationDate": 0,
        },
    )

    with pytest.raises(StorageException, match="is DELETING"):
        executions.check_state_machine(MACHINE)


def _payload(body: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(body), len(body))


def test_an_invoke_refused_is_a_storage_exception(lambda_: Stubber) -> None:
    client_error(lambda_, "invoke", "ResourceNotFoundException", 404)

    with pytest.raises(StorageException, match="Could not reach a videogen function."):
        functions.invoke("videogen-check-music", {"key": "k"})


def test_a_function_that_raised_is_a_storage_exception(lambda_: Stubber) -> None:
    error = json.dumps({"errorType": "ValueError", "errorMessage": "no"}).encode()
    lambda_.add_response(
        "invoke", {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": _payload(error)}
    )

    with pytest.raises(StorageException, match="A videogen function failed"):
        functions.invoke("videogen-check-music", {"key": "k"})


def test_a_function_answering_with_something_else_than_an_object_is_a_storage_exception(
    lambda_: Stubber,
) -> None:
    lambda_.add_response("invoke", {"StatusCode": 200, "Payload": _payload(b"[1, 2]")})

    with pytest.raises(StorageException, match="not an object"):
        functions.invoke("videogen-check-music", {"key": "k"})
