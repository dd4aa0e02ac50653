"""The console's config.json model and the publisher's plan: pure, no S3."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from videogen.domain.console import (
    CACHE_CONTROL,
    CONFIG_FILE,
    ConsoleConfig,
    cognito_config,
    content_type,
    plan_publish,
)


def test_the_local_config_is_what_videogen_serve_gives_the_console() -> None:
    assert json.loads(ConsoleConfig.local().to_json()) == {"api_base": "/v1", "auth": {"kind": "local"}}


def test_the_deployed_config_names_the_hosted_ui_endpoints_and_the_console_root() -> None:
    config = cognito_config(
        api_base="https://abc.execute-api.eu-west-1.amazonaws.com/v1/",
        hosted_ui="https://vg-1.auth.eu-west-1.amazoncognito.com",
        client_id="c1",
        console_url="https://d1.cloudfront.net",
    )

    assert json.loads(config.to_json()) == {
        "api_base": "https://abc.execute-api.eu-west-1.amazonaws.com/v1",
        "auth": {
            "kind": "cognito",
            "authorize_url": "https://vg-1.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
            "token_url": "https://vg-1.auth.eu-west-1.amazoncognito.com/oauth2/token",
            "logout_url": "https://vg-1.auth.eu-west-1.amazoncognito.com/logout",
            "client_id": "c1",
            "redirect_uri": "https://d1.cloudfront.net/",
            "scopes": ["openid", "email", "profile"],
        },
    }


def test_a_config_with_an_unknown_auth_kind_or_field_is_refused() -> None:
    with pytest.raises(ValidationError):
        ConsoleConfig.model_validate({"api_base": "/v1", "auth": {"kind": "password"}})
    with pytest.raises(ValidationError):
        ConsoleConfig.model_validate({"api_base": "/v1", "auth": {"kind": "local"}, "debug": True})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("assets/app.js", "text/javascript; charset=utf-8"),
        ("assets/pkce.js", "text/javascript; charset=utf-8"),
        ("assets/app.css", "text/css; charset=utf-8"),
        ("assets/logo.SVG", "image/svg+xml"),
        ("assets/font.woff2", "font/woff2"),
        ("config.json", "application/json"),
        ("assets/data.bin", "application/octet-stream"),
        ("LICENSE", "application/octet-stream"),
    ],
)
def test_each_file_is_served_with_its_content_type(path: str, expected: str) -> None:
    assert content_type(path) == expected


def test_the_plan_writes_every_file_then_the_config_and_deletes_what_the_site_lost() -> None:
    plan = plan_publish(
        ["index.html", "assets/app.js", "config.json"], ["index.html", "assets/old.js", "config.json"]
    )

    assert [upload.key for upload in plan.uploads] == ["assets/app.js", "index.html", CONFIG_FILE]
    assert {upload.cache_control for upload in plan.uploads} == {CACHE_CONTROL}
    assert plan.stale == ("assets/old.js",)


@pytest.mark.parametrize("path", ["/etc/passwd", "assets/../../x", ""])
def test_the_plan_refuses_a_path_outside_the_site(path: str) -> None:
    with pytest.raises(ValueError, match="not a relative site path"):
        plan_publish([path, "index.html"], [])
