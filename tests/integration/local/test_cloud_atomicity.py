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


def test_updates_racing_on_one_item_all_apply(cloud: LocalCloud, eager_thread_switching: None) -> None:
    # Given one item that several steps update at once (as parallel steps count a render's progress), one
    # of them adding and removing an attribute (moto deep-copied the item before updating it, and a
    # racing update changed its attributes mid-copy: "dictionary changed size during iteration")
    client = boto3.client("dynamodb", region_name="us-east-1")
    table = cloud.tables["VideogenTable"]
    key = {"pk": {"S": "PROJECT#updates"}, "sk": {"S": "PROJECT"}}
    client.put_item(TableName=table, Item={**key, "done": {"N": "0"}})
    errors: list[BaseException] = []

    def count() -> None:
        for _ in range(ROUNDS // 5):
            try:
                client.update_item(
                    TableName=table, Key=key, UpdateExpression="ADD done :one",
                    ExpressionAttributeValues={":one": {"N": "1"}},
                )  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - a failed update is the finding
                errors.append(exc)

    def churn() -> None:
        for round_number in range(ROUNDS // 5):
            expression = "SET extra = :x" if round_number % 2 == 0 else "REMOVE extra"
            values = {":x": {"S": "x"}} if round_number % 2 == 0 else None
            try:
                client.update_item(
                    TableName=table, Key=key, UpdateExpression=expression,
                    **({"ExpressionAttributeValues": values} if values else {}),
                )  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - as above
                errors.append(exc)

    # When three threads count and one churns, at once
    threads = [threading.Thread(target=count) for _ in range(3)] + [threading.Thread(target=churn)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then no update failed and every count arrived
    assert errors == []
    item = client.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    assert item["done"] == {"N": str(3 * (ROUNDS // 5))}
