"""The media bucket through boto3. One client per container."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from videogen.exceptions import StorageException

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@lru_cache(maxsize=1)
def s3_client() -> S3Client:
    """The S3 client of this container (endpoint and credentials from the environment)."""
    return boto3.client("s3")


def delete_prefix(bucket: str, prefix: str) -> int:
    """Delete every object (and every version) under a prefix; returns how many keys were removed."""
    if not prefix.endswith("/"):
        raise ValueError("a prefix to delete must end with '/'")
    client = s3_client()
    removed = 0
    try:
        paginator = client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            entries = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            ]
            # A page holds at most 1000 keys, which is what delete_objects accepts.
            if entries:
                client.delete_objects(Bucket=bucket, Delete={"Objects": entries, "Quiet": True})  # type: ignore[typeddict-item]
                removed += len(entries)
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not delete the project's files.") from exc
    return removed


def check_bucket(bucket: str) -> None:
    """Raise StorageException unless the bucket answers."""
    try:
        s3_client().head_bucket(Bucket=bucket)
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("The media bucket does not answer.") from exc
