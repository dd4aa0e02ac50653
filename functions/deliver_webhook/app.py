"""DeliverWebhook (SQS: the webhook queue): POST each delivery, signed; keep the ones to try again."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.webhooks import deliver_batch, queue_records

settings = config_with_table()


# A batch's messages are separate deliveries: no one request id correlates them.
@handles(correlation_id_path=None)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    kept = deliver_batch(queue_records(event), settings)
    # ReportBatchItemFailures: only these stay in the queue, each invisible until its next attempt.
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in kept]}
