"""dal.storage turns S3's refusals into videogen exceptions, and the answers that are not errors into
values: each path through the real S3 client, answered by Stubber."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.support.stubs import client_error
from videogen.dal import storage
from videogen.exceptions import ResourceNotFoundException, StorageException

BUCKET, KEY = "media", "projects/p1/renders/000001/video.mp4"


def test_reading_a_missing_object_is_resource_not_found(s3: Stubber) -> None:
    client_error(s3, "get_object", "NoSuchKey", 404)

    with pytest.raises(ResourceNotFoundException, match="No file"):
        storage.read_object(BUCKET, KEY)


@pytest.mark.parametrize(
    ("operation", "call", "message"),
    [
        ("get_object", lambda: storage.read_object(BUCKET, KEY), "Could not read a file."),
        ("list_objects_v2", lambda: storage.list_keys(BUCKET, "projects/"), "Could not list files."),
        ("list_objects_v2", lambda: storage.check_bucket(BUCKET), "The media bucket does not answer."),
        ("list_object_versions", lambda: storage.delete_prefix(BUCKET, "projects/p1/"), "Could not delete"),
        ("head_object", lambda: storage.head_object(BUCKET, KEY), "Could not look up a file."),
        ("head_object", lambda: storage.object_size(BUCKET, KEY), "Could not look up a file."),
        ("put_object", lambda: storage.put_bytes(BUCKET, KEY, b"x", "video/mp4"), "Could not store a file."),
        ("copy_object", lambda: storage.copy_object(BUCKET, KEY, KEY + ".copy"), "Could not copy a file."),
        ("delete_objects", lambda: storage.delete_objects(BUCKET, [KEY]), "Could not delete files."),
        ("get_object", lambda: storage.read_object_prefix(BUCKET, KEY, 16), "Could not read a file."),
    ],
)
def test_an_access_denied_is_a_storage_exception(
    s3: Stubber, operation: str, call: Callable[[], Any], message: str
) -> None:
    client_error(s3, operation, "AccessDenied", 403)

    with pytest.raises(StorageException, match=message) as caught:
        call()
    assert caught.value.__cause__ is not None


def test_a_delete_prefix_refused_halfway_is_a_storage_exception(s3: Stubber) -> None:
    s3.add_response(
        "list_object_versions",
        {"Versions": [{"Key": KEY, "VersionId": "v1"}], "IsTruncated": False},
    )
    client_error(s3, "delete_objects", "AccessDenied", 403)

    with pytest.raises(StorageException, match="Could not delete the project's files."):
        storage.delete_prefix(BUCKET, "projects/p1/")


def test_delete_objects_that_reports_per_key_errors_is_a_storage_exception(s3: Stubber) -> None:
    s3.add_response("delete_objects", {"Errors": [{"Key": KEY, "Code": "AccessDenied", "Message": "no"}]})

    with pytest.raises(StorageException, match="Could not delete files."):
        storage.delete_objects(BUCKET, [KEY])


@pytest.mark.parametrize("code", ["404", "NoSuchKey", "NotFound"])
def test_head_of_a_missing_object_is_none_not_an_error(s3: Stubber, code: str) -> None:
    client_error(s3, "head_object", code, 404)

    assert storage.head_object(BUCKET, KEY) is None


@pytest.mark.parametrize("code", ["PreconditionFailed", "NoSuchKey", "NoSuchVersion"])
def test_a_version_gone_or_overwritten_reads_as_none(s3: Stubber, code: str) -> None:
    client_error(s3, "get_object", code, 412 if code == "PreconditionFailed" else 404)

    assert storage.read_object_prefix(BUCKET, KEY, 16, etag="abc") is None


def test_the_first_bytes_of_an_empty_object_are_empty(s3: Stubber) -> None:
    client_error(s3, "get_object", "InvalidRange", 416)

    assert storage.read_object_prefix(BUCKET, KEY, 16, version_id="v1") == b""


def test_an_upload_refused_is_a_storage_exception(s3: Stubber, tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    path.write_bytes(b"\x00" * 32)
    client_error(s3, "put_object", "AccessDenied", 403)

    with pytest.raises(StorageException, match="Could not store a file."):
        storage.upload_file(BUCKET, KEY, path, "video/mp4")


def test_a_download_refused_is_a_storage_exception(s3: Stubber, tmp_path: Path) -> None:
    client_error(s3, "head_object", "AccessDenied", 403)

    with pytest.raises(StorageException, match="Could not fetch a file."):
        storage.download_file(BUCKET, KEY, tmp_path / "video.mp4")
