"""The API function: API Gateway (REST, Cognito authorizer) → the videogen resolver."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.api.app import configure, create_app, handle
from videogen.config import get_config
from videogen.observability import CAPTURE_COLD_START_METRIC, logger, metrics, tracer

settings = get_config()
configure(settings)
app = create_app(settings.cors_allow_origin)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=CAPTURE_COLD_START_METRIC)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context)
