"""ReconcileRender (EventBridge: Step Functions Execution Status Change): a render whose execution failed,
timed out or was stopped without recording it ends FAILED with the reason."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.events import ExecutionEvent
from videogen.pipeline.reconcile import reconcile_execution

settings = config_with_table()


# The EventBridge event's id correlates the logs.
@handles(ExecutionEvent, correlation_id_path="id")
def lambda_handler(event: ExecutionEvent, context: LambdaContext) -> dict[str, Any]:
    return reconcile_execution(event.detail, settings, event.id)
