"""Real checks of the table and the bucket, for the health route."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from videogen.dal.executions import check_state_machine
from videogen.dal.storage import check_bucket
from videogen.dal.tables import BaseItem
from videogen.exceptions import StorageException


def check_table() -> None:
    """Raise StorageException unless the table exists and is ACTIVE."""
    try:
        description = BaseItem.describe_table()
    # PynamoDB wraps some failures and lets describe_table's ClientError (AccessDenied...) through as is.
    except (PynamoDBException, ClientError, BotoCoreError) as exc:
        raise StorageException("The table does not answer.") from exc
    if description.get("TableStatus") != "ACTIVE":
        raise StorageException(f"The table is {description.get('TableStatus')}.")


__all__ = ["check_bucket", "check_state_machine", "check_table"]
