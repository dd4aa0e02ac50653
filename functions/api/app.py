"""The API function: API Gateway (REST, Cognito authorizer) → the videogen resolver."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.api.app import create_app, handle
from videogen.handlers import config_with_table, handles

settings = config_with_table()
app = create_app(settings.cors_allow_origin)


# The raw API Gateway event; the resolver sets the correlation id (the request id it answers with).
@handles(correlation_id_path=None)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context)
