"""The local cloud a test runs on, and what a test reads from it or puts in it directly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.build import required_build
from tests.support.paths import TEMPLATE
from tests.support.waiting import wait_until
from videogen.dal import table_keys
from videogen.dal.tables import ProjectItem
from videogen_local.cloud import LocalCloud


@contextmanager
def local_cloud(home: Path, **options: Any) -> Iterator[LocalCloud]:
    """The local cloud of template.yaml with its own VIDEOGEN_HOME, for a test or a module of tests.

    Before it stops, it waits until no render runs: a render that outlives its test (a stopped one finishes
    its step first) would run its steps against the next test's cloud, since its threads share the process,
    the environment and the cached clients.

    Args:
        home: the VIDEOGEN_HOME of this cloud (a fresh temporary folder).
        options: LocalCloud's own (``from_build``, ``log_path``, ``parameters``, ``workers_per_function``).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIDEOGEN_HOME", str(home))
        with LocalCloud(TEMPLATE, **options) as started:
            yield started
            wait_for_executions(started)


def module_cloud_fixture(*, from_build: bool = False, **options: Any) -> Any:
    """A module-scoped fixture of one local cloud for all of a module's tests (each works on its own
    project or keys), as ``name = module_cloud_fixture()`` in the module.

    Args:
        from_build: run the functions from the checked `sam build` output (the module skips without one).
        options: LocalCloud's own, as for ``local_cloud``.
    """

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
        built = required_build() if from_build else None
        with local_cloud(tmp_path_factory.mktemp("home"), from_build=built, **options) as started:
            yield started

    return fixture


def wait_for_executions(cloud: LocalCloud, timeout: float = 60) -> None:
    """Until no execution of the cloud's state machines runs."""
    client = boto3.client("stepfunctions", region_name="us-east-1")
    for arn in cloud.state_machines.values():
        wait_until(lambda arn=arn: not _running(client, arn), timeout, 0.1, "the renders to end")


def _running(client: Any, state_machine_arn: str) -> bool:
    try:
        return bool(
            client.list_executions(stateMachineArn=state_machine_arn, statusFilter="RUNNING")["executions"]
        )
    except client.exceptions.StateMachineDoesNotExist:
        return False  # a test deleted it: nothing of it runs


def table_snapshot(cloud: LocalCloud) -> list[dict[str, Any]]:
    """Every item of every table of the template, sorted: to prove a rejected write changed nothing."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    items: list[dict[str, Any]] = []
    for name in cloud.tables.values():
        for page in client.get_paginator("scan").paginate(TableName=name):
            items.extend(page["Items"])
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def bucket_keys(cloud: LocalCloud, logical_id: str = "MediaBucket", prefix: str = "") -> list[str]:
    """Every key of a bucket of the template (under ``prefix``), sorted."""
    client = boto3.client("s3", region_name="us-east-1")
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=cloud.buckets[logical_id], Prefix=prefix)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


def force_status(project_id: str, status: str) -> None:
    """Put a project in a status directly, as if a render had brought it there (no render runs): for tests
    of what a status allows. The pipeline's own writes (``set_render_status``) need a claimed render."""
    item = ProjectItem.get(table_keys.project_pk(project_id), table_keys.PROJECT_SK, consistent_read=True)
    ProjectItem._get_connection().update_item(
        table_keys.project_pk(project_id),
        table_keys.PROJECT_SK,
        actions=[
            ProjectItem.status.set(status),
            ProjectItem.gsi2pk.set(table_keys.owner_status_pk(item.owner_id, status)),
        ],
    )


def force_render(project_id: str, render_id: str) -> None:
    """Put a project in the state a claimed, running render leaves it (RENDERING, with ``render_id`` and
    a progress), without starting an execution: for tests that run a render's steps one by one."""
    item = ProjectItem.get(table_keys.project_pk(project_id), table_keys.PROJECT_SK, consistent_read=True)
    progress = {"stage": "images", "scenes_done": 0, "scenes_total": int(item.scene_count or 0)}
    ProjectItem._get_connection().update_item(
        table_keys.project_pk(project_id),
        table_keys.PROJECT_SK,
        actions=[
            ProjectItem.status.set("RENDERING"),
            ProjectItem.gsi2pk.set(table_keys.owner_status_pk(item.owner_id, "RENDERING")),
            ProjectItem.render_id.set(render_id),
            ProjectItem.progress.set(progress),
        ],
    )
