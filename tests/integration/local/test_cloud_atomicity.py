"""The local cloud's DynamoDB shows every item write whole, as DynamoDB does.

moto applies an update's SET and REMOVE clauses to the stored item one after the other, and serializes a
read's answer from the live item: unguarded, a read racing an update sees half of it. That made a test of
a render that completed (status COMPLETED, progress removed in the same update) read COMPLETED with its
last progress still there, now and then.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import boto3
import pytest

from videogen_local.cloud import LocalCloud

# Runs for seconds by design (many repetitions, real concurrency): `make test-fast` skips it.
pytestmark = pytest.mark.slow

ROUNDS = 500


@pytest.fixture
def eager_thread_switching() -> Iterator[None]:
    """Switch threads as often as the interpreter can, so a race that can happen does."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def test_a_read_racing_an_update_never_sees_half_of_it(
    cloud: LocalCloud, eager_thread_switching: None
) -> None:
    client = boto3.client("dynamodb", region_name="us-east-1")
    table = cloud.tables["VideogenTable"]
    key = {"pk": {"S": "PROJECT#race"}, "sk": {"S": "PROJECT"}}
    halves: list[dict[str, object]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                item = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item", {})
            except Exception as exc:  # noqa: BLE001 - a read that fails is a finding too
                errors.append(exc)
                continue
            if item.get("status", {}).get("S") == "COMPLETED" and "progress" in item:
                halves.append(item)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(ROUNDS):
            client.put_item(
                TableName=table,
                Item={**key, "status": {"S": "RENDERING"}, "progress": {"M": {"stage": {"S": "assembling"}}}},
            )
            client.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="SET #status = :done, updated_at = :now REMOVE progress, #error",
                ExpressionAttributeNames={"#status": "status", "#error": "error"},
                ExpressionAttributeValues={":done": {"S": "COMPLETED"}, ":now": {"S": "now"}},
            )
    finally:
        done.set()
        reader.join(timeout=30)

    assert errors == []
    assert halves == []
