"""RecordFailure (Step Functions Catch target): mark the project FAILED with a code and a reason."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.dal.tables import bind_table
from videogen.observability import CAPTURE_COLD_START_METRIC, logger, metrics, tracer
from videogen.pipeline.events import FailureStep
from videogen.pipeline.finish import record_failure

settings = get_config()
bind_table(settings.table_name, settings.aws_region)


@logger.inject_lambda_context(correlation_id_path="request_id", clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=CAPTURE_COLD_START_METRIC)
@tracer.capture_lambda_handler
@event_parser(model=FailureStep)
def lambda_handler(event: FailureStep, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(project_id=event.project_id, render_id=event.render_id)
    return record_failure(event.project_id, event.render_id, event.failure, settings, event.request_id)
