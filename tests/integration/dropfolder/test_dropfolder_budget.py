"""A dropped script whose render is over the owner's monthly budget: the drop folder answers with the same
BUDGET_EXCEEDED error the API gives, and starts nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cloud import local_cloud
from tests.support.dropfolder import SCRIPT, DropBucket
from videogen_local.cloud import LocalCloud

KEY = "inbox/alice/harbour.md"


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[LocalCloud]:
    """This module's cloud is deployed with a budget far below any render's estimate."""
    with local_cloud(tmp_path / "home", parameters={"MonthlyBudgetPerOwnerUsd": "0.000001"}) as started:
        yield started


def test_a_dropped_script_over_budget_gets_an_error_json_and_no_render(
    drop: DropBucket, cloud: LocalCloud
) -> None:
    etag = drop.put_quietly(KEY, SCRIPT)

    result = cloud.invoke("IngestFunction", drop.event_for(KEY, etag, size=len(SCRIPT.encode())))["results"][
        0
    ]

    assert (result["outcome"], result["error_code"]) == ("rejected", "BUDGET_EXCEEDED")
    document = drop.json("outbox/alice/harbour/error.json")
    assert document["error"]["code"] == "BUDGET_EXCEEDED"
    assert document["error"]["details"]["budget_usd"] == 0.000001
    assert document["error"]["details"]["spent_usd"] == 0
    assert document["error"]["details"]["estimate_usd"] > 0
    assert "budget" in document["error"]["message"]
    (project,) = drop.projects()
    assert document["project_id"] == project["id"]["S"]
    assert project["status"]["S"] == "DRAFT"
    assert drop.executions() == []
