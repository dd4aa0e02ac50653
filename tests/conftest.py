"""Shared fixtures: the local cloud built from template.yaml, and an API caller that speaks API Gateway."""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from videogen_local.build import BuildError, check_build
from videogen_local.cloud import LocalCloud
from videogen_local.template import Template

ROOT = Path(__file__).resolve().parents[1]
EVENTS = Path(__file__).parent / "events"


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


#: The `make sam-build` output that `--from-build` runs.
BUILD_DIR = ROOT / ".aws-sam" / "build"
IN_PROCESS, FROM_BUILD = "in-process", "from-build"
#: Runs a test on both local clouds: handlers in this process, and every function from its build folder
#: in its own worker process, as Lambda runs it.
both_ways = pytest.mark.parametrize("cloud", [IN_PROCESS, FROM_BUILD], indirect=True)


def required_build() -> Path:
    """The build, checked: a missing or stale one skips the test, or fails it under `make test` (which
    builds first and sets VIDEOGEN_REQUIRE_BUILD), so CI never passes without running it."""
    try:
        check_build(Template.load(ROOT / "template.yaml"), BUILD_DIR)
    except BuildError as exc:
        if os.environ.get("VIDEOGEN_REQUIRE_BUILD"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    return BUILD_DIR


@pytest.fixture
def cloud(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalCloud]:
    """A fresh local cloud per test: moto, plus the tables, buckets and functions of template.yaml. With
    ``both_ways`` (or ``indirect`` parameter FROM_BUILD), the functions run from the build."""
    monkeypatch.setenv("VIDEOGEN_HOME", str(tmp_path / "home"))
    from_build = required_build() if getattr(request, "param", IN_PROCESS) == FROM_BUILD else None
    with LocalCloud(
        ROOT / "template.yaml", from_build=from_build, log_path=tmp_path / "functions.log"
    ) as started:
        try:
            yield started
            wait_for_executions(started)
        finally:
            if from_build is not None and getattr(request.node, "rep_call_failed", False):
                print(f"--- the functions' output ({started.log_path}), last lines:")
                print("\n".join(started.log_path.read_text(encoding="utf-8").splitlines()[-80:]))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Lets a fixture know whether its test failed (to show the built functions' logs)."""
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed  # type: ignore[attr-defined]
    return report


def wait_for_executions(cloud: LocalCloud, timeout: float = 60) -> None:
    """Until no execution of the cloud's state machines runs. A render that outlives its test (a stopped
    one finishes its step first) would run its steps against the next test's cloud: its threads share the
    process, the environment and the cached clients."""
    client = boto3.client("stepfunctions", region_name="us-east-1")
    deadline = time.monotonic() + timeout
    for arn in cloud.state_machines.values():
        while _running(client, arn):
            if time.monotonic() > deadline:
                raise AssertionError("a render still runs at the end of its test")
            time.sleep(0.1)


@dataclass
class ApiResult:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def error_code(self) -> str:
        return str(self.body["error"]["code"])


class ApiCaller:
    """Calls the API function with the proxy event API Gateway sends, as a given owner."""

    def __init__(self, cloud: LocalCloud, owner: str | None, claims: dict[str, Any] | None = None) -> None:
        self.cloud = cloud
        self.owner = owner
        self.claims = dict(claims or {})

    def as_owner(self, owner: str | None) -> ApiCaller:
        return ApiCaller(self.cloud, owner)

    def with_claims(self, **claims: Any) -> ApiCaller:
        """The same owner with more verified claims, e.g. ``**{"cognito:groups": "paid-providers"}``."""
        return ApiCaller(self.cloud, self.owner, {**self.claims, **claims})

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw_body: str | None = None,
    ) -> ApiResult:
        event = copy.deepcopy(load_event("apigw_rest_proxy.json"))
        event["httpMethod"] = method
        event["path"] = path
        event["pathParameters"] = {"proxy": path.lstrip("/")}
        event["requestContext"]["httpMethod"] = method
        event["requestContext"]["path"] = f"/v1{path}" + (f"?{urlencode(query)}" if query else "")
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
        event["headers"] = {**event["headers"], "Content-Type": "application/json", **(headers or {})}
        if self.owner is None:
            event["requestContext"]["authorizer"] = None
        else:
            event["requestContext"]["authorizer"]["claims"]["sub"] = self.owner
            event["requestContext"]["authorizer"]["claims"].update(self.claims)
        if raw_body is not None:
            event["body"] = raw_body
        elif body is not None:
            event["body"] = json.dumps(body)
        result = self.cloud.invoke("ApiFunction", event)
        headers_out = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
        headers_out.update(result.get("headers") or {})
        text = result.get("body") or ""
        return ApiResult(int(result["statusCode"]), headers_out, json.loads(text) if text else None)

    def get(self, path: str, **kwargs: Any) -> ApiResult:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> ApiResult:
        return self.request("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> ApiResult:
        return self.request("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> ApiResult:
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResult:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(cloud: LocalCloud) -> ApiCaller:
    return ApiCaller(cloud, "owner-alice")


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


def wait_until(
    predicate: Callable[[], bool], timeout: float = 30, poll: float = 0.05, what: str = ""
) -> None:
    """Until ``predicate()`` holds; AssertionError (naming ``what``) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(poll)


def force_status(project_id: str, status: str) -> None:
    """Put a project in a status directly, as if a render had brought it there (no render runs): for tests
    of what a status allows. The pipeline's own writes (``set_render_status``) need a claimed render."""
    from videogen.dal import table_keys
    from videogen.dal.tables import ProjectItem

    item = ProjectItem.get(table_keys.project_pk(project_id), table_keys.PROJECT_SK, consistent_read=True)
    ProjectItem._get_connection().update_item(
        table_keys.project_pk(project_id),
        table_keys.PROJECT_SK,
        actions=[
            ProjectItem.status.set(status),
            ProjectItem.gsi2pk.set(table_keys.owner_status_pk(item.owner_id, status)),
        ],
    )


def bucket_keys(cloud: LocalCloud, logical_id: str = "MediaBucket") -> list[str]:
    client = boto3.client("s3", region_name="us-east-1")
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=cloud.buckets[logical_id])
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


class LogCapture:
    """The JSON lines videogen's logger writes while a test runs."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return str(self._stream.getvalue())

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    """Capture videogen's structured logs at DEBUG, whatever stream the logger was created with."""
    import io
    import logging

    from videogen.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    previous = logger.log_level
    logger._logger.addHandler(handler)
    logger.setLevel("DEBUG")
    try:
        yield LogCapture(stream)
    finally:
        logger._logger.removeHandler(handler)
        logger.setLevel(previous)
