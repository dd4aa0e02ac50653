"""PublishConsole, the custom resource that puts the console in its bucket: run through the local cloud
(the console bucket comes from template.yaml) against moto's S3, answering a stand-in for CloudFormation's
ResponseURL every time."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.custom_resources import (
    ResponseReceiver,
    console_properties,
    custom_resource_event,
    receiving_responses,
)
from videogen.domain.console import ConsoleConfig
from videogen_local.cloud import LocalCloud

FUNCTION = "PublishConsoleFunction"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small console site: a page, a script, a style sheet, an icon in a folder."""
    root = tmp_path / "site"
    (root / "assets" / "icons").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>videogen</title>", encoding="utf-8")
    (root / "assets" / "app.js").write_text("export const x = 1;\n", encoding="utf-8")
    (root / "assets" / "app.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    (root / "assets" / "icons" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    return root


@pytest.fixture
def publish(cloud: LocalCloud, site: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Invoke the function's handler in the local cloud, with ``site`` as its layer's /opt/site."""
    module = cloud.functions[FUNCTION]
    module.load()
    monkeypatch.setattr(sys.modules[f"videogen_local_fn_{FUNCTION}"], "SITE_DIR", site)

    def invoke(event: dict[str, Any]) -> Any:
        return cloud.invoke(FUNCTION, event)

    return invoke


@pytest.fixture
def receiver() -> Any:
    with receiving_responses() as running:
        yield running


def _bucket(cloud: LocalCloud) -> str:
    return cloud.buckets["ConsoleBucket"]


def _objects(bucket: str) -> dict[str, dict[str, Any]]:
    s3 = boto3.client("s3", region_name="us-east-1")
    found = {}
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        head = s3.head_object(Bucket=bucket, Key=item["Key"])
        body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        found[item["Key"]] = {"type": head["ContentType"], "cache": head.get("CacheControl"), "body": body}
    return found


def test_create_copies_every_file_with_its_type_and_cache_policy_and_writes_the_config(
    cloud: LocalCloud, publish: Any, receiver: ResponseReceiver
) -> None:
    bucket = _bucket(cloud)

    publish(custom_resource_event("Create", receiver.url(), console_properties(bucket)))

    objects = _objects(bucket)
    assert set(objects) == {
        "index.html",
        "assets/app.js",
        "assets/app.css",
        "assets/icons/logo.svg",
        "config.json",
    }
    assert objects["index.html"]["type"] == "text/html; charset=utf-8"
    assert objects["assets/app.js"]["type"] == "text/javascript; charset=utf-8"
    assert objects["assets/app.css"]["type"] == "text/css; charset=utf-8"
    assert objects["assets/icons/logo.svg"]["type"] == "image/svg+xml"
    assert objects["config.json"]["type"] == "application/json"
    assert {item["cache"] for item in objects.values()} == {"no-cache"}
    assert objects["assets/app.js"]["body"] == b"export const x = 1;\n"
    # The config the console reads, field by field
    config = json.loads(objects["config.json"]["body"])
    assert config == {
        "api_base": "https://abc123.execute-api.us-east-1.amazonaws.com/v1",
        "auth": {
            "kind": "cognito",
            "authorize_url": "https://videogen-dev-123456789012.auth.us-east-1.amazoncognito.com/oauth2/authorize",
            "token_url": "https://videogen-dev-123456789012.auth.us-east-1.amazoncognito.com/oauth2/token",
            "logout_url": "https://videogen-dev-123456789012.auth.us-east-1.amazoncognito.com/logout",
            "client_id": "client-123",
            "redirect_uri": "https://d111111abcdef8.cloudfront.net/",
            "scopes": ["openid", "email", "profile"],
        },
    }
    ConsoleConfig.model_validate(config)
    # And CloudFormation heard of it, with the bucket as the resource's id
    (response,) = receiver.responses
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == bucket
    assert response["RequestId"] == "req-1"
    assert response["LogicalResourceId"] == "PublishConsole"
    assert response["StackId"].startswith("arn:aws:cloudformation:")
    assert response["Data"] == {"Written": 5, "Deleted": 0}
    # The presigned URL was signed without a content type: none may be sent
    assert receiver.headers[0].get("content-type", "") == ""


def test_update_writes_changed_files_and_removes_those_no_longer_in_the_site(
    cloud: LocalCloud, publish: Any, receiver: ResponseReceiver, site: Path
) -> None:
    # Given a published site
    bucket = _bucket(cloud)
    publish(custom_resource_event("Create", receiver.url(), console_properties(bucket)))

    # When a file changes, one goes and one comes, and CloudFormation sends Update
    (site / "assets" / "app.js").write_text("export const x = 2;\n", encoding="utf-8")
    (site / "assets" / "icons" / "logo.svg").unlink()
    (site / "assets" / "help.txt").write_text("Help", encoding="utf-8")
    publish(
        custom_resource_event("Update", receiver.url("req-2"), console_properties(bucket), physical_id=bucket)
    )

    # Then the bucket holds exactly the new site
    objects = _objects(bucket)
    assert set(objects) == {"index.html", "assets/app.js", "assets/app.css", "assets/help.txt", "config.json"}
    assert objects["assets/app.js"]["body"] == b"export const x = 2;\n"
    assert objects["assets/help.txt"]["type"] == "text/plain; charset=utf-8"
    assert [r["Status"] for r in receiver.responses] == ["SUCCESS", "SUCCESS"]
    assert receiver.responses[1]["PhysicalResourceId"] == bucket
    assert receiver.responses[1]["Data"] == {"Written": 5, "Deleted": 1}


def test_delete_empties_a_versioned_bucket_so_cloudformation_can_delete_it(
    cloud: LocalCloud, publish: Any, receiver: ResponseReceiver
) -> None:
    # Given a versioned bucket with a site published twice (old versions) and a deleted file (a marker)
    bucket = _bucket(cloud)
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    properties = console_properties(bucket)
    publish(custom_resource_event("Create", receiver.url(), properties))
    publish(custom_resource_event("Update", receiver.url(), properties, physical_id=bucket))
    s3.put_object(Bucket=bucket, Key="left-behind.txt", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="left-behind.txt")

    # When the stack deletes the resource
    publish(custom_resource_event("Delete", receiver.url("req-3"), properties, physical_id=bucket))

    # Then nothing is left, not even an old version, and the bucket can go
    versions = s3.list_object_versions(Bucket=bucket)
    assert versions.get("Versions", []) == []
    assert versions.get("DeleteMarkers", []) == []
    s3.delete_bucket(Bucket=bucket)
    assert receiver.responses[-1]["Status"] == "SUCCESS"
    assert receiver.responses[-1]["PhysicalResourceId"] == bucket
    assert receiver.responses[-1]["Data"]["Removed"] >= 11


def test_delete_of_a_bucket_that_is_gone_succeeds(publish: Any, receiver: ResponseReceiver) -> None:
    publish(
        custom_resource_event("Delete", receiver.url(), console_properties("no-such-bucket"), physical_id="x")
    )

    assert receiver.responses[0]["Status"] == "SUCCESS"
    assert receiver.responses[0]["PhysicalResourceId"] == "x"


def test_a_failure_is_answered_failed_with_the_reason_never_left_waiting(
    publish: Any, receiver: ResponseReceiver
) -> None:
    # A bucket that does not exist: S3 refuses, and the function still answers
    publish(custom_resource_event("Create", receiver.url(), console_properties("no-such-bucket")))

    (response,) = receiver.responses
    assert response["Status"] == "FAILED"
    assert "no-such-bucket" in response["Reason"]
    assert response["PhysicalResourceId"] == "req-1"  # a Create that failed has no id of its own


def test_bad_properties_are_answered_failed(
    cloud: LocalCloud, publish: Any, receiver: ResponseReceiver
) -> None:
    properties = {**console_properties(_bucket(cloud)), "ApiBase": "http://plain.example/v1"}

    publish(custom_resource_event("Create", receiver.url(), properties))

    (response,) = receiver.responses
    assert response["Status"] == "FAILED"
    assert "ApiBase" in response["Reason"]
    assert _objects(_bucket(cloud)) == {}


def test_a_malformed_event_with_a_response_url_is_answered_failed(
    publish: Any, receiver: ResponseReceiver
) -> None:
    publish({"ResponseURL": receiver.url(), "RequestId": "req-9", "StackId": "s", "LogicalResourceId": "L"})

    (response,) = receiver.responses
    assert response["Status"] == "FAILED"
    assert response["RequestId"] == "req-9"
    assert "Malformed" in response["Reason"]


def test_a_site_without_its_page_is_refused_before_anything_is_deleted(
    cloud: LocalCloud, publish: Any, receiver: ResponseReceiver, site: Path
) -> None:
    bucket = _bucket(cloud)
    publish(custom_resource_event("Create", receiver.url(), console_properties(bucket)))
    (site / "index.html").unlink()

    publish(custom_resource_event("Update", receiver.url(), console_properties(bucket), physical_id=bucket))

    assert receiver.responses[-1]["Status"] == "FAILED"
    assert "index.html" in receiver.responses[-1]["Reason"]
    assert "index.html" in _objects(bucket)


def test_an_event_not_from_cloudformation_is_refused_loudly(publish: Any) -> None:
    # No ResponseURL: nobody waits for an answer, so the invocation itself fails
    with pytest.raises(ValueError, match="no ResponseURL"):
        publish({"RequestType": "Create"})


def test_an_unreachable_response_url_is_logged_not_raised(cloud: LocalCloud, publish: Any) -> None:
    with receiving_responses() as gone:
        url = gone.url()
    # The stand-in has stopped: nothing listens on its port any more

    response = publish(custom_resource_event("Create", url, console_properties(_bucket(cloud))))

    assert response["Status"] == "SUCCESS"
    assert "config.json" in _objects(_bucket(cloud))
