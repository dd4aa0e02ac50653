"""The table modules (dal.projects, dal.scenes, dal.assets, dal.limits, dal.health) turn DynamoDB's
refusals into videogen exceptions, and a missing item into ResourceNotFoundException or an empty answer:
each path through PynamoDB and the real DynamoDB client, answered by Stubber."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.support.stubs import client_error
from videogen.dal import assets, health, limits, projects, scenes
from videogen.exceptions import ResourceConflictException, ResourceNotFoundException, StorageException

PROJECT = "0123456789abcdef0123456789abcdef"


def _no_item(stubber: Stubber) -> None:
    stubber.add_response("get_item", {})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: projects.get_project_any_owner(PROJECT), "does not exist"),
        (lambda: scenes.get_scene(PROJECT, "s1", 1), "Scene 1 does not exist"),
        (lambda: assets.get_asset(PROJECT, "video"), "Asset 'video' does not exist"),
    ],
)
def test_a_missing_item_is_resource_not_found(
    dynamodb: Stubber, call: Callable[[], Any], message: str
) -> None:
    _no_item(dynamodb)

    with pytest.raises(ResourceNotFoundException, match=message):
        call()


@pytest.mark.parametrize(
    ("call", "empty"),
    [
        (lambda: assets.find_asset(PROJECT, "video"), None),
        (lambda: limits.running("owner-alice"), set()),
        (lambda: limits.renders_on("owner-alice", "2026-12-06"), 0),
    ],
)
def test_a_missing_item_that_is_an_answer_reads_as_empty(
    dynamodb: Stubber, call: Callable[[], Any], empty: Any
) -> None:
    _no_item(dynamodb)

    assert call() == empty


@pytest.mark.parametrize(
    ("operation", "call", "message"),
    [
        ("get_item", lambda: projects.get_project_any_owner(PROJECT), "Could not read the project."),
        ("get_item", lambda: projects.get_project("owner-alice", PROJECT), "Could not read the project."),
        ("get_item", lambda: scenes.get_scene(PROJECT, "s1", 1), "Could not read the scene."),
        ("query", lambda: scenes.all_scenes(PROJECT, "s1"), "Could not read the scenes."),
        ("query", lambda: scenes.list_scenes(PROJECT, "s1", after=0, limit=5), "Could not list the scenes."),
        ("query", lambda: scenes.delete_scene_set(PROJECT, "s1"), "Could not remove old scenes."),
        (
            "update_item",
            lambda: scenes.mark_image(PROJECT, "s1", 1, "k", provider="local", model="m"),
            "Could not record the scene image.",
        ),
        ("get_item", lambda: assets.get_asset(PROJECT, "video"), "Could not read the asset."),
        ("query", lambda: assets.list_assets(PROJECT), "Could not list the assets."),
        ("delete_item", lambda: assets.delete_asset(PROJECT, "video"), "Could not delete the asset."),
        ("get_item", lambda: limits.running("owner-alice"), "running renders"),
        ("get_item", lambda: limits.renders_on("owner-alice", "2026-12-06"), "renders of the day"),
    ],
)
def test_a_dynamodb_refusal_is_a_storage_exception(
    dynamodb: Stubber, operation: str, call: Callable[[], Any], message: str
) -> None:
    client_error(dynamodb, operation, "AccessDeniedException")

    with pytest.raises(StorageException, match=message) as caught:
        call()
    assert caught.value.__cause__ is not None


def test_a_scene_deleted_before_its_image_is_recorded_is_resource_not_found(dynamodb: Stubber) -> None:
    client_error(dynamodb, "update_item", "ConditionalCheckFailedException")

    with pytest.raises(ResourceNotFoundException, match="Scene 1 no longer exists."):
        scenes.mark_image(PROJECT, "s1", 1, "k", provider="local", model="m")


def test_a_project_changed_while_it_is_deleted_is_a_conflict(dynamodb: Stubber) -> None:
    # Given the owner's project, with nothing under it but itself
    item = {"pk": {"S": f"PROJECT#{PROJECT}"}, "sk": {"S": "PROJECT"}, "owner_id": {"S": "owner-alice"}}
    dynamodb.add_response("get_item", {"Item": item})
    dynamodb.add_response(
        "query", {"Items": [{"pk": item["pk"], "sk": item["sk"]}], "Count": 1, "ScannedCount": 1}
    )
    # When its delete finds it changed
    client_error(dynamodb, "delete_item", "ConditionalCheckFailedException")

    with pytest.raises(ResourceConflictException, match="changed while it was being deleted"):
        projects.delete_project_items("owner-alice", PROJECT)


def test_a_table_that_refuses_the_health_check_is_a_storage_exception(dynamodb: Stubber) -> None:
    client_error(dynamodb, "describe_table", "AccessDeniedException")

    with pytest.raises(StorageException, match="The table does not answer."):
        health.check_table()


def test_a_table_that_is_not_active_fails_the_health_check(dynamodb: Stubber) -> None:
    dynamodb.add_response("describe_table", {"Table": {"TableName": "videogen", "TableStatus": "UPDATING"}})

    with pytest.raises(StorageException, match="The table is UPDATING."):
        health.check_table()
