"""SQS through boto3: webhook deliveries wait in a queue between their attempts."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from videogen.exceptions import StorageException

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

#: SQS delays a new message at most this long.
MAX_DELAY_SECONDS = 900


@lru_cache(maxsize=1)
def sqs_client() -> SQSClient:
    return boto3.client("sqs")


def send(queue_url: str, message: dict[str, Any], delay_seconds: int = 0) -> None:
    """Queue a JSON message, visible after ``delay_seconds`` (at most 15 minutes)."""
    try:
        sqs_client().send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(message, separators=(",", ":")),
            DelaySeconds=max(0, min(MAX_DELAY_SECONDS, delay_seconds)),
        )
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not queue the delivery.") from exc


def hide_for(queue_url: str, receipt_handle: str, seconds: int) -> None:
    """Keep a received message invisible for ``seconds`` from now: when its next attempt is due."""
    try:
        sqs_client().change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=max(0, min(43_200, seconds))
        )
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not schedule the delivery's next attempt.") from exc
