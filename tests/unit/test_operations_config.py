"""Operations in template.yaml and samconfig.toml: alarms and their topic, the dashboard, backups (PITR,
versioning, lifecycle, TTL), abuse limits (WAF, sign-up, paid providers, traces), per-environment settings;
read as CloudFormation reads them."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any, get_args

import pytest

from tests.support.paths import ROOT
from videogen.api.models import ErrorResponse
from videogen.config import Config
from videogen.logic.entitlements import PAID_PROVIDERS_GROUP
from videogen_local.template import Template

TEMPLATE = Template.load(ROOT / "template.yaml")
RESOURCES = TEMPLATE.resources
PARAMETERS: dict[str, dict[str, Any]] = TEMPLATE.body["Parameters"]
SAMCONFIG = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
FUNCTIONS = sorted(TEMPLATE.resources_of_type("AWS::Serverless::Function"))
UNCONDITIONAL_FUNCTIONS = [name for name in FUNCTIONS if "Condition" not in RESOURCES[name]]


def _alarms() -> dict[str, dict[str, Any]]:
    return {
        name: res["Properties"] for name, res in TEMPLATE.resources_of_type("AWS::CloudWatch::Alarm").items()
    }


def _metrics_of(alarm: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(namespace, metric name, dimensions) of every metric an alarm watches."""
    if "MetricName" in alarm:
        dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}
        return [(alarm["Namespace"], alarm["MetricName"], dimensions)]
    found = []
    for query in alarm["Metrics"]:
        if "MetricStat" in query:
            metric = query["MetricStat"]["Metric"]
            dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            found.append((metric["Namespace"], metric["MetricName"], dimensions))
    return found


@pytest.mark.parametrize(
    ("namespace", "metric"),
    [
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/States", "ExecutionsFailed"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    ],
)
def test_an_alarm_watches_each_operational_signal(namespace: str, metric: str) -> None:
    watched = {(ns, name) for alarm in _alarms().values() for ns, name, _ in _metrics_of(alarm)}

    assert (namespace, metric) in watched


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_lambda_alarms_cover_every_function(metric: str) -> None:
    functions = {
        dimensions["FunctionName"]["Ref"]
        for alarm in _alarms().values()
        for ns, name, dimensions in _metrics_of(alarm)
        if (ns, name) == ("AWS/Lambda", metric)
    }

    assert functions == set(FUNCTIONS)


def test_the_dlq_alarms_watch_every_dead_letter_queue() -> None:
    queues = [
        dimensions["QueueName"]
        for alarm in _alarms().values()
        for ns, _, dimensions in _metrics_of(alarm)
        if ns == "AWS/SQS"
    ]

    dead_letter = sorted(
        name for name in TEMPLATE.resources_of_type("AWS::SQS::Queue") if "DeadLetter" in name
    )
    assert dead_letter == ["IngestDeadLetterQueue", "WebhookDeadLetterQueue"]
    assert sorted(queues, key=str) == [{"Fn::GetAtt": [name, "QueueName"]} for name in dead_letter]


def test_every_alarm_notifies_the_topic_when_firing_and_recovering() -> None:
    for name, alarm in _alarms().items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["OKActions"] == [{"Ref": "AlarmTopic"}], name
    subscription = RESOURCES["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Protocol"] == "email"


def test_api_alarms_and_dashboard_find_the_api_by_its_name() -> None:
    api_name = RESOURCES["VideogenApi"]["Properties"]["Name"]
    names = {
        json.dumps(dimensions["ApiName"])
        for alarm in _alarms().values()
        for ns, _, dimensions in _metrics_of(alarm)
        if ns == "AWS/ApiGateway"
    }

    assert names == {json.dumps(api_name)}


def test_the_dashboard_is_valid_json_showing_each_signal() -> None:
    template = Template.load(ROOT / "template.yaml")
    for name in ["RenderStateMachine", "IngestDeadLetterQueue", *FUNCTIONS]:
        template.physical_ids[name] = f"physical-{name}"
    template.attributes[("IngestDeadLetterQueue", "QueueName")] = "dlq"
    template.attributes[("WebhookDeadLetterQueue", "QueueName")] = "webhook-dlq"
    body = json.loads(template.resolve(RESOURCES["OperationsDashboard"]["Properties"]["DashboardBody"]))

    shown = json.dumps(body)
    for signal in [
        '"Count"',
        '"5XXError"',
        '"p99"',
        "RendersSucceeded",
        "RendersFailed",
        "ExecutionsFailed",
        "ApproximateNumberOfMessagesVisible",
        "RenderDuration",
        "VideoSecondsProduced",
        "ImagesGenerated",
        "ImagesCached",
        "ProviderLatency",
        "ProviderThrottles",
        "WebhooksDelivered",
        "WebhooksDeadLettered",
        "webhook-dlq",
    ]:
        assert signal in shown, signal
    for function in UNCONDITIONAL_FUNCTIONS:
        assert shown.count(f"physical-{function}") == 2, function  # errors and throttles


def test_a_function_under_a_condition_is_watched_by_an_alarm_under_the_same_condition() -> None:
    # The dashboard is always there, so it cannot name a function a parameter may leave out (PublishConsole,
    # which runs only during deploys): an alarm with the function's own condition watches it instead.
    conditional = {name: RESOURCES[name]["Condition"] for name in FUNCTIONS if "Condition" in RESOURCES[name]}
    assert conditional == {"PublishConsoleFunction": "ConsoleEnabled"}
    for function, condition in conditional.items():
        watching = [
            name
            for name, resource in TEMPLATE.resources_of_type("AWS::CloudWatch::Alarm").items()
            if any(
                dimensions.get("FunctionName") == {"Ref": function}
                for _, _, dimensions in _metrics_of(resource["Properties"])
            )
        ]
        assert watching, function
        assert all(RESOURCES[name].get("Condition") == condition for name in watching), function


def test_backups_pitr_versioning_lifecycle_and_ttl() -> None:
    table = RESOURCES["VideogenTable"]["Properties"]
    bucket = RESOURCES["MediaBucket"]["Properties"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}

    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert rules["AbortIncompleteMultipartUploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": 1
    }
    assert rules["ExpireNoncurrentVersions"]["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": {"Ref": "NoncurrentVersionRetentionDays"}
    }
    assert all(rule["Status"] == "Enabled" for rule in rules.values())


def test_callers_sign_in_with_cognito_and_no_usage_plan_meters_keys_nobody_sends() -> None:
    auth = RESOURCES["VideogenApi"]["Properties"]["Auth"]
    stage = RESOURCES["VideogenApi"]["Properties"]["MethodSettings"][0]

    assert auth["DefaultAuthorizer"] == "CognitoAuthorizer"
    assert "ApiKeyRequired" not in auth
    assert "UsagePlan" not in auth
    # Everyone together: a backstop for the account's Lambda concurrency (one caller: the WAF rule).
    assert stage["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}


def test_waf_answers_an_address_over_its_rate_with_429_in_the_error_envelope() -> None:
    acl = RESOURCES["ApiWebAcl"]
    association = RESOURCES["ApiWebAclAssociation"]
    (rule,) = acl["Properties"]["Rules"]
    response = rule["Action"]["Block"]["CustomResponse"]
    body = json.loads(acl["Properties"]["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])

    assert acl["Condition"] == association["Condition"] == "WafEnabled"
    assert PARAMETERS["EnableWaf"]["Default"] == "true"
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert rule["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "Limit": {"Ref": "WafRateLimitPer5Min"},
        "EvaluationWindowSec": 300,
    }
    assert response["ResponseCode"] == 429
    assert {header["Name"] for header in response["ResponseHeaders"]} == {
        "Retry-After",
        "Access-Control-Allow-Origin",
    }
    assert ErrorResponse.model_validate(body).error.code == "RATE_LIMITED"
    # The stage SAM creates for StageName v1, which must exist before WAF is associated with it.
    assert RESOURCES["VideogenApi"]["Properties"]["StageName"] == "v1"
    assert association["DependsOn"] == "VideogenApiv1Stage"
    assert association["Properties"]["ResourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${VideogenApi}/stages/v1"
    }


@pytest.mark.parametrize(
    ("allow_self_sign_up", "admin_only"), [(None, True), ("false", True), ("true", False)]
)
def test_only_administrators_create_accounts_unless_sign_up_is_opened(
    allow_self_sign_up: str | None, admin_only: bool
) -> None:
    overrides = {"AllowSelfSignUp": allow_self_sign_up} if allow_self_sign_up else {}
    template = Template.load(ROOT / "template.yaml", parameter_overrides=overrides)
    config = template.resources["UserPool"]["Properties"]["AdminCreateUserConfig"]

    assert template.resolve(config["AllowAdminCreateUserOnly"]) is admin_only


def test_paid_providers_are_for_the_group_the_api_checks_by_default() -> None:
    group = RESOURCES["PaidProvidersGroup"]["Properties"]
    variables = TEMPLATE.function_globals()["Environment"]["Variables"]

    assert group["GroupName"] == PAID_PROVIDERS_GROUP
    assert group["UserPoolId"] == {"Ref": "UserPool"}
    assert PARAMETERS["PaidProviders"]["Default"] == "group"
    assert PARAMETERS["PaidProviders"]["AllowedValues"] == list(
        get_args(Config.model_fields["paid_providers"].annotation)
    )
    assert variables["PAID_PROVIDERS"] == {"Ref": "PaidProviders"}


def test_traces_record_errors_but_not_what_handlers_return() -> None:
    variables = TEMPLATE.function_globals()["Environment"]["Variables"]

    # Answers carry scripts and presigned URLs; an exception is still recorded (Powertools' default).
    assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    assert "POWERTOOLS_TRACER_CAPTURE_ERROR" not in variables


def test_limits_and_providers_reach_every_function_as_settings() -> None:
    variables = TEMPLATE.function_globals()["Environment"]["Variables"]

    assert variables["MAX_RUNNING_RENDERS_PER_OWNER"] == {"Ref": "MaxRunningRendersPerOwner"}
    assert variables["MAX_RENDERS_PER_DAY_PER_OWNER"] == {"Ref": "MaxRendersPerDayPerOwner"}
    assert variables["STABILITY_API"] == {"Ref": "StabilityApi"}
    assert variables["BEDROCK_MODEL_ID"] == {"Ref": "BedrockModelId"}
    # Without a DSN the variable is absent, so sentry_sdk is never imported.
    assert variables["SENTRY_DSN"] == {
        "Fn::If": ["HasSentryDsn", {"Ref": "SentryDsn"}, {"Ref": "AWS::NoValue"}]
    }
    for name in variables:
        if name.isupper() and not name.startswith(("POWERTOOLS_", "LOG_", "CORS_")) and name != "ENVIRONMENT":
            assert name.lower() in Config.model_fields, name


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_samconfig_environment_deploys_a_valid_stack(environment: str) -> None:
    deploy = SAMCONFIG[environment]["deploy"]["parameters"]
    overrides = dict(item.split("=", 1) for item in deploy["parameter_overrides"])

    assert re.fullmatch(r"[a-z][a-z0-9-]{0,33}", deploy["stack_name"])
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["resolve_s3"] is True
    assert overrides["Environment"] == environment
    for name, value in overrides.items():
        spec = PARAMETERS[name]
        if "AllowedValues" in spec:
            assert value in [str(allowed) for allowed in spec["AllowedValues"]], name
        if "MinValue" in spec:
            assert float(value) >= spec["MinValue"], name
        if "MaxValue" in spec:
            assert float(value) <= spec["MaxValue"], name


def test_production_keeps_more_and_confirms_its_changes() -> None:
    dev = dict(item.split("=", 1) for item in SAMCONFIG["dev"]["deploy"]["parameters"]["parameter_overrides"])
    prod = dict(
        item.split("=", 1) for item in SAMCONFIG["prod"]["deploy"]["parameters"]["parameter_overrides"]
    )

    assert int(prod["LogRetentionDays"]) > int(dev["LogRetentionDays"])
    assert int(prod["NoncurrentVersionRetentionDays"]) > int(dev["NoncurrentVersionRetentionDays"])
    assert SAMCONFIG["prod"]["deploy"]["parameters"]["confirm_changeset"] is True
