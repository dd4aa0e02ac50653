"""template.yaml's drop folder: retries and dead letters, log retention, and no circular dependency."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.paths import ROOT
from videogen_local.template import Template


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.load(ROOT / "template.yaml")


def _references(node: Any) -> set[str]:
    """The resources a template value refers to (Ref, GetAtt, and ${...} in Sub)."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= _references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
            elif key == "Fn::Sub":
                text, variables = (value[0], value[1]) if isinstance(value, list) else (value, {})
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                found |= _references(variables)
            else:
                found |= _references(value)
    return found


def _depends_on(template: Template, start: str) -> set[str]:
    """Everything ``start`` needs to exist first: its references, theirs, and so on (Globals included)."""
    resources = template.resources
    global_function = template.function_globals()
    seen: set[str] = set()
    pending = [start]
    while pending:
        name = pending.pop()
        resource = resources[name]
        properties = dict(resource.get("Properties") or {})
        if resource["Type"] == "AWS::Serverless::Function":
            # An event source points at the function, not the other way round (SAM builds it that way).
            properties.pop("Events", None)
            properties["__globals__"] = global_function
        for found in _references(properties) | _references(resource.get("DependsOn") or []):
            if found in resources and found not in seen:
                seen.add(found)
                pending.append(found)
    return seen


def test_the_ingest_function_does_not_depend_on_the_bucket_that_notifies_it(template: Template) -> None:
    # The bucket's notification makes the bucket depend on the function: the reverse would be a cycle.
    needs = _depends_on(template, "IngestFunction")

    assert "MediaBucket" not in needs
    assert "RenderStateMachine" not in needs
    # and the fixed names it uses instead are the ones the bucket and the state machine really get
    bucket_name = template.resources["MediaBucket"]["Properties"]["BucketName"]["Fn::Sub"]
    assert bucket_name == template.function_globals()["Environment"]["Variables"]["MEDIA_BUCKET"]["Fn::Sub"]
    machine = template.resources["RenderStateMachine"]["Properties"]["Name"]["Fn::Sub"]
    variables = template.resources["IngestFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["STATE_MACHINE_ARN"]["Fn::Sub"].endswith(f":stateMachine:{machine}")


def test_the_walk_would_find_the_cycle_if_the_function_named_the_state_machine(template: Template) -> None:
    ingest = template.resources["IngestFunction"]
    variables = ingest["Properties"]["Environment"]["Variables"]
    variables["STATE_MACHINE_ARN"], saved = {"Ref": "RenderStateMachine"}, variables["STATE_MACHINE_ARN"]
    try:
        assert "MediaBucket" in _depends_on(template, "IngestFunction")
    finally:
        variables["STATE_MACHINE_ARN"] = saved


def test_failed_ingestion_is_retried_then_dead_lettered(template: Template) -> None:
    config = template.resources["IngestFunction"]["Properties"]["EventInvokeConfig"]

    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["IngestDeadLetterQueue", "Arn"]},
    }
    assert template.resources["IngestDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"


def test_the_ingest_log_group_keeps_logs_for_the_configured_days(template: Template) -> None:
    properties = template.resources["IngestFunctionLogGroup"]["Properties"]

    assert properties["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${IngestFunction}"}
    assert properties["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_the_ingest_function_writes_only_the_outbox_and_a_scripts_music(template: Template) -> None:
    (policy,) = template.resources["IngestFunction"]["Properties"]["Policies"]
    statements = {statement["Sid"]: statement for statement in policy["Statement"]}

    def resources(statement: dict[str, Any]) -> list[str]:
        found = statement["Resource"]
        return [item["Fn::Sub"] for item in (found if isinstance(found, list) else [found])]

    assert statements["ReadInbox"]["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]
    assert [r.rsplit("}", 1)[-1] for r in resources(statements["ReadInbox"])] == ["/inbox/*"]
    assert statements["AnswerInOutbox"]["Action"] == ["s3:PutObject", "s3:DeleteObject"]
    assert [r.rsplit("}", 1)[-1] for r in resources(statements["AnswerInOutbox"])] == ["/outbox/*"]
    # Music: found in the inbox, staged in uploads/ (both listed: a missing key is a 404 only with
    # ListBucket), kept under the project's music/ folder, which is written but never read.
    assert statements["FindMusicBesideScripts"]["Condition"] == {
        "StringLike": {"s3:prefix": ["inbox/*", "uploads/*"]}
    }
    assert [r.rsplit("}", 1)[-1] for r in resources(statements["StageMusic"])] == ["/uploads/*"]
    assert [r.rsplit("}", 1)[-1] for r in resources(statements["AttachMusic"])] == ["/projects/*/music/*"]
    assert statements["AttachMusic"]["Action"] == ["s3:PutObject", "s3:DeleteObject"]
    writers = {
        sid
        for sid, statement in statements.items()
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        if action in {"s3:PutObject", "s3:DeleteObject"}
    }
    assert writers == {"AnswerInOutbox", "StageMusic", "AttachMusic"}
