"""The console bucket through boto3: a bucket that holds one static site and nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from videogen.dal.storage import s3_client
from videogen.exceptions import ResourceNotFoundException, StorageException

#: What one DeleteObjects call accepts.
_DELETE_BATCH = 1000


def _missing_bucket(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "NoSuchBucket"


def list_keys(bucket: str) -> list[str]:
    """Every current key of the bucket (all pages).

    Raises:
        ResourceNotFoundException: the bucket does not exist.
        StorageException: S3 did not answer.
    """
    keys: list[str] = []
    try:
        for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys.extend(str(item["Key"]) for item in page.get("Contents", []))
    except ClientError as exc:
        if _missing_bucket(exc):
            raise ResourceNotFoundException(f"No bucket {bucket!r}.") from exc
        raise StorageException("Could not list the site's files.") from exc
    except BotoCoreError as exc:
        raise StorageException("Could not list the site's files.") from exc
    return keys


def put_site_file(bucket: str, key: str, body: bytes, content_type: str, cache_control: str) -> None:
    """Write one file of the site with the headers CloudFront passes on to browsers."""
    try:
        s3_client().put_object(
            Bucket=bucket, Key=key, Body=body, ContentType=content_type, CacheControl=cache_control
        )
    except (ClientError, BotoCoreError) as exc:
        raise StorageException(f"Could not store {key}.") from exc


def _batches(entries: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == _DELETE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _delete(bucket: str, entries: Iterable[dict[str, Any]]) -> int:
    removed = 0
    for batch in _batches(entries):
        response = s3_client().delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})  # type: ignore[typeddict-item]
        if response.get("Errors"):
            first = response["Errors"][0]
            raise StorageException(f"Could not delete {first.get('Key')}: {first.get('Code')}.")
        removed += len(batch)
    return removed


def delete_keys(bucket: str, keys: Iterable[str]) -> int:
    """Delete the current version of these keys; returns how many were asked for."""
    try:
        return _delete(bucket, ({"Key": key} for key in keys))
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not delete the site's stale files.") from exc


def empty_bucket(bucket: str) -> int:
    """Delete every object, every old version and every delete marker, so CloudFormation can delete the
    bucket; returns how many were removed. A bucket that is already gone is empty.

    Raises:
        StorageException: S3 refused or did not answer.
    """
    removed = 0
    try:
        # Versions are listed afresh after each deletion pass: deleting while paginating skips keys.
        while True:
            page = s3_client().list_object_versions(Bucket=bucket, MaxKeys=_DELETE_BATCH)
            entries = [
                {"Key": item["Key"], "VersionId": item["VersionId"]}
                for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            ]
            if not entries:
                return removed
            removed += _delete(bucket, entries)
    except ClientError as exc:
        if _missing_bucket(exc):
            return removed
        raise StorageException(f"Could not empty the bucket {bucket}.") from exc
    except BotoCoreError as exc:
        raise StorageException(f"Could not empty the bucket {bucket}.") from exc
