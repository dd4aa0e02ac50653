"""Stopping an execution while one of its states completes: on AWS the stop wins and the execution ends
ABORTED. moto's interpreter raised in the execution's thread when the finishing state set its successor on
the stopped program, so the end was never recorded and the execution stayed RUNNING."""

from __future__ import annotations

from datetime import UTC, datetime

from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramRunning, ProgramStopped

from videogen_local.cloud import LocalCloud


def _environment(state: object) -> Environment:
    environment = Environment.__new__(Environment)  # the interpreter's frame, without a whole execution
    environment._program_state = state  # type: ignore[assignment]
    return environment


def test_a_state_finishing_after_the_stop_leaves_the_program_stopped(cloud: LocalCloud) -> None:
    stopped = _environment(ProgramStopped(datetime.now(UTC), None, None))

    # When the state in flight finishes and names its successor (and its next field)
    stopped.next_state_name = "FinishRender"
    stopped.next_field_name = "Payload"

    # Then nothing is raised, and the program is still the stopped one
    assert isinstance(stopped.program_state(), ProgramStopped)
    assert stopped.next_state_name is None


def test_a_running_program_still_takes_its_next_state(cloud: LocalCloud) -> None:
    running = _environment(ProgramRunning())

    running.next_state_name = "FinishRender"

    assert running.next_state_name == "FinishRender"
