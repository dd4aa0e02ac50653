"""The web console's deployed form in template.yaml: a private bucket only the distribution reads, a strict
Content-Security-Policy, the Hosted UI's public client sending people back to the distribution, and the
custom resource that publishes the site; read as CloudFormation reads it."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from tests.support.paths import ROOT
from videogen_local.template import Template

TEMPLATE = Template.load(ROOT / "template.yaml")
RESOURCES = TEMPLATE.resources
CONSOLE_RESOURCES = {
    "ConsoleBucket",
    "ConsoleBucketPolicy",
    "ConsoleOriginAccessControl",
    "ConsoleResponseHeadersPolicy",
    "ConsoleDistribution",
    "ConsoleSiteLayer",
    "PublishConsoleFunction",
    "PublishConsoleFunctionLogGroup",
    "PublishConsole",
    "ConsoleUserPoolDomain",
    "ConsoleUserPoolClient",
    "ConsoleLambdaAlarm",
}


def _props(name: str) -> dict[str, Any]:
    return dict(RESOURCES[name]["Properties"])


def _csp(**parameters: str) -> str:
    """The Content-Security-Policy header as deployed, with made-up ids for what CloudFormation names."""
    template = Template.load(ROOT / "template.yaml", stack_name="vg", parameter_overrides=parameters)
    template.physical_ids.update({"VideogenApi": "api123", "ConsoleUserPoolDomain": "vg-123456789012"})
    config = _props("ConsoleResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
    return str(
        template.resolve(config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    )


def _directives(csp: str) -> dict[str, list[str]]:
    found = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def test_every_console_resource_is_under_the_console_condition() -> None:
    assert TEMPLATE.body["Parameters"]["Console"]["AllowedValues"] == ["true", "false"]
    assert TEMPLATE.body["Conditions"]["ConsoleEnabled"] == {"Fn::Equals": [{"Ref": "Console"}, "true"]}
    for name in CONSOLE_RESOURCES:
        assert RESOURCES[name].get("Condition") == "ConsoleEnabled", name
    for output in ("ConsoleUrl", "ConsoleUserPoolClientId"):
        assert TEMPLATE.body["Outputs"][output]["Condition"] == "ConsoleEnabled"


def test_the_csp_allows_no_inline_script_no_eval_and_only_the_hosts_the_console_talks_to() -> None:
    csp = _csp()
    directives = _directives(csp)

    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "\n" not in csp
    media = [
        "https://vg-media-123456789012-us-east-1.s3.amazonaws.com",
        "https://vg-media-123456789012-us-east-1.s3.us-east-1.amazonaws.com",
    ]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:", "blob:", *media]
    assert directives["media-src"] == ["'self'", "blob:", *media]
    assert directives["connect-src"] == [
        "'self'",
        "https://api123.execute-api.us-east-1.amazonaws.com",
        *media,
        "https://vg-123456789012.auth.us-east-1.amazoncognito.com",
    ]
    assert directives["form-action"] == ["'self'", *media]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_the_csp_media_hosts_are_the_media_bucket_and_the_form_presigned_links_take() -> None:
    # The bucket's fixed name (MediaBucket), in the host form botocore presigns (virtual-hosted, global)
    import boto3
    from botocore.config import Config

    bucket = "vg-media-123456789012-us-east-1"
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
        config=Config(signature_version="s3v4"),
    )
    get_url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a"}, ExpiresIn=60)
    post_url = client.generate_presigned_post(bucket, "uploads/a")["url"]
    csp = _directives(_csp())

    assert RESOURCES["MediaBucket"]["Properties"]["BucketName"] == {
        "Fn::Sub": "${AWS::StackName}-media-${AWS::AccountId}-${AWS::Region}"
    }
    for url in (get_url, post_url):
        origin = re.match(r"https://[^/]+", url)
        assert origin is not None
        assert origin.group(0) in csp["media-src"]
        assert origin.group(0) in csp["connect-src"]
    assert re.match(r"https://[^/]+", post_url).group(0) in csp["form-action"]  # type: ignore[union-attr]


def test_the_other_security_headers_are_set() -> None:
    headers = _props("ConsoleResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]

    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"  # the sign-in code travels in the URL
    assert all(header["Override"] is True for header in headers.values())


def test_the_console_bucket_is_private_and_encrypted() -> None:
    bucket = _props("ConsoleBucket")

    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert "WebsiteConfiguration" not in bucket
    assert "AccessControl" not in bucket


def test_only_the_distribution_reads_the_bucket_through_its_origin_access_control() -> None:
    policy = _props("ConsoleBucketPolicy")
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}

    assert policy["Bucket"] == {"Ref": "ConsoleBucket"}
    assert statements["DenyInsecureTransport"]["Effect"] == "Deny"
    allows = [s for s in statements.values() if s["Effect"] == "Allow"]
    assert allows == [statements["OnlyTheConsoleDistributionReads"]]
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Condition"]["StringEquals"]["AWS:SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ConsoleDistribution}"
    }
    oac = _props("ConsoleOriginAccessControl")["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    (origin,) = _props("ConsoleDistribution")["DistributionConfig"]["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]}
    assert origin["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}


def test_the_distribution_serves_the_page_over_https_with_the_headers_policy() -> None:
    config = _props("ConsoleDistribution")["DistributionConfig"]
    behaviour = config["DefaultCacheBehavior"]

    assert config["DefaultRootObject"] == "index.html"
    assert config["HttpVersion"] == "http2and3"
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["Compress"] is True
    assert behaviour["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"  # Managed-CachingOptimized
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "ConsoleResponseHeadersPolicy"}
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]


def test_the_console_client_is_public_code_flow_and_returns_to_the_distribution() -> None:
    client = _props("ConsoleUserPoolClient")
    console_root = {"Fn::Sub": "https://${ConsoleDistribution.DomainName}/"}

    assert client["UserPoolId"] == {"Ref": "UserPool"}
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthScopes"] == ["openid", "email", "profile"]
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert client["CallbackURLs"] == [console_root]
    assert client["LogoutURLs"] == [console_root]
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert TEMPLATE.body["Outputs"]["ConsoleUrl"]["Value"] == console_root
    # The API's authorizer is the pool's, whatever the client: the console's ID tokens are accepted.
    authorizer = _props("VideogenApi")["Auth"]["Authorizers"]["CognitoAuthorizer"]
    assert authorizer == {"UserPoolArn": {"Fn::GetAtt": ["UserPool", "Arn"]}}


@pytest.mark.parametrize(("prefix", "expected"), [("", "vg-123456789012"), ("my-videos", "my-videos")])
def test_the_hosted_ui_domain_is_the_parameter_or_stack_and_account(prefix: str, expected: str) -> None:
    template = Template.load(
        ROOT / "template.yaml", stack_name="vg", parameter_overrides={"ConsoleDomainPrefix": prefix}
    )
    pattern = TEMPLATE.body["Parameters"]["ConsoleDomainPrefix"]["AllowedPattern"]

    assert template.resolve(_props("ConsoleUserPoolDomain")["Domain"]) == expected
    assert re.fullmatch(pattern, prefix)
    assert not re.fullmatch(pattern, "Has_Upper")


def test_the_media_bucket_lets_the_console_origin_read_and_upload_only_with_the_console() -> None:
    cors = _props("MediaBucket")["CorsConfiguration"]
    condition, rules, otherwise = cors["Fn::If"]
    (rule,) = rules["CorsRules"]

    assert condition == "ConsoleEnabled"
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert sorted(rule["AllowedMethods"]) == ["GET", "HEAD", "POST"]
    # The API's own allowed origin: one parameter says which page may call both.
    assert rule["AllowedOrigins"] == [{"Ref": "CorsAllowOrigin"}]
    assert rule["AllowedHeaders"] == ["*"]
    assert "ETag" in rule["ExposedHeaders"]
    assert rule["MaxAge"] > 0


def _references(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref":
                found.add(str(item))
            elif key == "Fn::GetAtt":
                found.add(item[0] if isinstance(item, list) else str(item).split(".")[0])
            elif key == "Fn::Sub":
                text, variables = (item[0], item[1]) if isinstance(item, list) else (item, {})
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                found |= _references(variables)
            else:
                found |= _references(item)
    elif isinstance(value, list):
        for item in value:
            found |= _references(item)
    return found


def _dependencies(body: dict[str, Any]) -> dict[str, set[str]]:
    """What each resource needs first, as CloudFormation sees it after SAM's transform: its references
    and DependsOn, a function's Globals, an API's functions (SAM's integrations name them), and a bucket's
    notified functions (SAM puts the notification on the bucket)."""
    resources = body["Resources"]
    globals_ = (body.get("Globals") or {}).get("Function") or {}
    needs: dict[str, set[str]] = {}
    for name, resource in resources.items():
        properties = dict(resource.get("Properties") or {})
        depends = resource.get("DependsOn") or []
        found = _references(properties) | _references(depends if isinstance(depends, list) else [depends])
        if resource["Type"] == "AWS::Serverless::Function":
            events = properties.pop("Events", None) or {}
            found = _references(properties) | _references(globals_)
            for event in events.values():
                target = (event.get("Properties") or {}).get("RestApiId") or (
                    event.get("Properties") or {}
                ).get("Bucket")
                if isinstance(target, dict) and "Ref" in target:
                    needs.setdefault(target["Ref"], set()).add(name)
        needs.setdefault(name, set()).update(found & set(resources))
    return needs


def _cycle(needs: dict[str, set[str]]) -> list[str]:
    """A dependency cycle (names in order), or [] when there is none."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for other in sorted(needs.get(name, ())):
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        state[name] = 2
        path.pop()
        return []

    for name in sorted(needs):
        if name not in state and (found := visit(name)):
            return found
    return []


def test_the_template_has_no_dependency_cycle() -> None:
    # cfn-lint and sam validate do not see cycles SAM's transform makes; CloudFormation refuses them.
    assert _cycle(_dependencies(TEMPLATE.body)) == []


def test_the_cycle_check_finds_the_one_a_distribution_origin_in_the_media_cors_would_make() -> None:
    # The media bucket's CORS naming the distribution: MediaBucket -> ConsoleDistribution -> its CSP's API
    # -> ApiFunction (the API's integration) -> MediaBucket (its policies). Why CorsAllowOrigin is used.
    body = copy.deepcopy(TEMPLATE.body)
    cors = body["Resources"]["MediaBucket"]["Properties"]["CorsConfiguration"]["Fn::If"][1]
    cors["CorsRules"][0]["AllowedOrigins"] = [{"Fn::Sub": "https://${ConsoleDistribution.DomainName}"}]

    cycle = _cycle(_dependencies(body))

    assert {"MediaBucket", "ConsoleDistribution", "VideogenApi", "ApiFunction"} <= set(cycle)


def test_the_custom_resource_republishes_when_the_site_or_what_config_json_names_changes() -> None:
    resource = RESOURCES["PublishConsole"]
    props = resource["Properties"]

    assert resource["Type"].startswith("Custom::")
    assert props["ServiceToken"] == {"Fn::GetAtt": ["PublishConsoleFunction", "Arn"]}
    assert 0 < int(props["ServiceTimeout"]) <= 900
    assert props["SiteVersion"] == {"Ref": "ConsoleSiteLayer"}
    assert props["BucketName"] == {"Ref": "ConsoleBucket"}
    assert props["ClientId"] == {"Ref": "ConsoleUserPoolClient"}
    assert props["ConsoleUrl"] == {"Fn::Sub": "https://${ConsoleDistribution.DomainName}/"}
    assert props["ApiBase"] == {
        "Fn::Sub": "https://${VideogenApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v1"
    }
    # Its log group exists before the first invocation could create one without a retention
    assert resource["DependsOn"] == "PublishConsoleFunctionLogGroup"
    function = _props("PublishConsoleFunction")
    assert function["Layers"] == [{"Ref": "ConsoleSiteLayer"}]
    assert function["Environment"]["Variables"]["CONSOLE_SITE_DIR"] == "/opt/site"
    assert _props("ConsoleSiteLayer")["ContentUri"] == "layers/console/"
    assert (ROOT / "layers" / "console" / "site" / "index.html").is_file()
    assert "site" in (ROOT / "layers" / "console" / "Makefile").read_text(encoding="utf-8")
