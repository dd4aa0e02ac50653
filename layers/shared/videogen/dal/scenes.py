"""Scenes in DynamoDB: whole scene sets written before the project points at them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence

from pynamodb.exceptions import PynamoDBException, UpdateError
from pynamodb.expressions.update import Action

from videogen.dal import projects, table_keys
from videogen.dal.projects import now
from videogen.dal.tables import BaseItem, SceneItem, read_item
from videogen.domain.enums import Transition
from videogen.domain.models import Scene, SceneSpec
from videogen.domain.provenance import USER_PICTURE_MODEL, USER_PICTURE_PROVIDER, SkippedProvider
from videogen.exceptions import (
    PreconditionFailedException,
    ResourceNotFoundException,
    StorageException,
)


def new_scene_set_id() -> str:
    """A fresh id per write attempt, so two racing writers never touch each other's scenes."""
    return uuid.uuid4().hex[:12]


def _to_domain(item: SceneItem) -> Scene:
    return Scene(
        project_id=item.project_id,
        number=int(item.number),
        title=item.title,
        narration=item.narration or "",
        image_prompt=item.image_prompt,
        image_prompt_explicit=bool(item.image_prompt_explicit),
        duration=float(item.duration) if item.duration is not None else None,
        transition=Transition(item.transition),
        line=int(item.line),
        image_stale=bool(item.image_stale),
        image_key=item.image_key,
        version=int(item.version or 0),
        updated_at=item.updated_at,
        image_provider=item.image_provider,
        image_model=item.image_model,
        fallback=_fallback(item.fallback),
        picture_name=item.picture_name,
        picture_key=item.picture_key,
        picture_sha256=item.picture_sha256,
    )


def _fallback(stored: str | None) -> tuple[SkippedProvider, ...]:
    if not stored:
        return ()
    return tuple(SkippedProvider.model_validate(entry) for entry in json.loads(stored))


def write_scene_set(
    project_id: str,
    scene_set: str,
    scenes: Sequence[SceneSpec],
    pictures: Mapping[str, tuple[str, str]] | None = None,
) -> None:
    """Store every scene of a new set (not yet visible: the project does not point at it).

    Args:
        pictures: pictures already checked and stored, by the name a scene gives (its stored key and the
            SHA-256 of the file): a scene naming one shows it at once, as if it had been attached.
    """
    stamp = now()
    try:
        with SceneItem.batch_write() as batch:
            for spec in scenes:
                name = spec.picture.path if spec.picture else None
                stored = (pictures or {}).get(name) if name else None
                batch.save(
                    SceneItem(
                        pk=table_keys.project_pk(project_id),
                        sk=table_keys.scene_sk(scene_set, spec.number),
                        project_id=project_id,
                        scene_set=scene_set,
                        number=spec.number,
                        title=spec.title,
                        narration=spec.narration,
                        image_prompt=spec.image_prompt,
                        image_prompt_explicit=spec.image_prompt_explicit,
                        duration=spec.duration,
                        transition=spec.transition.value,
                        line=spec.line,
                        picture_name=name,
                        picture_key=stored[0] if stored else None,
                        picture_sha256=stored[1] if stored else None,
                        image_key=stored[0] if stored else None,
                        image_provider=USER_PICTURE_PROVIDER if stored else None,
                        image_model=USER_PICTURE_MODEL if stored else None,
                        image_stale=not stored,
                        updated_at=stamp,
                        version=1,
                    )
                )
    except PynamoDBException as exc:
        raise StorageException("Could not store the scenes.") from exc


def delete_scene_set(project_id: str, scene_set: str | None) -> None:
    """Remove every scene of a set (an old one, or one whose project update lost a race)."""
    if not scene_set:
        return
    try:
        items = BaseItem.query(
            table_keys.project_pk(project_id),
            BaseItem.sk.startswith(table_keys.scene_set_prefix(scene_set)),
            attributes_to_get=["pk", "sk"],
        )
        with BaseItem.batch_write() as batch:
            for item in items:
                batch.delete(item)
    except PynamoDBException as exc:
        raise StorageException("Could not remove old scenes.") from exc


def list_scenes(project_id: str, scene_set: str, *, after: int, limit: int) -> tuple[list[Scene], bool]:
    """Scenes numbered above ``after``, in order; and whether more follow."""
    start = table_keys.scene_sk(scene_set, after) if after else None
    try:
        found = list(
            SceneItem.query(
                table_keys.project_pk(project_id),
                SceneItem.sk.startswith(table_keys.scene_set_prefix(scene_set)),
                limit=limit + 1,
                last_evaluated_key=(
                    {"pk": {"S": table_keys.project_pk(project_id)}, "sk": {"S": start}} if start else None
                ),
            )
        )
    except PynamoDBException as exc:
        raise StorageException("Could not list the scenes.") from exc
    return [_to_domain(item) for item in found[:limit]], len(found) > limit


def all_scenes(project_id: str, scene_set: str) -> list[Scene]:
    """Every scene of a set, in order (at most 200: a few query pages)."""
    try:
        items = SceneItem.query(
            table_keys.project_pk(project_id),
            SceneItem.sk.startswith(table_keys.scene_set_prefix(scene_set)),
            consistent_read=True,
        )
        return [_to_domain(item) for item in items]
    except PynamoDBException as exc:
        raise StorageException("Could not read the scenes.") from exc


def _get_item(project_id: str, scene_set: str, number: int) -> SceneItem:
    missing = ResourceNotFoundException(f"Scene {number} does not exist in this project.", {"scene": number})
    pk, sk = table_keys.project_pk(project_id), table_keys.scene_sk(scene_set, number)
    return read_item(SceneItem, pk, sk, missing=missing, what="the scene")


def get_scene(project_id: str, scene_set: str, number: int) -> Scene:
    return _to_domain(_get_item(project_id, scene_set, number))


def update_scene(
    project_id: str,
    scene_set: str,
    number: int,
    *,
    expected_version: int | None,
    actions: Sequence[Action],
    project_version: int,
) -> Scene:
    """Apply update actions to a scene under optimistic locking (see update_project), in one transaction
    with the condition that its project is idle (no render claimed) and still at ``project_version``.

    Raises:
        PreconditionFailedException: ``expected_version`` is not the scene's stored version.
        ResourceConflictException: a render was claimed, or another change landed first.
    """
    item = _get_item(project_id, scene_set, number)
    if expected_version is not None and expected_version != item.version:
        raise PreconditionFailedException(
            "The scene changed since you read it: fetch it again and retry with the new ETag.",
            {"expected_version": expected_version, "current_version": item.version},
        )
    # The VersionAttribute adds "version = <read version>" to the scene's condition and increments it.
    update = item.get_update_kwargs_from_instance(actions=[*actions, SceneItem.updated_at.set(now())])
    projects.write_while_idle(project_id, project_version, updates=[update])
    return _to_domain(_get_item(project_id, scene_set, number))


def mark_image(
    project_id: str,
    scene_set: str,
    number: int,
    image_key: str,
    *,
    provider: str,
    model: str,
    fallback: Sequence[SkippedProvider] = (),
) -> None:
    """Record a scene's fresh image, who drew it and the providers passed over before it (the pipeline's
    write, all in one update; the version is left alone)."""
    actions: list[Action] = [
        SceneItem.image_key.set(image_key),
        SceneItem.image_stale.set(False),
        SceneItem.image_provider.set(provider),
        SceneItem.image_model.set(model),
        SceneItem.fallback.set(json.dumps([entry.model_dump() for entry in fallback], separators=(",", ":")))
        if fallback
        else SceneItem.fallback.remove(),
    ]
    try:
        SceneItem._get_connection().update_item(
            table_keys.project_pk(project_id),
            table_keys.scene_sk(scene_set, number),
            actions=actions,
            condition=SceneItem.pk.exists(),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ResourceNotFoundException(f"Scene {number} no longer exists.", {"scene": number}) from exc
        raise StorageException("Could not record the scene image.") from exc
