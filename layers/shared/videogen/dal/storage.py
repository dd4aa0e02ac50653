"""The media bucket through boto3. One client per container."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from videogen.exceptions import StorageException

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@lru_cache(maxsize=1)
def s3_client() -> S3Client:
    """The S3 client of this container (endpoint and credentials from the environment)."""
    # SigV4 everywhere: presigned URLs then carry X-Amz-Expires and work in every region.
    return boto3.client("s3", config=Config(signature_version="s3v4"))


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


def presigned_get(bucket: str, key: str, expires_in: int, content_type: str | None = None) -> str:
    """A URL that lets its holder GET one object for ``expires_in`` seconds (at most 15 minutes)."""
    params: dict[str, str] = {"Bucket": bucket, "Key": key}
    if content_type:
        params["ResponseContentType"] = content_type
    try:
        return s3_client().generate_presigned_url("get_object", Params=params, ExpiresIn=min(expires_in, 900))
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not sign a download URL.") from exc


def object_exists(bucket: str, key: str) -> bool:
    """Whether an object exists (a 404 is an answer, anything else an error)."""
    try:
        s3_client().head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return False
        raise StorageException("Could not look up a file.") from exc
    except BotoCoreError as exc:
        raise StorageException("Could not look up a file.") from exc
    return True


def put_bytes(bucket: str, key: str, data: bytes, content_type: str) -> None:
    try:
        s3_client().put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not store a file.") from exc


def upload_file(bucket: str, key: str, path: Path, content_type: str) -> int:
    """Upload a local file (multipart when large); returns its size."""
    try:
        s3_client().upload_file(str(path), bucket, key, ExtraArgs={"ContentType": content_type})
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not store a file.") from exc
    return path.stat().st_size


def download_file(bucket: str, key: str, path: Path) -> None:
    try:
        s3_client().download_file(bucket, key, str(path))
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not fetch a file.") from exc


def object_size(bucket: str, key: str) -> int:
    try:
        return int(s3_client().head_object(Bucket=bucket, Key=key)["ContentLength"])
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not look up a file.") from exc
