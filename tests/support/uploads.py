"""Presigned uploads in tests: what S3 stores for a form POST of an upload offer."""

from __future__ import annotations

from typing import Any

import boto3

from videogen_local.cloud import LocalCloud


def store_as_posted(cloud: LocalCloud, offer: dict[str, Any], data: bytes) -> None:
    """What S3 stores for a form POST of ``offer`` (music or a picture): the key, the content type and the
    metadata fields."""
    fields = offer["fields"]
    metadata = {k[len("x-amz-meta-") :]: v for k, v in fields.items() if k.startswith("x-amz-meta-")}
    boto3.client("s3", region_name="us-east-1").put_object(
        Bucket=cloud.buckets["MediaBucket"],
        Key=fields["key"],
        Body=data,
        ContentType=fields["Content-Type"],
        Metadata=metadata,
    )
