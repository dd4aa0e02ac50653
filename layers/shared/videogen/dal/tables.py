"""PynamoDB models of the one videogen table. template.yaml declares the same key schema (a test checks)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from videogen.exceptions import ResourceNotFoundException, StorageException

#: Attributes the owner indexes carry: enough for a list page, never the script text.
SUMMARY_ATTRIBUTES = [
    "id",
    "owner_id",
    "title",
    "status",
    "settings",
    "version",
    "created_at",
    "updated_at",
    "scene_count",
    "script_format",
]


class ByOwnerIndex(GlobalSecondaryIndex["ProjectItem"]):
    """An owner's projects, newest first."""

    class Meta:
        index_name = "ByOwner"
        projection = IncludeProjection(SUMMARY_ATTRIBUTES)

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByOwnerStatusIndex(GlobalSecondaryIndex["ProjectItem"]):
    """An owner's projects in one status, newest first: a status filter with full pages."""

    class Meta:
        index_name = "ByOwnerStatus"
        projection = IncludeProjection(SUMMARY_ATTRIBUTES)

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class BaseItem(Model):
    """Key attributes shared by every item of the table; its Meta (the table) is every item's."""

    class Meta:
        table_name = "videogen"
        region = "us-east-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ProjectItem(BaseItem):
    """A project: sk = PROJECT."""

    id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    title = UnicodeAttribute()
    script = UnicodeAttribute()
    script_format = UnicodeAttribute(default="md")
    scene_set = UnicodeAttribute(null=True)
    scene_count = NumberAttribute(default=0)
    settings: MapAttribute[str, Any] = MapAttribute()
    status = UnicodeAttribute()
    error = MapAttribute[str, Any](null=True)
    progress = MapAttribute[str, Any](null=True)
    render_count = NumberAttribute(default=0)
    render_id = UnicodeAttribute(null=True)
    execution_arn = UnicodeAttribute(null=True)
    # When the current render was claimed: render duration is measured from here to its end.
    render_started_at = UTCDateTimeAttribute(null=True)
    # Where the current render stops early (StopAfter: "images"); absent for a whole video.
    render_stop_after = UnicodeAttribute(null=True)
    scenes_done = NumberSetAttribute(null=True)
    # The running render's scenes drawn by a fallback provider: SceneFallback JSON, one per scene. A set, so
    # a retried step adds nothing new.
    scene_fallbacks = UnicodeSetAttribute(null=True)
    last_video_key = UnicodeAttribute(null=True)
    # Where the drop folder wants this project's results (outbox/{owner}/{script name}/); None otherwise.
    outbox_prefix = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()

    by_owner = ByOwnerIndex()
    by_owner_status = ByOwnerStatusIndex()


class SceneItem(BaseItem):
    """Scene n of a scene set: sk = SCENESET#{set id}#{n:04d}. A script change writes a new set."""

    project_id = UnicodeAttribute()
    scene_set = UnicodeAttribute()
    number = NumberAttribute()
    title = UnicodeAttribute(null=True)
    narration = UnicodeAttribute(default="")
    image_prompt = UnicodeAttribute()
    image_prompt_explicit = BooleanAttribute(default=False)
    duration = NumberAttribute(null=True)
    transition = UnicodeAttribute()
    line = NumberAttribute()
    image_stale = BooleanAttribute(default=True)
    image_key = UnicodeAttribute(null=True)
    # Who drew the image at image_key, and the providers passed over before it (JSON: SkippedProvider list).
    image_provider = UnicodeAttribute(null=True)
    image_model = UnicodeAttribute(null=True)
    fallback = UnicodeAttribute(null=True)
    # The user's own picture: the file the script or upload named, and once checked, where its stored PNG
    # is and the SHA-256 of the file as given (picture_key set: it is the scene's image).
    picture_name = UnicodeAttribute(null=True)
    picture_key = UnicodeAttribute(null=True)
    picture_sha256 = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class AssetItem(BaseItem):
    """A file a project produced: sk = ASSET#{asset_id}."""

    project_id = UnicodeAttribute()
    asset_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    scene_number = NumberAttribute(null=True)
    render_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    name = UnicodeAttribute(null=True)  # the file name an upload had on the caller's machine
    duration = NumberAttribute(null=True)  # seconds, for audio and video


class OwnerRunningItem(BaseItem):
    """The renders an owner has queued or running: pk = OWNER#{owner}, sk = LIMITS#RUNNING.

    A set of execution names rather than a number: adding or removing a render twice changes nothing, so
    a retried step can never count a render twice or free another render's slot.
    """

    running = UnicodeSetAttribute(null=True)


class OwnerDayItem(BaseItem):
    """How many renders an owner started on one UTC day: pk = OWNER#{owner}, sk = LIMITS#{yyyy-mm-dd}."""

    renders = NumberAttribute(default=0)
    # The table's TTL attribute (also Powertools idempotency's): old days delete themselves.
    expiration = TTLAttribute(null=True)


class OwnerMonthItem(BaseItem):
    """The estimated cost of the renders an owner started in one UTC month: pk = OWNER#{owner},
    sk = BUDGET#{yyyy-mm}. Whole micro-dollars, so concurrent additions add up exactly."""

    spent_micro_usd = NumberAttribute(default=0)
    expiration = TTLAttribute(null=True)


class WebhookItem(BaseItem):
    """An owner's webhook: pk = OWNER#{owner}, sk = WEBHOOK#{id}."""

    id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = UnicodeSetAttribute()
    # Signs every delivery, so it must be readable (DynamoDB encrypts it at rest); shown once, at creation.
    secret = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class OwnerWebhooksItem(BaseItem):
    """The ids of an owner's webhooks: pk = OWNER#{owner}, sk = LIMITS#WEBHOOKS. A set, counted in the
    same transaction as a webhook's creation, so concurrent creations cannot pass the limit."""

    webhooks = UnicodeSetAttribute(null=True)


class DeliveryItem(BaseItem):
    """One event sent to one webhook: pk = WEBHOOK#{webhook}, sk = DELIVERY#{delivery id} (newest last)."""

    id = UnicodeAttribute()
    webhook_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    body = UnicodeAttribute()
    status = UnicodeAttribute()
    # JSON: a list of {"at", "status_code", "latency_ms", "error"}, newest last.
    attempts = UnicodeAttribute(default="[]")
    created_at = UTCDateTimeAttribute()
    delivered_at = UTCDateTimeAttribute(null=True)
    # While set and in the future, one sender holds the delivery (a duplicated message must not send).
    sending_until = UTCDateTimeAttribute(null=True)
    expiration = TTLAttribute(null=True)


class EventMarkerItem(BaseItem):
    """That an event has its delivery to a webhook: pk = WEBHOOK#{webhook}, sk = EVENT#{event id}. Written
    in one transaction with the delivery, so a duplicated event never makes a second one."""

    delivery_id = UnicodeAttribute()
    expiration = TTLAttribute(null=True)


ALL_MODELS: list[type[Model]] = [
    BaseItem,
    ProjectItem,
    SceneItem,
    AssetItem,
    OwnerRunningItem,
    OwnerDayItem,
    OwnerMonthItem,
    WebhookItem,
    OwnerWebhooksItem,
    DeliveryItem,
    EventMarkerItem,
]


def read_item[Item: BaseItem](
    model: type[Item], pk: str, sk: str, *, missing: ResourceNotFoundException, what: str
) -> Item:
    """One item, read consistently.

    Raises:
        ResourceNotFoundException: ``missing``, when there is no such item.
        StorageException: DynamoDB could not be read ("Could not read {what}.").
    """
    try:
        return model.get(pk, sk, consistent_read=True)
    except DoesNotExist as exc:
        raise missing from exc
    except PynamoDBException as exc:
        raise StorageException(f"Could not read {what}.") from exc


def cancellation_codes(exc: TransactWriteError) -> list[str | None]:
    """Why DynamoDB cancelled a transaction: one code (or None) per item, in the transaction's order."""
    return [reason.code if reason else None for reason in getattr(exc, "cancellation_reasons", [])]


def bind_table(table_name: str, region: str, host: str | None = None) -> None:
    """Point every model at the deployed table (names come from settings, once per container).

    Binding again to the same table keeps each model's connection. A connection's first request creates
    its botocore client, which costs 60 ms of CPU (measured): the local cloud loads every function's
    module into one process, and each load binds the table, so resetting here made one render create 36
    DynamoDB clients, 3.5 s of its CPU under the GIL, where 6 do.
    """
    binding = (table_name, region, host)
    # The items share BaseItem's Meta: decide for all of them before changing it.
    if all((model.Meta.table_name, model.Meta.region, model.Meta.host) == binding for model in ALL_MODELS):
        return
    for model in ALL_MODELS:
        model.Meta.table_name = table_name
        model.Meta.region = region
        model.Meta.host = host
    forget_connections()  # a connection caches the table's name and endpoint


def forget_connections() -> None:
    """Drop every model's connection: the next request makes a new client (a new local cloud, whose
    endpoint or credentials may differ from the last one's)."""
    for model in ALL_MODELS:
        model._connection = None
