"""The drop folder seen from a test: the media bucket whose inbox uploads the ingest function renders."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_plus

import boto3

from tests.support.cloud import bucket_keys, table_snapshot, wait_for_executions
from tests.support.paths import load_event
from tests.support.waiting import wait_until
from videogen_local.cloud import LocalCloud

#: Tiny and fast: 480p, 24 fps, two one-second scenes (one cross-fade), captions without a voice.
SCRIPT = """---
resolution: 480p
fps: 24
voice: none
---
# Harbour

## Dawn
The sea wakes up.
Duration: 1s

## Gulls
Gulls follow the boats out.
Duration: 1s
"""


class DropBucket:
    """The media bucket seen from a test: upload, look, wait."""

    def __init__(self, cloud: LocalCloud) -> None:
        self.cloud = cloud
        self.name = cloud.buckets["MediaBucket"]
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.sfn = boto3.client("stepfunctions", region_name="us-east-1")

    def put(self, key: str, body: bytes | str) -> str:
        """Upload an object (an inbox key triggers ingestion, as on AWS); returns its ETag."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        return str(self.s3.put_object(Bucket=self.name, Key=key, Body=data)["ETag"])

    def put_quietly(self, key: str, body: str) -> str:
        """Upload without notifying anyone, so a test can deliver the event itself."""
        saved = self.s3.get_bucket_notification_configuration(Bucket=self.name)
        saved.pop("ResponseMetadata", None)
        self.s3.put_bucket_notification_configuration(Bucket=self.name, NotificationConfiguration={})
        try:
            return self.put(key, body)
        finally:
            self.s3.put_bucket_notification_configuration(Bucket=self.name, NotificationConfiguration=saved)

    def keys(self, prefix: str = "") -> list[str]:
        return bucket_keys(self.cloud, prefix=prefix)

    def read(self, key: str) -> bytes:
        return bytes(self.s3.get_object(Bucket=self.name, Key=key)["Body"].read())

    def json(self, key: str) -> Any:
        return json.loads(self.read(key))

    def size(self, key: str) -> int:
        return int(self.s3.head_object(Bucket=self.name, Key=key)["ContentLength"])

    def wait_for(self, key: str, timeout: float = 90) -> None:
        """Until the object is there; AssertionError naming what the outbox holds after ``timeout`` s."""
        wait_until(
            lambda: key in self.keys(key),
            timeout,
            0.1,
            lambda: f"{key}; the outbox holds {self.keys('outbox/')}",
        )

    def projects(self) -> list[dict[str, Any]]:
        """Every project item of the table, read back as DynamoDB stores it."""
        return [item for item in table_snapshot(self.cloud) if item["sk"]["S"] == "PROJECT"]

    def executions(self) -> list[dict[str, Any]]:
        arn = self.cloud.state_machines["RenderStateMachine"]
        return list(self.sfn.list_executions(stateMachineArn=arn)["executions"])

    def wait_for_renders(self, timeout: float = 120) -> None:
        """Until no execution runs: a render must not outlive its local cloud."""
        wait_for_executions(self.cloud, timeout)

    def event_for(
        self, key: str, etag: str, *, size: int, sequencer: str = "0055AED6DCD90281E5"
    ) -> dict[str, Any]:
        """The S3 ObjectCreated event AWS would deliver for this upload (key URL-encoded, as S3 sends it)."""
        event = load_event("s3_object_created.json")
        record = event["Records"][0]["s3"]
        record["bucket"]["name"] = self.name
        record["bucket"]["arn"] = f"arn:aws:s3:::{self.name}"
        record["object"].update(
            {"key": quote_plus(key), "eTag": etag.strip('"'), "size": size, "sequencer": sequencer}
        )
        return event
