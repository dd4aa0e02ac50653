"""Synchronous invokes of videogen's own functions (the API asks InspectMusic about an upload)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from videogen.exceptions import StorageException
from videogen.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


@lru_cache(maxsize=1)
def lambda_client() -> LambdaClient:
    # The check decodes up to 50 MB of audio: give it the API's whole budget, and do not retry a slow one.
    return boto3.client("lambda", config=Config(read_timeout=27, retries={"max_attempts": 2}))


def invoke(function_name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run a function and wait for its answer.

    Raises:
        StorageException: the invoke failed or the function raised (its error is logged, not returned).
    """
    try:
        response = lambda_client().invoke(
            FunctionName=function_name, InvocationType="RequestResponse", Payload=json.dumps(payload).encode()
        )
        body = response["Payload"].read()
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not reach a videogen function.") from exc
    if response.get("FunctionError"):
        logger.error("A videogen function failed", extra={"function": function_name, "error": body[:2000]})
        raise StorageException("A videogen function failed; try again.")
    result = json.loads(body or b"{}")
    if not isinstance(result, dict):
        raise StorageException("A videogen function gave an answer that is not an object.")
    return result
