"""The ownership matrix, generated from the committed OpenAPI document (infra/openapi.json).

For every path with a {project_id} and every verb the document gives it, another owner's request is
answered 404 RESOURCE_NOT_FOUND, exactly as for a project that never existed, and changes nothing: not
the table, not the bucket, no execution is started. The same request from the owner succeeds, so the 404
is about ownership, not about a malformed request. A route added to the API (and so to the document)
joins the matrix without anyone editing this file; if it needs a path parameter or a body the matrix
cannot fill, the matrix fails and says so.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import boto3
import pytest
from PIL import Image

from tests.support.api import ApiCaller, ApiResult
from tests.support.assets import store_asset, store_video
from tests.support.cloud import bucket_keys, module_cloud_fixture, table_snapshot
from tests.support.paths import ROOT
from videogen.dal import executions, storage
from videogen.domain.enums import AssetKind
from videogen_local.cloud import LocalCloud

OPENAPI = json.loads((ROOT / "infra" / "openapi.json").read_text(encoding="utf-8"))
OWNER, OTHER = "owner-alice", "owner-mallory"
SCRIPT = "## Dawn\nThe sea wakes up.\n\n## Noon\nGulls circle the lamp room.\n"
# Valid bodies for operations whose document gives no example: the request must pass validation, or a
# 422 would hide whether ownership is checked at all.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/projects/{project_id}"): {"title": "Mine now"},
    ("PATCH", "/projects/{project_id}/scenes/{number}"): {"narration": "Mine now."},
}


def _matrix() -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in OPENAPI["paths"].items()
        if "{project_id}" in path
        for method in item
    ]


MATRIX = _matrix()


def _body(method: str, template: str) -> dict[str, Any] | None:
    """The operation's documented request example, else a known valid body; None without a body."""
    request_body = OPENAPI["paths"][template][method.lower()].get("requestBody")
    if request_body is None:
        return None
    media = request_body["content"]["application/json"]
    if "example" in media:
        return dict(media["example"])
    if media.get("examples"):
        return dict(next(iter(media["examples"].values()))["value"])
    if (method, template) in BODIES:
        return BODIES[(method, template)]
    pytest.fail(f"{method} {template} takes a body: give it an example in the document, or one in BODIES")


#: One local cloud for the whole matrix (each case works on its own project).
module_cloud = module_cloud_fixture()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Executions the API starts. The owner's own render request is recorded, not run: the matrix is
    about who may ask, and a real render would only cost time."""
    names: list[str] = []

    def record(state_machine_arn: str | None, name: str, payload: dict[str, Any]) -> str:
        names.append(name)
        return executions.execution_arn(str(state_machine_arn), name)

    monkeypatch.setattr(executions, "start", record)
    return names


def _project_with_everything(owner: ApiCaller) -> str:
    """A project of the owner with scenes, a stored video file and its asset record."""
    created = owner.post("/projects", {"title": "Lighthouse", "script": SCRIPT})
    assert created.status == 201, created.body
    project_id = str(created.body["id"])
    bucket = owner.cloud.buckets["MediaBucket"]
    store_video(bucket, project_id, 32)
    # Music attached, and an upload waiting under the upload id the document's PUT /music example names.
    music = (ROOT / "examples" / "lighthouse.ogg").read_bytes()
    store_asset(
        bucket,
        music,
        project_id=project_id,
        asset_id="music",
        kind=AssetKind.MUSIC,
        s3_key=f"projects/{project_id}/music/{'1' * 32}",
        content_type="audio/ogg",
        duration=24.0,
    )
    upload_id = _body("PUT", "/projects/{project_id}/music")["upload_id"]  # type: ignore[index]
    storage.s3_client().put_object(
        Bucket=bucket, Key=f"uploads/{project_id}/{upload_id}", Body=music, ContentType="audio/ogg"
    )
    # And a picture waiting under the upload id the document's PUT .../picture example names.
    picture = io.BytesIO()
    Image.new("RGB", (320, 180), (20, 120, 200)).save(picture, "JPEG")
    picture_id = _body("PUT", "/projects/{project_id}/scenes/{number}/picture")["upload_id"]  # type: ignore[index]
    storage.s3_client().put_object(
        Bucket=bucket,
        Key=f"uploads/{project_id}/{picture_id}",
        Body=picture.getvalue(),
        ContentType="image/jpeg",
    )
    return project_id


def _path(template: str, project_id: str) -> str:
    values = {"project_id": project_id, "number": "1", "asset_id": "video"}
    path = template
    for name in (part[1:-1] for part in template.split("/") if part.startswith("{")):
        if name not in values:
            pytest.fail(f"{template}: the matrix has no real value for {{{name}}}; add one to _path")
        path = path.replace(f"{{{name}}}", values[name])
    return path


def _executions(cloud: LocalCloud) -> list[str]:
    client = boto3.client("stepfunctions", region_name="us-east-1")
    arn = cloud.state_machines["RenderStateMachine"]
    return [e["name"] for e in client.list_executions(stateMachineArn=arn)["executions"]]


def _without_request_id(result: ApiResult, project_id: str) -> dict[str, Any]:
    error = dict(result.body["error"])
    error.pop("request_id")
    return json.loads(json.dumps(error).replace(project_id, "<id>"))


@pytest.mark.parametrize(("method", "template"), MATRIX, ids=[f"{m} {t}" for m, t in MATRIX])
def test_another_owner_gets_404_and_changes_nothing(
    module_cloud: LocalCloud, started: list[str], method: str, template: str
) -> None:
    # Given: a project of Alice with scenes and an asset; Mallory has a project of her own.
    alice, mallory = ApiCaller(module_cloud, OWNER), ApiCaller(module_cloud, OTHER)
    project_id = _project_with_everything(alice)
    assert mallory.post("/projects", {"title": "Mine", "script": SCRIPT}).status == 201
    path, body = _path(template, project_id), _body(method, template)
    table_before, files_before = table_snapshot(module_cloud), bucket_keys(module_cloud)
    executions_before = _executions(module_cloud)

    # When: Mallory sends the request Alice could send.
    answer = mallory.request(method, path, body)

    # Then: not found, worded as for an id that never existed, and nothing changed anywhere.
    assert (answer.status, (answer.body or {}).get("error", {}).get("code")) == (404, "RESOURCE_NOT_FOUND"), (
        answer.body
    )
    never_existed = uuid.uuid4().hex
    unknown = mallory.request(method, _path(template, never_existed), body)
    assert _without_request_id(answer, project_id) == _without_request_id(unknown, never_existed)
    assert table_snapshot(module_cloud) == table_before
    assert bucket_keys(module_cloud) == files_before
    assert (_executions(module_cloud), started) == (executions_before, [])
    # And the very same request from Alice is accepted: the 404 was about who asked.
    own = alice.request(method, path, body)
    assert 200 <= own.status < 400, (own.status, own.body)


def test_the_matrix_covers_every_project_route_of_the_document() -> None:
    methods = {(m, t) for m, t in MATRIX}

    assert len(MATRIX) == len(methods) >= 9
    assert ("DELETE", "/projects/{project_id}") in methods
    assert ("POST", "/projects/{project_id}/renders") in methods
    assert all("{project_id}" in template for _, template in MATRIX)
