"""The drop folder on the local cloud: uploads go through S3, whose notification runs the ingest function."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.dropfolder import DropBucket
from videogen_local.cloud import LocalCloud


@pytest.fixture
def drop(cloud: LocalCloud) -> Iterator[DropBucket]:
    bucket = DropBucket(cloud)
    try:
        yield bucket
    finally:
        bucket.wait_for_renders()


@pytest.fixture
def ingest_calls(cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The events the ingest function is invoked with, however it is invoked."""
    calls: list[dict[str, Any]] = []
    invoke = cloud.invoke

    def spy(logical_id: str, event: dict[str, Any]) -> Any:
        if logical_id == "IngestFunction":
            calls.append(event)
        return invoke(logical_id, event)

    monkeypatch.setattr(cloud, "invoke", spy)
    return calls
