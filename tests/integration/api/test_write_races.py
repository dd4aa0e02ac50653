"""Writes carry their preconditions: user edits racing a render start, as threads against the local cloud.

A render reads exactly one script and one scene set: every edit either lands before the render's claim or
is refused (409), never after it. The order of writes is read from the emulated DynamoDB itself (the
local cloud applies each write atomically, one at a time), so the assertion is about what happened, not
about timing.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

from tests.support.api import ApiCaller
from videogen.dal import assets, executions, table_keys
from videogen.dal import projects as project_dal
from videogen.domain import layout
from videogen.domain.enums import AssetKind, ProjectStatus
from videogen.domain.models import Asset, ProjectChanges, SceneChanges
from videogen.exceptions import PreconditionFailedException, ResourceConflictException
from videogen.logic import projects, renders, scenes
from videogen_local.cloud import LocalCloud

# Runs for seconds by design (many repetitions, real concurrency): `make test-fast` skips it.
pytestmark = pytest.mark.slow

#: The issue's figure for PATCHes; scene and music edits take the same path through one transaction.
REPETITIONS = 50
CHILD_REPETITIONS = 20
EDITORS = 20
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Boats\nBoats leave.\nDuration: 1s\n"


@pytest.fixture
def no_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims are real, executions are not started: only the race between claim and edits is under test."""
    monkeypatch.setattr(
        executions, "start", lambda arn, name, payload: executions.execution_arn(str(arn), name)
    )


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, ...]]]:
    """Every successful write to the table, in the order the emulated DynamoDB applied them: (kind, sk...)."""
    log: list[tuple[str, ...]] = []
    update_item = DynamoDBBackend.update_item
    transact = DynamoDBBackend.transact_write_items

    # Under the local cloud's write lock, so the log's order is the order the writes were applied; the
    # updates moto makes inside a transaction are the transaction's, logged once it has committed.
    inside = threading.local()

    def logged_update(backend: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        with LocalCloud._write_lock:
            result = update_item(backend, table_name, key, *args, **kwargs)
            if not getattr(inside, "transaction", False):
                log.append(("update", key["sk"]["S"]))
            return result

    def logged_transact(backend: Any, items: list[dict[str, Any]]) -> Any:
        with LocalCloud._write_lock:
            inside.transaction = True
            try:
                result = transact(backend, items)
            finally:
                inside.transaction = False
            log.append(("transact", *(_written_sk(item) for item in items)))
            return result

    monkeypatch.setattr(DynamoDBBackend, "update_item", logged_update)
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", logged_transact)
    yield log


def _written_sk(item: dict[str, Any]) -> str:
    ((operation, spec),) = item.items()
    key = spec.get("Key") or spec.get("Item") or {}
    return f"{operation}:{key.get('sk', {}).get('S', '')}"


def _new_project(api: ApiCaller, owner: str) -> str:
    body = {"title": "Race", "script": SCRIPT, "settings": {"voice": "none"}}
    created = api.as_owner(owner).post("/projects", body)
    assert created.status == 201, created.body
    return str(created.body["id"])


def _race(
    edit: Callable[[int], Any], owner: str, project_id: str, state_machine_arn: str
) -> tuple[list[Any], list[BaseException]]:
    """``EDITORS`` edits and one start of the project's render, released together; the edits' results
    and refusals."""
    barrier = threading.Barrier(EDITORS + 1)
    results: list[Any] = []
    refusals: list[BaseException] = []
    crashes: list[str] = []  # each with its traceback: a crash in a thread is otherwise seen bare
    lock = threading.Lock()

    def run_edit(number: int) -> None:
        barrier.wait()
        try:
            outcome = edit(number)
        except (ResourceConflictException, PreconditionFailedException) as exc:
            with lock:
                refusals.append(exc)
            return
        except BaseException as exc:  # any other outcome is a defect: make the test say which
            with lock:
                crashes.append("".join(traceback.format_exception(exc)))
            return
        with lock:
            results.append(outcome)

    def run_start() -> None:
        barrier.wait()
        renders.start_render(owner, project_id, state_machine_arn, "race")

    threads = [threading.Thread(target=run_edit, args=(n,)) for n in range(EDITORS)]
    threads.append(threading.Thread(target=run_start))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not crashes, "\n".join(crashes)
    return results, refusals


def _writes_around_the_claim(log: list[tuple[str, ...]], marker: str) -> tuple[list[int], int]:
    """Where in the write log the writes naming ``marker`` (a sort-key part) stand, and where the claim
    (the one transaction that updates the project item) stands."""
    (claim,) = [
        index
        for index, entry in enumerate(log)
        if entry[0] == "transact" and f"Update:{table_keys.PROJECT_SK}" in entry
    ]
    return [index for index, entry in enumerate(log) if any(marker in part for part in entry[1:])], claim


def _racers(api: ApiCaller, repetitions: int) -> Iterator[tuple[int, str, str]]:
    """Each repetition's number, owner and fresh project: one race per project."""
    for repetition in range(repetitions):
        owner = f"racer-{repetition}"
        yield repetition, owner, _new_project(api, owner)


def test_patches_racing_a_render_start_land_before_its_claim_or_are_refused(
    cloud: LocalCloud, api: ApiCaller, no_renders: None
) -> None:
    arn = cloud.state_machines["RenderStateMachine"]
    mixed = 0
    for _, owner, project_id in _racers(api, REPETITIONS):

        def patch(number: int, project_id: str = project_id, owner: str = owner) -> object:
            script = f"## Take {number}\nVersion {number} of the story.\nDuration: 1s\n"
            return projects.update_project(owner, project_id, ProjectChanges(script=script), None)

        updated, refused = _race(patch, owner, project_id, arn)

        final = project_dal.get_project(owner, project_id)
        assert final.status is ProjectStatus.QUEUED
        assert len(updated) + len(refused) == EDITORS
        # Every edit that landed did so before the claim, which bumped the version past all of them; the
        # scene set the render will read is the one of the project's script at the claim.
        versions = [project.version for project in updated]
        mixed += sum(version >= final.version for version in versions)
        if updated:
            assert final.script == max(updated, key=lambda project: project.version).script
        assert final.scene_count == len(scenes.list_scenes(owner, project_id, 50, None).items)
    assert mixed == 0


def test_scene_edits_racing_a_render_start_land_before_its_claim_or_are_refused(
    cloud: LocalCloud, api: ApiCaller, no_renders: None, writes: list[tuple[str, ...]]
) -> None:
    arn = cloud.state_machines["RenderStateMachine"]
    for repetition, owner, project_id in _racers(api, CHILD_REPETITIONS):
        writes.clear()

        def edit(number: int, project_id: str = project_id, owner: str = owner) -> object:
            changes = SceneChanges(fields_set=frozenset({"narration"}), narration=f"Take {number}.")
            return scenes.update_scene(owner, project_id, "1", changes, None)

        updated, refused = _race(edit, owner, project_id, arn)

        scene_writes, claim = _writes_around_the_claim(writes, "SCENESET#")
        assert len(scene_writes) == len(updated)
        assert all(index < claim for index in scene_writes), (repetition, writes)
        assert len(updated) + len(refused) == EDITORS


def test_music_changes_racing_a_render_start_land_before_its_claim_or_are_refused(
    cloud: LocalCloud, api: ApiCaller, no_renders: None, writes: list[tuple[str, ...]]
) -> None:
    arn = cloud.state_machines["RenderStateMachine"]
    for repetition, owner, project_id in _racers(api, CHILD_REPETITIONS):
        read_version = project_dal.get_project(owner, project_id).version
        writes.clear()

        def attach(number: int, project_id: str = project_id, read_version: int = read_version) -> object:
            # What attach_music writes once the file is checked: the asset, at the version it read.
            music = Asset(
                project_id=project_id,
                asset_id="music",
                kind=AssetKind.MUSIC,
                s3_key=layout.music_key(project_id, f"{number:032x}"),
                content_type="audio/ogg",
                size=100 + number,
                created_at=datetime.now(UTC),
            )
            assets.put_asset(music, project_version=read_version)
            return music

        updated, refused = _race(attach, owner, project_id, arn)

        music_writes, claim = _writes_around_the_claim(writes, f"Put:{table_keys.asset_sk('music')}")
        assert all(index < claim for index in music_writes), (repetition, writes)
        assert len(music_writes) == len(updated)
        assert len(updated) + len(refused) == EDITORS
