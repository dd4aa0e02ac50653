"""At-least-once S3 events, exactly-once projects and renders."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.support.dropfolder import SCRIPT, DropBucket
from tests.support.waiting import wait_until
from videogen.dal import executions
from videogen.exceptions import StorageException
from videogen.logic import renders
from videogen_local.cloud import LocalCloud

KEY = "inbox/alice/my story.md"


def _deliver(cloud: LocalCloud, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = cloud.invoke("IngestFunction", event)["results"][0]
    return result


@pytest.mark.slow
def test_the_same_event_delivered_five_times_at_once_gives_one_project_and_one_execution(
    drop: DropBucket, cloud: LocalCloud
) -> None:
    # Given an uploaded script whose event has not been delivered yet
    etag = drop.put_quietly(KEY, SCRIPT)
    event = drop.event_for(KEY, etag, size=len(SCRIPT.encode()))

    # When five copies of its event arrive at the same moment
    barrier = threading.Barrier(5)
    outcomes: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        barrier.wait()
        try:
            outcomes.append(_deliver(cloud, event))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then one delivery created the project, the others found it, and one execution renders it
    assert errors == []
    assert sorted(outcome["outcome"] for outcome in outcomes) == ["created"] + ["duplicate"] * 4
    (project_id,) = {outcome["project_id"] for outcome in outcomes}
    assert [item["id"]["S"] for item in drop.projects()] == [project_id]
    assert [execution["name"] for execution in drop.executions()] == [f"{project_id}-000001"]

    # and a redelivery after the render has finished changes nothing either
    drop.wait_for_renders()
    assert _deliver(cloud, event)["outcome"] == "duplicate"
    assert [execution["name"] for execution in drop.executions()] == [f"{project_id}-000001"]
    assert drop.json("outbox/alice/my story/result.json")["project_id"] == project_id


@pytest.mark.slow
def test_reupload_of_changed_content_is_a_new_project(drop: DropBucket, cloud: LocalCloud) -> None:
    first = drop.put_quietly(KEY, SCRIPT)
    second = drop.put_quietly(KEY, SCRIPT.replace("Gulls follow", "Terns follow"))

    # The first event comes late, after its object was overwritten: the newer upload answers for the key
    late = _deliver(cloud, drop.event_for(KEY, first, size=len(SCRIPT.encode())))
    current = _deliver(
        cloud, drop.event_for(KEY, second, size=len(SCRIPT.encode()), sequencer="0055AED6DCD90281F0")
    )

    assert late["outcome"] == "superseded"
    assert current["outcome"] == "created"
    assert [item["id"]["S"] for item in drop.projects()] == [current["project_id"]]
    assert late["project_id"] is None

    # A third, changed upload of the same key is another project with its own render
    third = drop.put(KEY, SCRIPT.replace("The sea wakes up.", "The tide turns."))
    assert third != second
    ids = {item["id"]["S"] for item in drop.projects()}
    assert len(ids) == 2
    assert {execution["name"] for execution in drop.executions()} == {f"{pid}-000001" for pid in ids}


def _delivered_while_start_fails(drop: DropBucket, cloud: LocalCloud, error: Exception) -> dict[str, Any]:
    """Upload the script unannounced and deliver its event once while starting a render raises ``error``,
    which fails the invocation (so Lambda would retry it); returns the event, for the retries."""
    etag = drop.put_quietly(KEY, SCRIPT)
    event = drop.event_for(KEY, etag, size=len(SCRIPT.encode()))

    def fail(*args: Any, **kwargs: Any) -> str:
        raise error

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(executions, "start", fail)
        with pytest.raises(type(error)):
            _deliver(cloud, event)
    return event


@pytest.mark.slow
def test_a_render_whose_start_failed_is_answered_then_started_by_the_retry(
    drop: DropBucket, cloud: LocalCloud
) -> None:
    # When Step Functions is unavailable at the first delivery
    event = _delivered_while_start_fails(drop, cloud, StorageException("Could not start the render."))

    # Then the user hears of it at once, and no render runs
    error = drop.json("outbox/alice/my story/error.json")
    (project,) = drop.projects()
    assert error["error"]["code"] == "STORAGE_ERROR"
    assert error["project_id"] == project["id"]["S"]
    assert project["status"]["S"] == "FAILED"
    assert drop.executions() == []

    # And the retry starts the render (as the next render number: the first never ran)
    assert _deliver(cloud, event)["outcome"] == "duplicate"
    assert _deliver(cloud, event)["outcome"] == "duplicate"
    assert [execution["name"] for execution in drop.executions()] == [f"{project['id']['S']}-000002"]
    drop.wait_for("outbox/alice/my story/result.json")
    # result.json is written first, then the earlier error.json is removed: wait for that second write.
    wait_until(
        lambda: "outbox/alice/my story/error.json" not in drop.keys("outbox/alice/my story/"),
        10,
        what="error.json to be removed",
    )
    assert drop.keys("outbox/alice/my story/error.json") == []


@pytest.mark.slow
def test_a_render_claimed_but_never_started_is_started_by_a_later_delivery(
    drop: DropBucket, cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a delivery that claimed the render and died before starting it
    event = _delivered_while_start_fails(drop, cloud, RuntimeError("the invocation died here"))
    (project,) = drop.projects()
    assert (project["status"]["S"], project["render_id"]["S"]) == ("QUEUED", "000001")

    # When a duplicate comes moments later, it leaves the start to the claimer (which may still be at it)
    assert _deliver(cloud, event)["outcome"] == "duplicate"
    assert drop.executions() == []

    # But once the claim is stale, a delivery starts the render under its deterministic name
    monkeypatch.setattr(renders, "STALE_CLAIM_SECONDS", -1.0)
    assert _deliver(cloud, event)["outcome"] == "duplicate"
    assert _deliver(cloud, event)["outcome"] == "duplicate"
    project_id = project["id"]["S"]
    assert [execution["name"] for execution in drop.executions()] == [f"{project_id}-000001"]
    drop.wait_for("outbox/alice/my story/result.json")


def test_a_render_refused_at_start_is_answered_and_not_retried(drop: DropBucket, cloud: LocalCloud) -> None:
    # Twenty-five 30-second scenes at 1080p: more than one render may cost
    scenes = "".join(f"## Scene {n}\nImage: the sea, view {n}\nDuration: 30s\n\n" for n in range(1, 26))
    script = f"---\nresolution: 1080p\nvoice: none\n---\n{scenes}"
    etag = drop.put_quietly("inbox/alice/epic.md", script)

    result = _deliver(cloud, drop.event_for("inbox/alice/epic.md", etag, size=len(script)))

    assert (result["outcome"], result["error_code"]) == ("rejected", "RENDER_TOO_LARGE")
    document = drop.json("outbox/alice/epic/error.json")
    assert document["error"]["code"] == "RENDER_TOO_LARGE"
    (project,) = drop.projects()
    assert document["project_id"] == project["id"]["S"]
    assert project["status"]["S"] == "DRAFT"
    assert drop.executions() == []
