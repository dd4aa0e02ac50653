"""RecordFailure (Step Functions Catch target): mark the project FAILED with a code and a reason."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.events import FailureStep
from videogen.pipeline.finish import record_failure

settings = config_with_table()


@handles(FailureStep)
def lambda_handler(event: FailureStep, context: LambdaContext) -> dict[str, Any]:
    return record_failure(event.project_id, event.render_id, event.failure, settings, event.request_id)
