"""ReconcileRender: a render whose execution ended without a final state gets one.

Step Functions reports every execution that fails, times out or is stopped on EventBridge. A Catch in
the state machine records ordinary failures (RecordFailure); this step covers what no Catch sees: the
execution's own TimeoutSeconds, a StopExecution, States.Runtime, and a RecordFailure that failed too
(the state machine then ends with the original error, which is described here the same way).
"""

from __future__ import annotations

from videogen import exceptions
from videogen.config import Config
from videogen.observability import logger
from videogen.pipeline.events import ExecutionStatusChange
from videogen.pipeline.finish import describe_failure, described, fail_render

#: The Fail state the state machine ends in after RecordFailure recorded the reason.
RECORDED_FAILURE = "RenderFailed"
_BY_STATUS: dict[str, type[exceptions.VideoGeneratorException]] = {
    "TIMED_OUT": exceptions.RenderTimedOutException,
    "ABORTED": exceptions.RenderAbortedException,
}


def execution_failure(change: ExecutionStatusChange) -> dict[str, str] | None:
    """The reason a project shows for an execution that ended this way; None when there is nothing to
    record (it succeeded, or RecordFailure recorded the reason before the state machine failed)."""
    if change.status in _BY_STATUS:
        return described(_BY_STATUS[change.status])
    if change.status != "FAILED" or change.error == RECORDED_FAILURE:
        return None
    if change.error and exceptions.error_class(change.error):
        # RecordFailure failed, and the state machine ended with the step's own error: describe it.
        return describe_failure({"Error": change.error, "Cause": change.cause or ""})
    return described(exceptions.RenderCrashedException)


def reconcile_execution(change: ExecutionStatusChange, settings: Config, request_id: str) -> dict[str, str]:
    """End the execution's render FAILED with the reason its end implies, unless it ended already
    (idempotent: every duplicate event, and the normal FAILED after RecordFailure, changes nothing)."""
    reason = execution_failure(change)
    render = change.render()
    logger.append_keys(project_id=render.project_id, render_id=render.render_id)
    if reason is None:
        return {"status": change.status}
    if change.status == "FAILED":
        logger.error("Render execution failed outside the Catch", extra={"error": change.error})
    error = fail_render(render.project_id, render.render_id, reason, settings, request_id)
    return {"status": change.status, "code": error["code"]}
