"""The local cloud says when an execution has ended, so `videogen render` wakes as soon as its render ends
rather than at its next look at the project."""

from __future__ import annotations

import boto3

from tests.support.api import ApiCaller
from tests.support.cloud import module_cloud_fixture
from videogen_local.cloud import LocalCloud

cloud = module_cloud_fixture()

SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n"
SETTINGS = {"resolution": "480p", "fps": 24, "voice": "none"}


def test_waiting_for_an_execution_returns_once_it_has_ended_with_its_last_write_done(
    api: ApiCaller, cloud: LocalCloud
) -> None:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}).body
    started = api.post(f"/projects/{created['id']}/renders", {"stop_after": "images"})
    assert started.status == 202, started.body
    arn = started.body["execution_arn"]

    ended = cloud.wait_for_execution_end(arn, 120)

    # Then it has ended, and the render's own last write (COMPLETED, by FinishRender) is there to read
    assert ended is True
    described = boto3.client("stepfunctions", region_name="us-east-1").describe_execution(executionArn=arn)
    assert described["status"] == "SUCCEEDED"
    assert api.get(f"/projects/{created['id']}").body["status"] == "COMPLETED"
    # And asked again, it answers at once
    assert cloud.wait_for_execution_end(arn, 0) is True


def test_waiting_for_an_execution_that_has_not_ended_times_out(cloud: LocalCloud) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:execution:render:never-started"

    assert cloud.wait_for_execution_end(arn, 0.05) is False
