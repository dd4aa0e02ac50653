"""The media bucket through boto3. One client per container."""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from videogen.domain.layout import PROJECTS_PREFIX
from videogen.exceptions import ResourceNotFoundException, StorageException

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


def list_keys(bucket: str, prefix: str, limit: int = 1000) -> list[str]:
    """The keys under a prefix (at most ``limit``, in key order)."""
    try:
        response = s3_client().list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not list files.") from exc
    return [str(item["Key"]) for item in response.get("Contents", [])]


def read_object(bucket: str, key: str) -> tuple[bytes, str]:
    """An object's bytes and content type (small files: subtitles, results, local downloads)."""
    try:
        response = s3_client().get_object(Bucket=bucket, Key=key)
        return response["Body"].read(), str(response.get("ContentType") or "application/octet-stream")
    except s3_client().exceptions.NoSuchKey as exc:
        raise ResourceNotFoundException(f"No file {key!r}.") from exc
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not read a file.") from exc


def check_bucket(bucket: str) -> None:
    """Raise StorageException unless the bucket answers.

    Lists one key under projects/ rather than HeadBucket, which needs s3:ListBucket on the whole bucket:
    the API may list only the prefixes it works in.
    """
    try:
        s3_client().list_objects_v2(Bucket=bucket, Prefix=PROJECTS_PREFIX, MaxKeys=1)
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("The media bucket does not answer.") from exc


# Only the local cloud sets this: a built function, running in its own worker process, is told through its
# environment where the local server serves presigned links (deployed, they point at S3 itself).
_public_endpoint: str | None = os.environ.get("VIDEOGEN_PRESIGN_ENDPOINT") or None


def set_public_endpoint(url: str | None) -> None:
    """Where presigned URLs point. None: S3 itself. The local cloud points them at its own HTTP server,
    which serves the in-memory bucket, so the same download links work on one machine."""
    global _public_endpoint
    _public_endpoint = url
    _presign_client.cache_clear()


@lru_cache(maxsize=1)
def _presign_client() -> S3Client:
    if _public_endpoint is None:
        return s3_client()
    return boto3.client(
        "s3",
        endpoint_url=_public_endpoint,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def presigned_get(bucket: str, key: str, expires_in: int, content_type: str | None = None) -> str:
    """A URL that lets its holder GET one object for ``expires_in`` seconds (at most 15 minutes)."""
    params: dict[str, str] = {"Bucket": bucket, "Key": key}
    if content_type:
        params["ResponseContentType"] = content_type
    try:
        return _presign_client().generate_presigned_url(
            "get_object", Params=params, ExpiresIn=min(expires_in, 900)
        )
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not sign a download URL.") from exc


@dataclass(frozen=True, slots=True)
class PresignedPost:
    """An HTML-form style upload: POST ``fields`` plus the file (last, named ``file``) to ``url``."""

    url: str
    fields: dict[str, str]


def presigned_post(
    bucket: str,
    key: str,
    *,
    content_type: str,
    max_bytes: int,
    expires_in: int,
    metadata: dict[str, str] | None = None,
) -> PresignedPost:
    """A presigned POST for one key: S3 itself refuses another key, another content type, an empty file or
    one over ``max_bytes`` (the policy's conditions), and any upload after ``expires_in`` seconds."""
    fields = {"Content-Type": content_type, **{f"x-amz-meta-{k}": v for k, v in (metadata or {}).items()}}
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    conditions.append(["content-length-range", 1, max_bytes])
    try:
        post = _presign_client().generate_presigned_post(
            bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=min(expires_in, 900)
        )
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not sign an upload URL.") from exc
    return PresignedPost(url=post["url"], fields={k: str(v) for k, v in post["fields"].items()})


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    size: int
    content_type: str
    metadata: dict[str, str]


def head_object(bucket: str, key: str) -> ObjectInfo | None:
    """Size, content type and user metadata of an object; None when there is no such object."""
    try:
        head = s3_client().head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise StorageException("Could not look up a file.") from exc
    except BotoCoreError as exc:
        raise StorageException("Could not look up a file.") from exc
    return ObjectInfo(
        size=int(head["ContentLength"]),
        content_type=str(head.get("ContentType") or "application/octet-stream"),
        metadata={str(k).lower(): str(v) for k, v in (head.get("Metadata") or {}).items()},
    )


def object_exists(bucket: str, key: str) -> bool:
    """Whether an object exists (a 404 is an answer, anything else an error)."""
    return head_object(bucket, key) is not None


def _tagging(tags: dict[str, str] | None) -> dict[str, Any]:
    """The object tags of an upload as S3 takes them (a lifecycle rule expires tagged intermediate files)."""
    return {"Tagging": urllib.parse.urlencode(tags)} if tags else {}


def put_bytes(
    bucket: str,
    key: str,
    data: bytes,
    content_type: str,
    *,
    metadata: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    try:
        s3_client().put_object(
            Bucket=bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            Metadata=metadata or {},
            **_tagging(tags),
        )
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not store a file.") from exc


def upload_file(
    bucket: str,
    key: str,
    path: Path,
    content_type: str,
    *,
    metadata: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
) -> int:
    """Upload a local file (multipart when large); returns its size."""
    extra: dict[str, Any] = {"ContentType": content_type, **_tagging(tags)}
    if metadata:
        extra["Metadata"] = metadata
    try:
        s3_client().upload_file(str(path), bucket, key, ExtraArgs=extra)
    except (ClientError, BotoCoreError, Boto3Error) as exc:  # S3's refusal arrives as S3UploadFailedError
        raise StorageException("Could not store a file.") from exc
    return path.stat().st_size


def download_file(bucket: str, key: str, path: Path) -> None:
    try:
        s3_client().download_file(bucket, key, str(path))
    except (ClientError, BotoCoreError, Boto3Error) as exc:
        raise StorageException("Could not fetch a file.") from exc


def object_size(bucket: str, key: str) -> int:
    try:
        return int(s3_client().head_object(Bucket=bucket, Key=key)["ContentLength"])
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not look up a file.") from exc


def read_object_prefix(
    bucket: str, key: str, max_bytes: int, *, version_id: str | None = None, etag: str | None = None
) -> bytes | None:
    """The first ``max_bytes`` bytes of one version of an object: ``version_id`` if given, else the object
    only while its ETag is still ``etag``. None when that version is gone or was overwritten since."""
    params: dict[str, str] = {"Bucket": bucket, "Key": key, "Range": f"bytes=0-{max_bytes - 1}"}
    if version_id:
        params["VersionId"] = version_id
    elif etag:
        params["IfMatch"] = etag if etag.startswith('"') else f'"{etag}"'
    try:
        response = s3_client().get_object(**params)  # type: ignore[arg-type]
        return response["Body"].read(max_bytes)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in {"PreconditionFailed", "NoSuchKey", "NoSuchVersion", "404", "412"}:
            return None
        if code == "InvalidRange":
            # An empty object has no byte 0: it is there, and empty.
            return b""
        raise StorageException("Could not read a file.") from exc
    except BotoCoreError as exc:
        raise StorageException("Could not read a file.") from exc


def copy_object(bucket: str, source_key: str, key: str) -> None:
    """Copy an object within the bucket (server side; its content type comes along)."""
    try:
        s3_client().copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": source_key})
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not copy a file.") from exc


def delete_objects(bucket: str, keys: list[str]) -> None:
    """Delete these keys (at most 1000); a key that does not exist is not an error."""
    if not keys:
        return
    try:
        response = s3_client().delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
        )
    except (ClientError, BotoCoreError) as exc:
        raise StorageException("Could not delete files.") from exc
    if response.get("Errors"):
        raise StorageException("Could not delete files.")
