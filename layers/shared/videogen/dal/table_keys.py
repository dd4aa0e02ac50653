"""The table's keys: every partition and sort key is built here. Everything of a project lives under one
partition key (the bucket's layout is videogen.domain.layout).

Table (single-table design):
    pk = PROJECT#{project_id}
        sk = PROJECT                   the project
        sk = SCENESET#{set}#{n:04d}    scene n of a scene set; a new script writes a new set, then
                                       the project points at it: readers never see half of each
        sk = ASSET#{asset_id}          a produced file
        sk = RENDER#{n:06d}            a render
    pk = OWNER#{owner_id}
        sk = LIMITS#RUNNING            the owner's queued or running renders (a set of execution names)
        sk = LIMITS#{yyyy-mm-dd}       renders the owner started that UTC day (expires by TTL)
        sk = BUDGET#{yyyy-mm}          the estimated cost of the renders the owner started that UTC month
        sk = WEBHOOK#{webhook_id}      a webhook
        sk = LIMITS#WEBHOOKS           the ids of the owner's webhooks (a set: at most 10)
    pk = WEBHOOK#{webhook_id}
        sk = DELIVERY#{delivery_id}    one event sent to the webhook, with its attempts (expires by TTL)
        sk = EVENT#{event_id}          that the event has its delivery (expires by TTL)
    gsi1 (ByOwner):       gsi1pk = OWNER#{owner_id}, gsi1sk = {created_at}#{project_id}
    gsi2 (ByOwnerStatus): gsi2pk = OWNER#{owner_id}#STATUS#{status}, gsi2sk = gsi1sk
"""

from __future__ import annotations

import re

PROJECT_SK = "PROJECT"
_PROJECT_ID = re.compile(r"^[0-9a-f]{32}$")


def is_project_id(value: str) -> bool:
    """Whether a string has the shape of a project id (malformed ids are simply not found)."""
    return bool(_PROJECT_ID.match(value))


def project_pk(project_id: str) -> str:
    return f"PROJECT#{project_id}"


def owner_pk(owner_id: str) -> str:
    return f"OWNER#{owner_id}"


def owner_status_pk(owner_id: str, status: str) -> str:
    return f"OWNER#{owner_id}#STATUS#{status}"


def created_sk(created_at_iso: str, project_id: str) -> str:
    return f"{created_at_iso}#{project_id}"


def scene_sk(scene_set: str, number: int) -> str:
    return f"SCENESET#{scene_set}#{number:04d}"


def scene_set_prefix(scene_set: str) -> str:
    return f"SCENESET#{scene_set}#"


ASSET_SK_PREFIX = "ASSET#"


def asset_sk(asset_id: str) -> str:
    return f"{ASSET_SK_PREFIX}{asset_id}"


LIMITS_RUNNING_SK = "LIMITS#RUNNING"


def budget_month_sk(month: str) -> str:
    """The sort key of an owner's estimated spend in one UTC month (yyyy-mm)."""
    return f"BUDGET#{month}"


def limits_day_sk(day: str) -> str:
    """The sort key of an owner's render count on one UTC day (yyyy-mm-dd)."""
    return f"LIMITS#{day}"


WEBHOOK_SK_PREFIX = "WEBHOOK#"
LIMITS_WEBHOOKS_SK = "LIMITS#WEBHOOKS"
DELIVERY_SK_PREFIX = "DELIVERY#"


def webhook_sk(webhook_id: str) -> str:
    return f"{WEBHOOK_SK_PREFIX}{webhook_id}"


def webhook_pk(webhook_id: str) -> str:
    return f"WEBHOOK#{webhook_id}"


def delivery_sk(delivery_id: str) -> str:
    return f"{DELIVERY_SK_PREFIX}{delivery_id}"


def event_marker_sk(event_id: str) -> str:
    return f"EVENT#{event_id}"
