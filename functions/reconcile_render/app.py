"""ReconcileRender (EventBridge: Step Functions Execution Status Change): a render whose execution failed,
timed out or was stopped without recording it ends FAILED with the reason."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.dal.tables import bind_table
from videogen.observability import CAPTURE_COLD_START_METRIC, logger, metrics, tracer
from videogen.pipeline.events import ExecutionEvent
from videogen.pipeline.reconcile import reconcile_execution

settings = get_config()
bind_table(settings.table_name, settings.aws_region)


@logger.inject_lambda_context(correlation_id_path="id", clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=CAPTURE_COLD_START_METRIC)
@tracer.capture_lambda_handler
@event_parser(model=ExecutionEvent)
def lambda_handler(event: ExecutionEvent, context: LambdaContext) -> dict[str, Any]:
    return reconcile_execution(event.detail, settings, event.id)
