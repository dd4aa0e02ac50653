"""The render state machine through boto3: start, stop, describe."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from videogen.exceptions import ConfigurationException, StorageException

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


@lru_cache(maxsize=1)
def sfn_client() -> SFNClient:
    return boto3.client("stepfunctions")


def execution_name(project_id: str, render_id: str) -> str:
    """Deterministic: a duplicate start of the same render is refused by Step Functions itself."""
    return f"{project_id}-{render_id}"


def start(state_machine_arn: str | None, name: str, payload: dict[str, Any]) -> str:
    """Start an execution (or find the one already started under this name); returns its ARN."""
    if not state_machine_arn:
        raise ConfigurationException("The render state machine is not configured (STATE_MACHINE_ARN).")
    client = sfn_client()
    try:
        return client.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload)
        )["executionArn"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
            return execution_arn(state_machine_arn, name)
        raise StorageException("Could not start the render.") from exc
    except BotoCoreError as exc:
        # No answer (a timeout, a dropped connection) may hide a start that happened: the name is fixed,
        # so ask for the execution before declaring that nothing runs.
        arn = execution_arn(state_machine_arn, name)
        try:
            started = state(arn) is not None
        except StorageException:
            started = False
        if started:
            return arn
        raise StorageException("Could not start the render.") from exc


def stop(execution_arn: str, cause: str) -> None:
    """Stop a running execution; one that already ended is left alone."""
    try:
        sfn_client().stop_execution(executionArn=execution_arn, cause=cause)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {
            "ExecutionDoesNotExist",
            "ExecutionAlreadyStopped",
        }:
            raise StorageException("Could not stop the render.") from exc
    except BotoCoreError as exc:
        raise StorageException("Could not stop the render.") from exc


def status(execution_arn: str) -> str:
    try:
        return str(sfn_client().describe_execution(executionArn=execution_arn)["status"])
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not read the render's state.") from exc


def check_state_machine(state_machine_arn: str | None) -> None:
    """Raise unless the render state machine exists and is ACTIVE (the health check)."""
    if not state_machine_arn:
        raise ConfigurationException("The render state machine is not configured (STATE_MACHINE_ARN).")
    try:
        status = sfn_client().describe_state_machine(stateMachineArn=state_machine_arn).get("status")
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("The render state machine does not answer.") from exc
    # Older state machines omit the field; present, anything but ACTIVE means it is being deleted.
    if status not in {None, "ACTIVE"}:
        raise StorageException(f"The render state machine is {status}.")


def state(execution_arn: str) -> str | None:
    """An execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), None if never started."""
    try:
        return str(sfn_client().describe_execution(executionArn=execution_arn)["status"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
            return None
        raise StorageException("Could not read the render's state.") from exc
    except BotoCoreError as exc:
        raise StorageException("Could not read the render's state.") from exc


def execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN an execution of this state machine gets under this name (known before it starts)."""
    return f"{state_machine_arn.replace(':stateMachine:', ':execution:')}:{name}"


def history(execution_arn: str) -> list[dict[str, Any]]:
    """Every event of an execution so far, oldest first (GetExecutionHistory, all pages).

    Raises:
        StorageException: it cannot be read.
    """
    events: list[dict[str, Any]] = []
    try:
        for page in (
            sfn_client()
            .get_paginator("get_execution_history")
            .paginate(executionArn=execution_arn, includeExecutionData=False)
        ):
            events.extend(dict(event) for event in page["events"])
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not read the render's execution history.") from exc
    return events
