"""Projects in DynamoDB. Turns PynamoDB and botocore errors into videogen exceptions."""

from __future__ import annotations

import base64
import binascii
import json
import random
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    PynamoDBException,
    TransactWriteError,
    UpdateError,
)
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from videogen.dal import limits, table_keys
from videogen.dal.executions import execution_name
from videogen.dal.tables import (
    BaseItem,
    ByOwnerIndex,
    ByOwnerStatusIndex,
    ProjectItem,
    cancellation_codes,
    read_item,
)
from videogen.domain.enums import ProjectStatus, ScriptFormat, StopAfter
from videogen.domain.models import Project, ProjectPage, RenderFailure, RenderProgress
from videogen.domain.provenance import SceneFallback
from videogen.domain.settings import ProjectSettings
from videogen.exceptions import (
    InvalidCursorException,
    PreconditionFailedException,
    RateLimitException,
    ResourceConflictException,
    ResourceNotFoundException,
    StorageException,
)

#: A project with a render queued or running, and one without (its status values as stored).
_BUSY = [ProjectStatus.QUEUED.value, ProjectStatus.RENDERING.value]
_IDLE = [ProjectStatus.DRAFT.value, ProjectStatus.COMPLETED.value, ProjectStatus.FAILED.value]


def _is_conditional_failure(exc: PynamoDBException) -> bool:
    return exc.cause_response_code in {"ConditionalCheckFailedException", "TransactionCanceledException"}


def _to_domain(item: ProjectItem) -> Project:
    return Project(
        id=item.id,
        owner_id=item.owner_id,
        title=item.title,
        settings=ProjectSettings.model_validate(item.settings.as_dict() if item.settings else {}),
        status=ProjectStatus(item.status),
        version=int(item.version or 0),
        created_at=item.created_at,
        updated_at=item.updated_at,
        script=getattr(item, "script", None),
        script_format=ScriptFormat(item.script_format or ScriptFormat.MARKDOWN),
        scene_count=int(item.scene_count or 0),
        scene_set=getattr(item, "scene_set", None),
        error=RenderFailure.model_validate(item.error.as_dict()) if item.error else None,
        progress=_progress(item),
        render_count=int(getattr(item, "render_count", 0) or 0),
        render_id=getattr(item, "render_id", None),
        execution_arn=getattr(item, "execution_arn", None),
        outbox_prefix=getattr(item, "outbox_prefix", None),
        render_started_at=getattr(item, "render_started_at", None),
        render_stop_after=_stop_after(getattr(item, "render_stop_after", None)),
    )


def _stop_after(value: str | None) -> StopAfter | None:
    return StopAfter(value) if value else None


def _progress(item: ProjectItem) -> RenderProgress | None:
    """The stored progress, with the scenes done counted from the set the image steps add to."""
    if not item.progress:
        return None
    progress = item.progress.as_dict()
    done = getattr(item, "scenes_done", None)
    if done is not None:
        progress["scenes_done"] = len(done)
    progress["fallbacks"] = _fallbacks(getattr(item, "scene_fallbacks", None) or ())
    return RenderProgress.model_validate(progress)


def _fallbacks(stored: Iterable[str]) -> list[SceneFallback]:
    """The stored fallbacks, one per scene in scene order (of two for one scene, which only a step retried
    after its first run recorded one can leave, the later in text order: a stable choice)."""
    by_scene: dict[int, SceneFallback] = {}
    for text in sorted(stored):
        entry = SceneFallback.model_validate_json(text)
        by_scene[entry.scene] = entry
    return [by_scene[scene] for scene in sorted(by_scene)]


def _set_or_remove(attribute: MapAttribute[str, Any], value: BaseModel | None) -> Action:
    """The update of a map attribute to a model's fields (those that are set), or its removal for None.

    A progress is stored without its fallbacks: those are counted in their own set (``add_scene_done``).
    """
    if value is None:
        return attribute.remove()
    exclude = {"fallbacks"} if isinstance(value, RenderProgress) else None
    return attribute.set(value.model_dump(exclude_none=True, exclude=exclude))


def now() -> datetime:
    """The current time, truncated to milliseconds (what the API shows)."""
    current = datetime.now(UTC)
    return current.replace(microsecond=current.microsecond // 1000 * 1000)


def put_new_project(project: Project) -> Project:
    """Store a new project; its id must not exist yet."""
    assert project.script is not None
    # A fixed-width time (never without its fraction) so the sort key orders as time does.
    created = table_keys.created_sk(project.created_at.isoformat(timespec="microseconds"), project.id)
    item = ProjectItem(
        pk=table_keys.project_pk(project.id),
        sk=table_keys.PROJECT_SK,
        id=project.id,
        owner_id=project.owner_id,
        title=project.title,
        script=project.script,
        script_format=project.script_format.value,
        scene_count=project.scene_count,
        scene_set=project.scene_set,
        settings=project.settings.model_dump(mode="json"),
        status=project.status.value,
        outbox_prefix=project.outbox_prefix,
        created_at=project.created_at,
        updated_at=project.updated_at,
        gsi1pk=table_keys.owner_pk(project.owner_id),
        gsi1sk=created,
        gsi2pk=table_keys.owner_status_pk(project.owner_id, project.status.value),
        gsi2sk=created,
    )
    try:
        item.save(condition=ProjectItem.pk.does_not_exist())
    except PutError as exc:
        if _is_conditional_failure(exc):
            raise ResourceConflictException("A project with this id exists already.") from exc
        raise StorageException("Could not store the project.") from exc
    return _to_domain(item)


def _not_found(project_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Project {project_id!r} does not exist.", {"project_id": project_id})


def _read_item(project_id: str) -> ProjectItem:
    """The project's item, read consistently, whoever owns it.

    Raises:
        ResourceNotFoundException: no such project.
        StorageException: DynamoDB could not be read.
    """
    pk = table_keys.project_pk(project_id)
    return read_item(
        ProjectItem, pk, table_keys.PROJECT_SK, missing=_not_found(project_id), what="the project"
    )


def get_project_any_owner(project_id: str) -> Project:
    """A project by id alone: for the render pipeline, which acts for whoever owns it."""
    return _to_domain(_read_item(project_id))


def _get_item(owner_id: str, project_id: str) -> ProjectItem:
    if not table_keys.is_project_id(project_id):
        raise _not_found(project_id)
    item = _read_item(project_id)
    if item.owner_id != owner_id:
        # Another owner's project is reported exactly like a missing one: existence is not revealed.
        raise _not_found(project_id)
    return item


def get_project(owner_id: str, project_id: str) -> Project:
    """One project of this owner. Raises ResourceNotFoundException for a missing or foreign id."""
    return _to_domain(_get_item(owner_id, project_id))


def update_project(
    owner_id: str,
    project_id: str,
    *,
    expected_version: int | None,
    read_version: int | None = None,
    title: str | None = None,
    script: str | None = None,
    script_format: ScriptFormat | None = None,
    settings: ProjectSettings | None = None,
    scene_count: int | None = None,
    scene_set: str | None = None,
) -> Project:
    """Apply changes under optimistic locking.

    ``expected_version`` is the caller's If-Match; ``read_version`` the version the caller's logic
    based its changes on (e.g. the scene set it replaces).

    Raises:
        PreconditionFailedException: ``expected_version`` is not the stored version.
        ResourceConflictException: a concurrent write won the race.
    """
    item = _get_item(owner_id, project_id)
    if expected_version is not None and expected_version != item.version:
        raise PreconditionFailedException(
            "The project changed since you read it: fetch it again and retry with the new ETag.",
            {"expected_version": expected_version, "current_version": item.version},
        )
    if read_version is not None and read_version != item.version:
        raise ResourceConflictException(
            "Another change to this project landed first: fetch it again and retry.",
            {"project_id": project_id},
        )
    actions: list[Action] = [ProjectItem.updated_at.set(now())]
    if title is not None:
        actions.append(ProjectItem.title.set(title))
    if script is not None:
        actions.append(ProjectItem.script.set(script))
    if script_format is not None:
        actions.append(ProjectItem.script_format.set(script_format.value))
    if settings is not None:
        actions.append(ProjectItem.settings.set(settings.model_dump(mode="json")))
    if scene_count is not None:
        actions.append(ProjectItem.scene_count.set(scene_count))
    if scene_set is not None:
        actions.append(ProjectItem.scene_set.set(scene_set))
    try:
        # The VersionAttribute adds "version = <read version>" to the condition and increments it; the
        # status is part of the write too, so an edit never lands on a render that was just claimed.
        item.update(actions=actions, condition=ProjectItem.status.is_in(*_IDLE))
    except UpdateError as exc:
        if _is_conditional_failure(exc):
            raise _lost_race(project_id) from exc
        raise StorageException("Could not update the project.") from exc
    return _to_domain(item)


def _lost_race(project_id: str) -> ResourceConflictException:
    """The 409 for a write whose precondition failed: a render was claimed, or another edit landed."""
    try:
        current = ProjectItem.get(
            table_keys.project_pk(project_id), table_keys.PROJECT_SK, consistent_read=True
        )
    except PynamoDBException:
        current = None
    if current is not None and current.status not in _IDLE:
        return ResourceConflictException(
            "The project is being rendered; change it when the render has finished.",
            {"project_id": project_id, "status": current.status},
        )
    return ResourceConflictException(
        "Another change to this project landed first: fetch it again and retry.", {"project_id": project_id}
    )


def idle_check(project_id: str, version: int) -> dict[str, Any]:
    """A transaction's condition on the project: idle (no render queued or running) and still at
    ``version``. Writes to a project's children (scenes, music) carry it, so none lands on a claimed
    render (``claim_render`` bumps the version)."""
    return ProjectItem._get_connection().get_operation_kwargs(
        table_keys.project_pk(project_id),
        table_keys.PROJECT_SK,
        condition=ProjectItem.status.is_in(*_IDLE) & (ProjectItem.version == version),
    )


def write_while_idle(
    project_id: str,
    version: int,
    *,
    updates: list[dict[str, Any]] | None = None,
    puts: list[dict[str, Any]] | None = None,
    deletes: list[dict[str, Any]] | None = None,
) -> None:
    """Apply writes (operation kwargs of the project's children) in one transaction with ``idle_check``.

    Raises:
        ResourceConflictException: the project is rendering, changed since ``version``, or one of the
            writes' own conditions failed (its version): fetch again and retry.
    """
    try:
        ProjectItem._get_connection().connection.transact_write_items(
            [idle_check(project_id, version)], deletes or [], puts or [], updates or []
        )
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        if "ConditionalCheckFailed" in codes or "TransactionConflict" in codes:
            raise _lost_race(project_id) from exc
        raise StorageException("Could not update the project.") from exc


def iter_project_keys(project_id: str) -> Iterator[tuple[str, str]]:
    """Every (pk, sk) stored under a project: the project, its scenes, assets and renders."""
    for item in BaseItem.query(table_keys.project_pk(project_id), attributes_to_get=["pk", "sk"]):
        yield item.pk, item.sk


def delete_project_items(owner_id: str, project_id: str) -> None:
    """Delete a project's children, then the project itself (last, so a retry finds it again)."""
    project = _get_item(owner_id, project_id)
    try:
        with BaseItem.batch_write() as batch:
            for pk, sk in iter_project_keys(project_id):
                if sk != table_keys.PROJECT_SK:
                    batch.delete(BaseItem(pk, sk))
        project.delete()
    except DeleteError as exc:
        if _is_conditional_failure(exc):
            raise ResourceConflictException("The project changed while it was being deleted.") from exc
        raise StorageException("Could not delete the project.") from exc
    except PynamoDBException as exc:
        raise StorageException("Could not delete the project.") from exc


def _encode_cursor(index: str, last_key: dict[str, Any]) -> str:
    raw = json.dumps({"i": index, "k": last_key}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, index: str, expected_pk: tuple[str, str]) -> dict[str, Any]:
    """Decode and check a cursor: it must come from the same listing (index, owner, filter)."""
    invalid = InvalidCursorException(
        "The cursor is not valid for this listing: start again without it.", {"cursor": cursor[:64]}
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise invalid from exc
    if not isinstance(data, dict) or data.get("i") != index or not isinstance(data.get("k"), dict):
        raise invalid
    last_key: dict[str, Any] = data["k"]
    pk_name, pk_value = expected_pk
    sk_name = "gsi1sk" if pk_name == "gsi1pk" else "gsi2sk"
    if set(last_key) != {"pk", "sk", pk_name, sk_name} or last_key[pk_name] != {"S": pk_value}:
        raise invalid
    if not all(
        isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in last_key.values()
    ):
        raise invalid
    return last_key


def list_projects(
    owner_id: str, *, status: ProjectStatus | None, limit: int, cursor: str | None
) -> ProjectPage:
    """One page of an owner's projects, newest first, from an index query (never a scan)."""
    index: ByOwnerIndex | ByOwnerStatusIndex
    if status is None:
        index, pk_name, pk_value = ProjectItem.by_owner, "gsi1pk", table_keys.owner_pk(owner_id)
    else:
        index, pk_name, pk_value = (
            ProjectItem.by_owner_status,
            "gsi2pk",
            table_keys.owner_status_pk(owner_id, status.value),
        )
    index_name = index.Meta.index_name
    start_key = _decode_cursor(cursor, index_name, (pk_name, pk_value)) if cursor else None
    try:
        # One item more than asked tells whether another page exists, so the last page is never empty.
        found = list(
            index.query(pk_value, scan_index_forward=False, limit=limit + 1, last_evaluated_key=start_key)
        )
    except PynamoDBException as exc:
        raise StorageException("Could not list projects.") from exc
    page = found[:limit]
    next_cursor = None
    if len(found) > limit:
        last = page[-1]
        sk_name = "gsi1sk" if pk_name == "gsi1pk" else "gsi2sk"
        last_key = {
            "pk": {"S": last.pk},
            "sk": {"S": last.sk},
            pk_name: {"S": pk_value},
            sk_name: {"S": getattr(last, sk_name)},
        }
        next_cursor = _encode_cursor(index_name, last_key)
    return ProjectPage(items=[_to_domain(item) for item in page], next_cursor=next_cursor)


def set_render_status(
    project_id: str,
    render_id: str,
    status: ProjectStatus | str,
    *,
    error: RenderFailure | None = None,
    progress: RenderProgress | None = None,
) -> bool:
    """The render pipeline's status write: lands only while ``render_id`` is the project's current render
    and has not ended (QUEUED or RENDERING), so a late or superseded step never overwrites a newer
    render's state, and nothing follows COMPLETED or FAILED. The version is left alone: the pipeline
    must not conflict with a user's edits.

    Returns:
        True when written; False when the render was superseded or has ended already (nothing changed).

    Raises:
        ResourceNotFoundException: the project no longer exists.
    """
    status = ProjectStatus(status)
    item = _read_item(project_id)
    actions: list[Action] = [
        ProjectItem.status.set(status.value),
        ProjectItem.gsi2pk.set(table_keys.owner_status_pk(item.owner_id, status.value)),
        ProjectItem.updated_at.set(now()),
        _set_or_remove(ProjectItem.error, error),
        _set_or_remove(ProjectItem.progress, progress),
    ]
    condition = (
        ProjectItem.pk.exists() & (ProjectItem.render_id == render_id) & ProjectItem.status.is_in(*_BUSY)
    )
    try:
        ProjectItem._get_connection().update_item(
            table_keys.project_pk(project_id), table_keys.PROJECT_SK, actions=actions, condition=condition
        )
    except UpdateError as exc:
        if not _is_conditional_failure(exc):
            raise StorageException("Could not update the project's status.") from exc
        get_project_any_owner(project_id)  # raises ResourceNotFoundException if it was deleted
        return False
    return True


def claim_render(
    owner_id: str, project_id: str, quota: limits.RenderQuota, stop_after: StopAfter | None = None
) -> Project:
    """Atomically move an idle project to QUEUED with the next render number, within the owner's limits.

    The claim and the owner's render counters (and, with a budget, the month's spend) change in one
    transaction: the render is queued exactly when the project is idle and every counter admits it.
    ``stop_after`` is recorded with the claim: where this render ends (None: with the video).

    Raises:
        ResourceConflictException: a render is queued or running already.
        OwnerLimitReachedException: the owner has too many renders running, started too many today, or
            the render's estimate would exceed what remains of the month's budget.
        RateLimitException: too many claims of the owner raced each other; retry in a moment.
    """
    item = _get_item(owner_id, project_id)
    number = int(item.render_count or 0) + 1
    render_id = f"{number:06d}"
    claimed_at = now()
    total = int(item.scene_count or 0)
    actions: list[Action] = [
        ProjectItem.status.set(ProjectStatus.QUEUED.value),
        ProjectItem.gsi2pk.set(table_keys.owner_status_pk(owner_id, ProjectStatus.QUEUED.value)),
        ProjectItem.render_count.set(number),
        ProjectItem.render_id.set(render_id),
        _set_or_remove(
            ProjectItem.progress, RenderProgress(stage="queued", scenes_done=0, scenes_total=total)
        ),
        ProjectItem.scenes_done.remove(),
        ProjectItem.scene_fallbacks.remove(),
        ProjectItem.error.remove(),
        ProjectItem.render_started_at.set(claimed_at),
        ProjectItem.render_stop_after.set(stop_after.value)
        if stop_after is not None
        else ProjectItem.render_stop_after.remove(),
        ProjectItem.updated_at.set(claimed_at),
        # A new version: an edit read before the claim (its If-Match, its transaction) can no longer land.
        ProjectItem.version.add(1),
    ]
    # Both guards: the status check refuses a second render, the count check a racing claim (also of the
    # first render: a claim that read "never rendered" must not land after another claim's render has
    # already ended, which would make it a second render).
    condition = (
        ProjectItem.status.is_in(*_IDLE) & (ProjectItem.render_count == item.render_count)
        if item.render_count
        else ProjectItem.status.is_in(*_IDLE)
        & (ProjectItem.render_count.does_not_exist() | (ProjectItem.render_count == 0))
    )
    busy = ResourceConflictException(
        "A render of this project is queued or running; wait for it to finish.", {"project_id": project_id}
    )
    counters = limits.quota_updates(owner_id, execution_name(project_id, render_id), quota)
    _claim_within_quota(project_id, actions, condition, counters, busy)
    return get_project(owner_id, project_id)


#: DynamoDB cancels transactions that touch an item another transaction is writing; they are retried.
_CLAIM_ATTEMPTS = 4


def _claim_within_quota(
    project_id: str,
    actions: list[Action],
    condition: Condition,
    counters: list[dict[str, Any]],
    busy: ResourceConflictException,
) -> None:
    """The claim and the owner's counters in one transaction (claim first: its failure wins)."""
    connection = ProjectItem._get_connection()
    claim = connection.get_operation_kwargs(
        table_keys.project_pk(project_id), table_keys.PROJECT_SK, actions=actions, condition=condition
    )
    for attempt in range(_CLAIM_ATTEMPTS):
        try:
            connection.connection.transact_write_items([], [], [], [claim, *counters])
            return
        except TransactWriteError as exc:
            codes = cancellation_codes(exc)
            failed = [index for index, code in enumerate(codes) if code == "ConditionalCheckFailed"]
            if 0 in failed:
                raise busy from exc
            # The day's limit first: waiting for a running render to end would not lift it.
            if 2 in failed:
                raise limits.OwnerLimitReachedException("daily") from exc
            if 3 in failed:
                raise limits.OwnerLimitReachedException("budget") from exc
            if 1 in failed:
                raise limits.OwnerLimitReachedException("running") from exc
            if "TransactionConflict" not in codes:
                raise StorageException("Could not queue the render.") from exc
            if attempt + 1 < _CLAIM_ATTEMPTS:
                # Full jitter, so racing claims of one owner do not collide again in step.
                time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - not cryptographic
    raise RateLimitException(
        "Too many render requests at the same moment: retry shortly.", retry_after=1, details={}
    )


def record_execution(project_id: str, execution_arn: str) -> None:
    """Remember the running execution (to stop it when the project is deleted)."""
    try:
        ProjectItem._get_connection().update_item(
            table_keys.project_pk(project_id),
            table_keys.PROJECT_SK,
            actions=[ProjectItem.execution_arn.set(execution_arn)],
            condition=ProjectItem.pk.exists(),
        )
    except UpdateError as exc:
        raise StorageException("Could not record the execution.") from exc


def add_scene_done(
    project_id: str, render_id: str, scene_number: int, fallback: SceneFallback | None = None
) -> None:
    """Count a finished scene of this render, and the fallback that drew its image if one did, in one
    update; adding to sets keeps a retried step from counting twice, and a superseded render's step counts
    nothing."""
    actions: list[Action] = [ProjectItem.scenes_done.add({scene_number})]
    if fallback is not None:
        # Canonical JSON (sorted keys, no spaces): the same fallback is the same set member.
        text = json.dumps(fallback.model_dump(), sort_keys=True, separators=(",", ":"))
        actions.append(ProjectItem.scene_fallbacks.add({text}))
    try:
        ProjectItem._get_connection().update_item(
            table_keys.project_pk(project_id),
            table_keys.PROJECT_SK,
            actions=actions,
            condition=ProjectItem.pk.exists() & (ProjectItem.render_id == render_id),
        )
    except UpdateError as exc:
        if _is_conditional_failure(exc):
            get_project_any_owner(project_id)  # raises ResourceNotFoundException if it was deleted
            return
        raise StorageException("Could not record progress.") from exc


def scenes_done(project_id: str) -> int:
    """How many scenes of the running render have their image."""
    try:
        item = ProjectItem.get(
            table_keys.project_pk(project_id),
            table_keys.PROJECT_SK,
            consistent_read=True,
            attributes_to_get=["scenes_done"],
        )
    except DoesNotExist:
        return 0
    return len(item.scenes_done or ())
