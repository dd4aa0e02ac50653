"""One catalogue of errors (videogen.exceptions.ERRORS): RecordFailure knows every error a step raises
without importing the step's code, the state machine retries exactly the retryable ones, and no error
class lives outside the catalogue."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fresh_python import function_environment, run_python
from videogen.exceptions import ERRORS, StorageException, VideoGeneratorException, error_class

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "shared" / "videogen"
ASL = ROOT / "infra" / "statemachine" / "render.asl.json"
#: Error names Step Functions and Lambda define themselves.
BUILT_IN_PREFIXES = ("States.", "Lambda.", "Sandbox.")

#: RecordFailure alone: its handler module loaded as Lambda loads it, then two Catch outputs described.
RECORD_FAILURE_ALONE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("record_failure_app", "functions/record_failure/app.py")
spec.loader.exec_module(importlib.util.module_from_spec(spec))
from videogen.pipeline.finish import describe_failure
failures = json.load(sys.stdin)
print(json.dumps({
    "loaded_timing": "videogen.media.timeline" in sys.modules,
    "described": [describe_failure(failure) for failure in failures],
}))
"""

#: Every module of the runtime package imported, then every VideoGeneratorException subclass listed.
IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import videogen
from videogen.exceptions import VideoGeneratorException

skipped = ("videogen.local", "videogen.cli", "videogen.demo")
imported = 0
for module in pkgutil.walk_packages(videogen.__path__, "videogen."):
    if module.name in skipped or module.name.startswith(tuple(name + "." for name in skipped)):
        continue
    importlib.import_module(module.name)
    imported += 1
found, pending = set(), [VideoGeneratorException]
while pending:
    cls = pending.pop()
    found.add(f"{cls.__module__}.{cls.__qualname__}")
    pending.extend(cls.__subclasses__())
print(json.dumps({"imported": imported, "classes": sorted(found)}))
"""


def _run_alone(code: str, stdin: Any = None) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (this one has imported everything) with a function's settings."""
    environment = function_environment(POWERTOOLS_METRICS_NAMESPACE="videogen-test")
    result: dict[str, Any] = json.loads(run_python(code, env=environment, stdin=json.dumps(stdin)))
    return result


def _catch_output(error: str, message: str) -> dict[str, str]:
    """What a Catch hands RecordFailure for a Lambda function that raised ``error``."""
    return {"Error": error, "Cause": json.dumps({"errorType": error, "errorMessage": message})}


# --------------------------------------------------------------------------------------------- lookup


def test_the_catalogue_holds_each_error_under_its_class_name() -> None:
    assert ERRORS, "the catalogue is empty"
    for name, cls in ERRORS.items():
        assert cls.__name__ == name
        assert issubclass(cls, VideoGeneratorException)
        assert cls.__module__ == "videogen.exceptions"
        assert error_class(name) is cls


def test_error_class_of_a_name_outside_the_catalogue_is_none() -> None:
    assert error_class("KeyError") is None
    assert error_class("States.Timeout") is None
    assert error_class("") is None


def test_record_failure_alone_knows_an_error_raised_by_narration() -> None:
    narration = (
        "Scene 2's narration lasts 7.10 s but only 5.00 s are available: it is 2.10 s too long. "
        "Shorten the narration or lengthen the scene."
    )
    failures = [
        _catch_output("NarrationTooLongException", narration),
        _catch_output("KeyError", "'owner_id' at /var/task/videogen/pipeline/finish.py line 42"),
    ]

    result = _run_alone(RECORD_FAILURE_ALONE, failures)

    # The module that defines the error's use was never imported: the catalogue alone knows it.
    assert result["loaded_timing"] is False
    known, unknown = result["described"]
    assert known == {"code": "NARRATION_TOO_LONG", "message": narration}
    # An error that is not ours says nothing of its text (paths, keys): a generic reason only.
    assert unknown == {
        "code": "INTERNAL_ERROR",
        "message": "The render failed unexpectedly; retry, or report the request id.",
    }


def test_no_error_class_lives_outside_the_catalogue() -> None:
    result = _run_alone(IMPORT_EVERYTHING)

    assert result["imported"] > 50  # the walk saw the package, not an empty folder
    catalogue = {f"videogen.exceptions.{name}" for name in ERRORS}
    assert set(result["classes"]) == catalogue


# --------------------------------------------------------------------------------- the state machine


def _states(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every state, also those inside Parallel branches and Map item processors."""
    for name, state in states.items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from _states(branch["States"])
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from _states(processor["States"])


def _tasks() -> dict[str, dict[str, Any]]:
    # DefinitionSubstitutions (${...}) stand where numbers and strings go; any value parses.
    definition = json.loads(re.sub(r"\$\{\w+\}", "1", ASL.read_text(encoding="utf-8")))
    tasks = {name: state for name, state in _states(definition["States"]) if state["Type"] == "Task"}
    assert {
        "PrepareRender",
        "GenerateImage",
        "SynthesizeNarration",
        "PlanSegments",
        "RenderSegment",
        "MixAudio",
        "ConcatVideo",
    } <= set(tasks)
    return tasks


def _ours(names: list[str]) -> set[str]:
    return {name for name in names if not name.startswith(BUILT_IN_PREFIXES)}


def _retried(task: dict[str, Any]) -> set[str]:
    return {name for retrier in task.get("Retry", []) for name in _ours(retrier["ErrorEquals"])}


def test_every_error_the_state_machine_names_is_in_the_catalogue() -> None:
    named = {
        name
        for task in _tasks().values()
        for rule in [*task.get("Retry", []), *task.get("Catch", [])]
        for name in _ours(rule["ErrorEquals"])
    }

    assert named, "the state machine names none of our errors"
    assert named <= set(ERRORS), f"not errors videogen raises: {sorted(named - set(ERRORS))}"


def test_the_state_machine_retries_only_retryable_errors() -> None:
    for state, task in _tasks().items():
        for name in _retried(task):
            assert ERRORS[name].retryable, f"{state} retries {name}, which retrying cannot fix"


def test_every_retryable_error_is_retried_by_name() -> None:
    # Retry matches the exact error name, not a class and its children: a retryable subclass needs its own
    # entry, or the flag promises a retry that never happens.
    retried = set().union(*(_retried(task) for task in _tasks().values()))
    retryable = {name for name, cls in ERRORS.items() if cls.retryable}

    assert retryable <= retried, f"retryable but never retried: {sorted(retryable - retried)}"


def test_every_step_retries_storage_failures() -> None:
    # Every step reads or writes DynamoDB and S3, whose passing failures raise StorageException.
    assert StorageException.retryable
    for state, task in _tasks().items():
        assert "StorageException" in _retried(task), state


#: The steps that call an outside service, and the package that calls it.
SERVICE_CALLERS = {"GenerateImage": "providers", "SynthesizeNarration": "voice"}


def _retryable_errors_raised_in(package: str) -> set[str]:
    """The retryable catalogue errors the modules of ``videogen.<package>`` name (raise or return)."""
    retryable = {name for name, cls in ERRORS.items() if cls.retryable}
    named: set[str] = set()
    for path in sorted((PACKAGE / package).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} & retryable
    return named


@pytest.mark.parametrize(("state", "package"), sorted(SERVICE_CALLERS.items()))
def test_a_step_retries_the_passing_failures_of_the_service_it_calls(state: str, package: str) -> None:
    raised = _retryable_errors_raised_in(package)

    assert raised, f"videogen.{package} raises no retryable error: the check would prove nothing"
    assert raised <= _retried(_tasks()[state]), (
        f"{state} does not retry {sorted(raised - _retried(_tasks()[state]))}"
    )
