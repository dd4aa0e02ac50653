"""Least privilege you can read: every IAM statement in template.yaml names its actions and its resources.

The rules, checked on every function, state machine, role and policy of the template:

1. No wildcard action: an Allow names every action (no ``*``, ``s3:*`` or ``s3:Put*``), and no NotAction
   or NotResource.
2. No SAM policy template or AWS managed policy that grants a service's data wholesale: names ending in
   ``CrudPolicy``, ``FullAccessPolicy``, ``ReadPolicy`` or ``WritePolicy`` (S3ReadPolicy reads every
   object of the bucket, DynamoDBReadPolicy scans the table), or containing ``FullAccess``. Templates
   scoped to one resource (LambdaInvokePolicy, StepFunctionsExecutionPolicy) are allowed.
3. No S3 write (Put*, Delete*, Abort*, Restore*, Replicate*, Create*, Update*) on the whole bucket: the
   bucket itself or an object pattern that starts with ``*``; writes name a prefix (projects/*/images/*,
   outbox/*, ...).
4. SSM: a parameter ARN without a wildcard (the one parameter the function reads).
5. ``Resource: "*"`` only for actions IAM cannot scope to a resource (UNSCOPED_ACTIONS).
6. Every inline statement of a function or state machine has a Sid, so a policy reads as a list of
   purposes.

Each rule is also tried on a small bad fragment, so a rule that stopped catching anything would fail here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from tests.support.paths import ROOT
from videogen.domain.layout import INTERMEDIATE_TAGS
from videogen_local.template import Template

TEMPLATE = Template.load(ROOT / "template.yaml")

#: Actions that have no resource to name (or none when used as videogen uses them): ``Resource: "*"`` is
#: their only form. Step Functions' log delivery (CloudWatch Logs vended logs) and Polly speech without
#: lexicons.
UNSCOPED_ACTIONS = frozenset(
    {
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
        "polly:SynthesizeSpeech",
    }
)
_WHOLESALE = re.compile(r"(CrudPolicy|FullAccessPolicy|ReadPolicy|WritePolicy)$|FullAccess")
_S3_WRITE = re.compile(r"^s3:(Put|Delete|Abort|Restore|Replicate|Create|Update)")
_POLICY_HOLDERS = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")


# ------------------------------------------------------------------ reading the policies


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _texts(value: Any) -> list[str]:
    """Every string a resource expression may become, with references kept as ``${Name}`` or
    ``${Resource.Attribute}`` (both branches of an ``Fn::If``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Fn::Sub":
            return [arg[0] if isinstance(arg, list) else arg]
        if key == "Fn::GetAtt":
            return ["${" + ".".join(arg if isinstance(arg, list) else [arg]) + "}"]
        if key == "Ref":
            return ["${" + arg + "}"]
        if key == "Fn::If":
            return [text for branch in arg[1:] for text in _texts(branch)]
        if key == "Fn::Join":
            separator, items = arg
            return [separator.join(text for item in items for text in _texts(item)[:1])]
    return [str(value)]


def _statements(resource: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every IAM statement a resource grants, and whether it is a SAM inline statement (needs a Sid)."""
    props = resource.get("Properties") or {}
    kind = resource.get("Type")
    if kind in _POLICY_HOLDERS:
        for entry in _as_list(props.get("Policies")):
            if isinstance(entry, dict) and "Statement" in entry:
                for statement in _as_list(entry["Statement"]):
                    yield statement, True
    elif kind == "AWS::IAM::Role":
        for policy in _as_list(props.get("Policies")):
            for statement in _as_list((policy.get("PolicyDocument") or {}).get("Statement")):
                yield statement, False
    elif kind in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}:
        for statement in _as_list((props.get("PolicyDocument") or {}).get("Statement")):
            yield statement, False


def _named_policies(resource: Mapping[str, Any]) -> Iterator[str]:
    """The SAM policy templates and managed policies a resource attaches, by name (or ARN)."""
    props = resource.get("Properties") or {}
    if resource.get("Type") in _POLICY_HOLDERS:
        for entry in _as_list(props.get("Policies")):
            if isinstance(entry, dict) and "Statement" not in entry:
                yield from entry
            elif not isinstance(entry, dict):
                yield from _texts(entry)
    if resource.get("Type") == "AWS::IAM::Role":
        for arn in _as_list(props.get("ManagedPolicyArns")):
            yield from _texts(arn)


#: Buckets that hold one thing their one writer publishes whole: (bucket, writer). The console bucket is
#: the site and nothing else, so PublishConsole writes and deletes anywhere in it (rule 3 does not apply);
#: no other function may.
SITE_BUCKETS = {("ConsoleBucket", "PublishConsoleFunction")}
_BUCKET_ARN = re.compile(r"^\$\{(\w*Bucket)\.Arn\}")


def _object_key(resource: str) -> str | None:
    """The object pattern of an S3 ARN (``projects/*/images/*``); None for the bucket itself."""
    normalized = _BUCKET_ARN.sub(r"arn:aws:s3:::${\1}", resource)
    _, _, rest = normalized.partition(":s3:::")
    _bucket, slash, key = rest.partition("/")
    return key if slash else None


def _is_s3(resource: str) -> bool:
    return ":s3:::" in resource or bool(_BUCKET_ARN.match(resource))


def _site_bucket_of(name: str, target: str) -> bool:
    """Whether ``target`` is in a bucket that ``name`` publishes whole (SITE_BUCKETS)."""
    match = _BUCKET_ARN.match(target)
    return bool(match) and (match.group(1) if match else "", name) in SITE_BUCKETS


def policy_problems(resources: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What breaks the rules above, one line per problem (empty when nothing does)."""
    problems: list[str] = []
    for name, resource in resources.items():
        for policy in _named_policies(resource):
            if _WHOLESALE.search(policy.rsplit("/", 1)[-1]):
                problems.append(f"{name}: {policy} grants a service's data wholesale")
        for statement, inline in _statements(resource):
            where = f"{name}/{statement.get('Sid', '?')}"
            if inline and not statement.get("Sid"):
                problems.append(f"{where}: a statement without a Sid")
            if statement.get("Effect") != "Allow":
                continue
            if "NotAction" in statement or "NotResource" in statement:
                problems.append(f"{where}: NotAction/NotResource grants all but a list")
            actions = [str(action) for action in _as_list(statement.get("Action"))]
            targets = _texts(statement.get("Resource"))
            for action in actions:
                if "*" in action:
                    problems.append(f"{where}: wildcard action {action}")
                if "*" in targets and action not in UNSCOPED_ACTIONS:
                    problems.append(f"{where}: {action} on Resource '*'")
                if _S3_WRITE.match(action):
                    for target in targets:
                        if _site_bucket_of(name, target):
                            continue
                        key = _object_key(target) if _is_s3(target) else ""
                        if key is None or (key and key.startswith("*")):
                            problems.append(f"{where}: {action} on the whole bucket ({target})")
                if action.startswith("ssm:") or any(":ssm:" in target for target in targets):
                    problems.extend(f"{where}: {action} on {t}" for t in targets if "*" in t)
    return problems


# ------------------------------------------------------------------ the template


def test_every_statement_names_its_actions_and_resources() -> None:
    assert policy_problems(TEMPLATE.resources) == []


def test_every_function_has_a_policy_of_its_own() -> None:
    for name, resource in TEMPLATE.resources_of_type("AWS::Serverless::Function").items():
        statements = [statement for statement, _ in _statements(resource)]
        assert statements, f"{name} has no statement (it would get SAM's defaults only)"


def test_the_stability_key_is_read_from_exactly_its_parameter() -> None:
    function = TEMPLATE.resources["GenerateImageFunction"]
    ssm = [
        s for s, _ in _statements(function) if any(str(a).startswith("ssm:") for a in _as_list(s["Action"]))
    ]
    parameter = TEMPLATE.body["Parameters"]["StabilityApiKeyParameter"]

    assert [s["Action"] for s in ssm] == ["ssm:GetParameter"]
    assert _texts(ssm[0]["Resource"]) == [
        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${StabilityApiKeyParameter}"
    ]
    # A parameter name starts with '/', which is why the ARN has none after "parameter".
    assert parameter["AllowedPattern"].startswith("^/")


@pytest.mark.parametrize(
    "function", ["RenderSegmentFunction", "MixAudioFunction", "ConcatVideoFunction", "InspectMusicFunction"]
)
def test_ffmpeg_functions_never_write_and_only_the_check_reads_uploads(function: str) -> None:
    """ffmpeg runs on files users chose: assembly reads only checked music (projects/*/music/*),
    InspectMusic only the upload it checks; none can change anything a user uploaded, and assembly
    writes only a render's files and segments."""
    statements = [s for s, _ in _statements(TEMPLATE.resources[function])]
    reads_uploads = any("/uploads/" in t for s in statements for t in _texts(s.get("Resource")))
    writes = {
        t
        for s in statements
        for a in _as_list(s["Action"])
        if _S3_WRITE.match(str(a))
        for t in _texts(s.get("Resource"))
    }

    assert reads_uploads == (function == "InspectMusicFunction")
    assert all("/renders/" in target or "/segments/" in target for target in writes), writes


def test_the_console_publisher_touches_only_the_console_bucket() -> None:
    statements = [s for s, _ in _statements(TEMPLATE.resources["PublishConsoleFunction"])]
    targets = {t for s in statements for t in _texts(s.get("Resource"))}
    actions = {str(a) for s in statements for a in _as_list(s["Action"])}

    assert targets == {"${ConsoleBucket.Arn}/*", "${ConsoleBucket.Arn}"}
    assert actions == {
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:ListBucket",
        "s3:ListBucketVersions",
    }
    # and no other function may touch the console bucket at all
    for name, resource in TEMPLATE.resources_of_type(*_POLICY_HOLDERS).items():
        if name != "PublishConsoleFunction":
            others = [t for s, _ in _statements(resource) for t in _texts(s.get("Resource"))]
            assert not any("ConsoleBucket" in t for t in others), name


# ------------------------------------------------------------------ the checker catches what it should


def _function(*entries: Any) -> dict[str, Any]:
    return {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Policies": list(entries)}}}


def _allow(action: Any, resource: Any, sid: str | None = "Sid1") -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if sid:
        statement["Sid"] = sid
    return {"Statement": [statement]}


BUCKET_OBJECTS = {"Fn::Sub": "${MediaBucket.Arn}/*"}
FIXED_NAME_OBJECTS = {"Fn::Sub": "arn:${AWS::Partition}:s3:::${AWS::StackName}-media-${AWS::AccountId}/*"}


@pytest.mark.parametrize(
    ("fragment", "problem"),
    [
        (_function(_allow("*", "*")), "wildcard action *"),
        (_function(_allow("s3:*", {"Fn::Sub": "${MediaBucket.Arn}/projects/*"})), "wildcard action s3:*"),
        (_function(_allow("s3:Put*", {"Fn::Sub": "${MediaBucket.Arn}/outbox/*"})), "wildcard action s3:Put*"),
        (_function({"S3CrudPolicy": {"BucketName": {"Ref": "MediaBucket"}}}), "S3CrudPolicy"),
        (_function({"DynamoDBCrudPolicy": {"TableName": {"Ref": "T"}}}), "DynamoDBCrudPolicy"),
        (_function({"S3ReadPolicy": {"BucketName": {"Ref": "MediaBucket"}}}), "S3ReadPolicy"),
        (_function({"DynamoDBReadPolicy": {"TableName": {"Ref": "T"}}}), "DynamoDBReadPolicy"),
        (_function("AmazonS3FullAccess"), "AmazonS3FullAccess"),
        (_function(_allow("s3:PutObject", BUCKET_OBJECTS)), "s3:PutObject on the whole bucket"),
        (_function(_allow(["s3:DeleteObject"], [FIXED_NAME_OBJECTS])), "s3:DeleteObject on the whole bucket"),
        # Only its publisher may write the whole console bucket (Fn here is not PublishConsoleFunction).
        (
            _function(_allow("s3:PutObject", {"Fn::Sub": "${ConsoleBucket.Arn}/*"})),
            "s3:PutObject on the whole bucket",
        ),
        (
            _function(_allow("s3:PutLifecycleConfiguration", {"Fn::GetAtt": ["MediaBucket", "Arn"]})),
            "s3:PutLifecycleConfiguration on the whole bucket",
        ),
        (
            _function(
                _allow(
                    "s3:PutObject",
                    {"Fn::If": ["C", {"Fn::Sub": "${MediaBucket.Arn}/outbox/*"}, BUCKET_OBJECTS]},
                )
            ),
            "on the whole bucket",
        ),
        (
            _function(
                _allow(
                    "ssm:GetParameter",
                    {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/vg/*"},
                )
            ),
            "ssm:GetParameter on arn:",
        ),
        (_function(_allow("dynamodb:GetItem", "*")), "dynamodb:GetItem on Resource '*'"),
        (
            _function(_allow("s3:GetObject", {"Fn::Sub": "${MediaBucket.Arn}/projects/*"}, sid=None)),
            "without a Sid",
        ),
        (
            _function(
                {"Statement": [{"Sid": "All", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
            ),
            "NotAction/NotResource",
        ),
        (
            {
                "Role": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "Policies": [
                            {
                                "PolicyDocument": {
                                    "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]
                                }
                            }
                        ]
                    },
                }
            },
            "wildcard action sqs:*",
        ),
    ],
)
def test_the_checker_catches_a_bad_fragment(fragment: dict[str, Any], problem: str) -> None:
    found = policy_problems(fragment)

    assert any(problem in line for line in found), found


def test_the_checker_passes_statements_that_name_prefixes() -> None:
    fragment = _function(
        _allow(["s3:GetObject", "s3:PutObject"], {"Fn::Sub": "${MediaBucket.Arn}/projects/*/images/*"}),
        _allow("s3:DeleteObject", {"Fn::Sub": "arn:${AWS::Partition}:s3:::${AWS::StackName}-media/outbox/*"}),
        _allow("s3:ListBucket", {"Fn::GetAtt": ["MediaBucket", "Arn"]}),
        _allow("polly:SynthesizeSpeech", "*"),
        {"LambdaInvokePolicy": {"FunctionName": {"Ref": "Other"}}},
        # A Deny may be as broad as it likes.
        {"Statement": [{"Sid": "NoPlainHttp", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]},
    )

    assert policy_problems(fragment) == []


def test_the_intermediate_files_tag_is_the_one_a_lifecycle_rule_expires() -> None:
    """Segments, plans and soundtracks are tagged by videogen.domain.layout; the bucket expires exactly
    that tag, so a failed render's fragments do not stay."""

    rules = TEMPLATE.resources["MediaBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    expiring = [rule for rule in rules if rule.get("TagFilters")]

    assert len(expiring) == 1
    assert {item["Key"]: item["Value"] for item in expiring[0]["TagFilters"]} == INTERMEDIATE_TAGS
    assert expiring[0]["Status"] == "Enabled"
    assert expiring[0]["ExpirationInDays"] == {"Ref": "IntermediateRetentionDays"}
