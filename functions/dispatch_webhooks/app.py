"""DispatchWebhooks (EventBridge: the stack's render events): one queued delivery per subscribed webhook."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.events import RenderEventEnvelope
from videogen.pipeline.webhooks import dispatch

settings = config_with_table()


# The EventBridge event's id correlates the logs.
@handles(RenderEventEnvelope, correlation_id_path="id")
def lambda_handler(event: RenderEventEnvelope, context: LambdaContext) -> dict[str, Any]:
    return {"queued": dispatch(event, settings)}
