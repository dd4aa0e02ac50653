"""The paid image providers (stability, bedrock) under the PaidProviders rule, through the API handler
with the claims API Gateway's Cognito authorizer passes (and through the drop folder, which has none)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.api import ApiCaller, ApiResult
from tests.support.cloud import table_snapshot
from tests.support.dropfolder import DropBucket
from videogen.config import get_config
from videogen.logic import entitlements

SCRIPT = "## Dawn\nThe sea wakes up.\n"
REFUSED = "The stability provider is for members of the paid-providers group; ask an administrator."
GROUP = {"cognito:groups": "paid-providers"}


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Set PaidProviders as a deployment would (the local cloud's own value is "everyone")."""

    def set_policy(value: str) -> None:
        settings = get_config().model_copy(update={"paid_providers": value})
        monkeypatch.setattr(entitlements, "get_config", lambda: settings)

    return set_policy


def _create(api: ApiCaller, provider: str) -> ApiResult:
    return api.post("/projects", {"title": "t", "script": SCRIPT, "settings": {"image_provider": provider}})


def test_a_paid_provider_without_the_group_is_403_and_stores_nothing(
    api: ApiCaller, policy: Callable[[str], None]
) -> None:
    policy("group")
    before = table_snapshot(api.cloud)

    result = _create(api, "stability")

    assert result.status == 403
    assert result.body["error"] == {
        "code": "FORBIDDEN",
        "message": REFUSED,
        "details": {"provider": "stability", "allowed": ["local"], "group": "paid-providers"},
        "request_id": result.headers["X-Request-Id"],
    }
    assert table_snapshot(api.cloud) == before


@pytest.mark.parametrize(
    "groups",
    ["paid-providers", "admins,paid-providers", "[admins paid-providers]", ["admins", "paid-providers"]],
)
def test_a_member_of_the_group_may_pick_a_paid_provider(
    api: ApiCaller, policy: Callable[[str], None], groups: object
) -> None:
    policy("group")

    result = _create(api.with_claims(**{"cognito:groups": groups}), "bedrock")

    assert result.status == 201
    assert result.body["settings"]["image_provider"] == "bedrock"


def test_other_groups_do_not_count(api: ApiCaller, policy: Callable[[str], None]) -> None:
    policy("group")

    result = _create(api.with_claims(**{"cognito:groups": "admins,paid-providers-old"}), "stability")

    assert result.status == 403


def test_the_free_provider_needs_no_group(api: ApiCaller, policy: Callable[[str], None]) -> None:
    policy("nobody")

    assert _create(api, "local").status == 201


def test_a_provider_from_the_script_front_matter_is_checked_too(
    api: ApiCaller, policy: Callable[[str], None]
) -> None:
    policy("group")
    script = "---\nimage_provider: stability\n---\n" + SCRIPT

    result = api.post("/projects", {"title": "t", "script": script})

    assert (result.status, result.error_code) == (403, "FORBIDDEN")


def test_switching_to_a_paid_provider_is_checked_and_keeping_one_is_not(
    api: ApiCaller, policy: Callable[[str], None]
) -> None:
    # Given a project a member created with a paid provider
    policy("group")
    created = _create(api.with_claims(**GROUP), "stability")
    assert created.status == 201
    project = f"/projects/{created.body['id']}"

    # When the same owner, no longer in the group, edits it
    style = api.patch(project, {"settings": {"style": "watercolor"}})
    switch = api.patch(project, {"settings": {"image_provider": "bedrock"}})
    back = api.patch(project, {"settings": {"image_provider": "local"}})

    # Then keeping the provider and leaving it are allowed, picking another paid one is not
    assert style.status == 200
    assert (switch.status, switch.error_code) == (403, "FORBIDDEN")
    assert "bedrock provider" in switch.body["error"]["message"]
    assert back.status == 200
    assert api.get(project).body["settings"]["image_provider"] == "local"


def test_nobody_means_not_even_the_group(api: ApiCaller, policy: Callable[[str], None]) -> None:
    policy("nobody")

    result = _create(api.with_claims(**GROUP), "stability")

    assert result.status == 403
    assert result.body["error"]["message"] == (
        "The stability provider is not available here; use the local provider."
    )


def test_everyone_may_pick_a_paid_provider_which_is_the_local_default(
    api: ApiCaller, policy: Callable[[str], None]
) -> None:
    # Locally there is no Cognito: the local cloud's setting lets `videogen render --provider ...` work.
    assert get_config().paid_providers == "everyone"
    assert _create(api, "stability").status == 201

    policy("everyone")
    assert _create(api, "bedrock").status == 201


def test_a_dropped_script_has_no_token_so_under_group_it_gets_an_error_json(
    api: ApiCaller, policy: Callable[[str], None]
) -> None:
    policy("group")
    drop = DropBucket(api.cloud)

    drop.put("inbox/alice/paid.md", "---\nimage_provider: stability\n---\n" + SCRIPT)
    drop.wait_for("outbox/alice/paid/error.json")

    error = drop.json("outbox/alice/paid/error.json")["error"]
    assert (error["code"], error["message"]) == ("FORBIDDEN", REFUSED)
    assert drop.projects() == []
    assert drop.executions() == []
