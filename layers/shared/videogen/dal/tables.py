"""PynamoDB models of the one videogen table. template.yaml declares the same key schema (a test checks)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

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
    """Key attributes shared by every item of the table."""

    class Meta:
        table_name = "videogen"
        region = "us-east-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ProjectItem(BaseItem):
    """A project: sk = PROJECT."""

    class Meta(BaseItem.Meta):
        pass

    id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    title = UnicodeAttribute()
    script = UnicodeAttribute()
    script_format = UnicodeAttribute(default="md")
    script_revision = NumberAttribute(default=0)
    scene_count = NumberAttribute(default=0)
    settings: MapAttribute[str, Any] = MapAttribute()
    status = UnicodeAttribute()
    error = MapAttribute[str, Any](null=True)
    progress = MapAttribute[str, Any](null=True)
    render_count = NumberAttribute(default=0)
    execution_arn = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()

    by_owner = ByOwnerIndex()
    by_owner_status = ByOwnerStatusIndex()


ALL_MODELS: list[type[Model]] = [BaseItem, ProjectItem]


def bind_table(table_name: str, region: str, host: str | None = None) -> None:
    """Point every model at the deployed table (names come from settings, once per container)."""
    for model in ALL_MODELS:
        model.Meta.table_name = table_name
        model.Meta.region = region
        model.Meta.host = host
        model._connection = None  # the connection caches the table name
