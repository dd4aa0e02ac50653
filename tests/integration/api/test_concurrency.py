"""Concurrent requests from many Lambda containers: optimistic locking, one render per project, and
pagination under parallel creates.

The API function runs in CONTAINERS processes (lambda_containers.py), as Lambda scales it; they share the
local cloud through moto's server, so their requests race in DynamoDB and Step Functions for real. Where a
race decides the answer, every container holds its first write until all of them hold one: all requests
have read the same version, and only the conditional writes can keep more than one from winning.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from tests.integration.api.lambda_containers import LambdaContainers
from tests.support.api import ENDED, ApiResult
from tests.support.cloud import module_cloud_fixture
from tests.support.paths import load_event
from tests.support.waiting import wait_until
from videogen_local.cloud import LocalCloud

# Runs for seconds by design (many repetitions, real concurrency): `make test-fast` skips it.
pytestmark = pytest.mark.slow

CONTAINERS = 10
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n"
# One short, silent, small scene: the render that one of the ten requests starts runs for real.
SETTINGS = {"resolution": "480p", "fps": 24, "voice": "none"}


module_cloud = module_cloud_fixture()


@pytest.fixture(scope="module")
def containers(module_cloud: LocalCloud) -> Iterator[LambdaContainers]:
    with LambdaContainers(module_cloud, "ApiFunction", CONTAINERS) as started:
        warm = started.warm_up(_event("GET", "/health", owner=None))
        assert [answer["statusCode"] for answer in warm] == [200] * CONTAINERS
        yield started


def _event(
    method: str,
    path: str,
    owner: str | None,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The proxy event API Gateway sends (tests/events/apigw_rest_proxy.json), with its own request id."""
    event = copy.deepcopy(load_event("apigw_rest_proxy.json"))
    event.update(
        httpMethod=method,
        path=path,
        pathParameters={"proxy": path.lstrip("/")},
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
        body=json.dumps(body) if body is not None else None,
    )
    event["headers"] = {**event["headers"], "Content-Type": "application/json", **(headers or {})}
    context = event["requestContext"]
    context.update(
        httpMethod=method,
        path=f"/v1{path}" + (f"?{urlencode(query)}" if query else ""),
        requestId=str(uuid.uuid4()),
    )
    if owner is None:
        context["authorizer"] = None
    else:
        context["authorizer"]["claims"]["sub"] = owner
    return event


def _call(containers: LambdaContainers, method: str, path: str, owner: str, **kwargs: Any) -> ApiResult:
    answer = containers.invoke("ApiFunction", _event(method, path, owner, **kwargs))
    assert "statusCode" in answer, answer  # a function error, not an HTTP answer
    headers = {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    headers.update(answer.get("headers") or {})
    text = answer.get("body") or ""
    return ApiResult(int(answer["statusCode"]), headers, json.loads(text) if text else None)


def _in_parallel(count: int, call: Any) -> list[ApiResult]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def _status_when_done(containers: LambdaContainers, path: str, owner: str, timeout: float = 60) -> str:
    """The project's status once its render has ended."""

    def ended() -> str | None:
        status = str(_call(containers, "GET", path, owner).body["status"])
        return status if status in ENDED else None

    return wait_until(ended, timeout, 0.2, f"the render of {path} to end")


def test_twenty_parallel_patches_with_the_same_version_exactly_one_wins(containers: LambdaContainers) -> None:
    owner = "owner-patch"
    created = _call(containers, "POST", "/projects", owner, body={"title": "t0", "script": SCRIPT})
    path = f"/projects/{created.body['id']}"
    assert created.headers["ETag"] == '"v1"'

    with containers.holding_writes():
        answers = _in_parallel(
            20,
            lambda i: _call(
                containers, "PATCH", path, owner, body={"title": f"t{i + 1}"}, headers={"If-Match": '"v1"'}
            ),
        )

    # The first ten read v1 together and raced: one conditional write won, nine lost it (409). The last
    # ten read v2 and were refused before writing: their If-Match was stale (412).
    statuses = Counter(answer.status for answer in answers)
    assert statuses == {200: 1, 409: CONTAINERS - 1, 412: 20 - CONTAINERS}
    assert {a.error_code for a in answers if a.status != 200} == {"RESOURCE_CONFLICT", "PRECONDITION_FAILED"}
    (winner,) = [answer for answer in answers if answer.status == 200]
    stored = _call(containers, "GET", path, owner)
    assert (stored.body["version"], stored.headers["ETag"]) == (2, '"v2"')
    assert stored.body["title"] == winner.body["title"]
    assert stored.body == winner.body | {"updated_at": stored.body["updated_at"]}


@pytest.mark.slow
def test_ten_parallel_render_requests_start_exactly_one_render(
    containers: LambdaContainers, module_cloud: LocalCloud
) -> None:
    owner = "owner-render"
    body = {"title": "r", "script": SCRIPT, "settings": SETTINGS}
    created = _call(containers, "POST", "/projects", owner, body=body)
    project_id = created.body["id"]

    with containers.holding_writes():
        answers = _in_parallel(
            10, lambda _: _call(containers, "POST", f"/projects/{project_id}/renders", owner)
        )

    statuses = Counter(answer.status for answer in answers)
    assert statuses == {202: 1, 409: 9}, [a.body for a in answers]
    assert {a.error_code for a in answers if a.status == 409} == {"RESOURCE_CONFLICT"}
    (accepted,) = [answer.body for answer in answers if answer.status == 202]
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    started = sfn.list_executions(stateMachineArn=module_cloud.state_machines["RenderStateMachine"])
    mine = [e for e in started["executions"] if e["name"].startswith(project_id)]
    assert [(e["name"], e["executionArn"]) for e in mine] == [
        (f"{project_id}-000001", accepted["execution_arn"])
    ]
    # The one render runs to the end (which also frees the owner's render slot).
    assert _status_when_done(containers, f"/projects/{project_id}", owner) == "COMPLETED"


def test_fifty_parallel_creates_give_fifty_projects_each_listed_once(containers: LambdaContainers) -> None:
    owner = "owner-crowd"

    answers = _in_parallel(
        50,
        lambda i: _call(
            containers, "POST", "/projects", owner, body={"title": f"p{i:02d}", "script": SCRIPT}
        ),
    )

    assert Counter(answer.status for answer in answers) == {201: 50}
    created = {answer.body["id"] for answer in answers}
    assert len(created) == 50
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        query = {"limit": "7", **({"cursor": cursor} if cursor else {})}
        page = _call(containers, "GET", "/projects", owner, query=query)
        assert page.status == 200, page.body
        pages.append(page.body["items"])
        cursor = page.body["next_cursor"]
        if cursor is None:
            break
    listed = [item["id"] for page in pages for item in page]
    assert [len(page) for page in pages] == [7] * 7 + [1]
    assert sorted(listed) == sorted(created)  # each exactly once
    assert len(set(listed)) == len(listed) == 50
    # Compared as instants: JSON drops a zero fraction ("07Z"), so the texts do not sort as times do.
    newest_first = [datetime.fromisoformat(item["created_at"]) for page in pages for item in page]
    assert newest_first == sorted(newest_first, reverse=True)
