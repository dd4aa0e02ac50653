"""PublishConsole as Lambda runs it: its `sam build` folder, the shared layer and ConsoleSiteLayer (whose
site/ is /opt/site, where CONSOLE_SITE_DIR points), in its own process, answering a stand-in for
CloudFormation's ResponseURL."""

from __future__ import annotations

import json

import boto3

from tests.support.cloud import module_cloud_fixture
from tests.support.custom_resources import console_properties, custom_resource_event, receiving_responses
from tests.support.paths import ROOT
from videogen_local.cloud import LocalCloud

SITE = ROOT / "layers" / "console" / "site"

built_cloud = module_cloud_fixture(from_build=True, workers_per_function=1)


def test_the_built_publisher_publishes_the_site_its_layer_carries_then_removes_it(
    built_cloud: LocalCloud,
) -> None:
    bucket = built_cloud.buckets["ConsoleBucket"]
    s3 = boto3.client("s3", region_name="us-east-1")
    properties = console_properties(bucket)

    with receiving_responses() as receiver:
        built_cloud.invoke(
            "PublishConsoleFunction", custom_resource_event("Create", receiver.url(), properties)
        )
        keys = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
        config = json.loads(s3.get_object(Bucket=bucket, Key="config.json")["Body"].read())
        built_cloud.invoke(
            "PublishConsoleFunction",
            custom_resource_event("Delete", receiver.url("req-2"), properties, physical_id=bucket),
        )

    site_files = {path.relative_to(SITE).as_posix() for path in SITE.rglob("*") if path.is_file()}
    assert "index.html" in site_files
    assert keys == site_files | {"config.json"}
    assert config["auth"]["client_id"] == "client-123"
    assert [response["Status"] for response in receiver.responses] == ["SUCCESS", "SUCCESS"]
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
