"""The key layout of the table and the bucket. Everything of a project lives under one key prefix.

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
    gsi1 (ByOwner):       gsi1pk = OWNER#{owner_id}, gsi1sk = {created_at}#{project_id}
    gsi2 (ByOwnerStatus): gsi2pk = OWNER#{owner_id}#STATUS#{status}, gsi2sk = gsi1sk

Bucket:
    projects/{project_id}/...      everything produced for a project, nothing outside it
    uploads/{project_id}/{upload}  a file a caller uploads through a presigned POST, until it is checked
                                   and moved under the project (a lifecycle rule expires the rest)
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


#: Where every project's objects live (the functions' IAM policies grant per prefix: template.yaml).
PROJECTS_PREFIX = "projects/"


def project_prefix(project_id: str) -> str:
    """The S3 prefix owning every object of a project."""
    return f"{PROJECTS_PREFIX}{project_id}/"


UPLOADS_PREFIX = "uploads/"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


def is_upload_id(value: str) -> bool:
    return bool(_UPLOAD_ID.match(value))


def upload_prefix(project_id: str) -> str:
    return f"{UPLOADS_PREFIX}{project_id}/"


def upload_key(project_id: str, upload_id: str) -> str:
    """Where a presigned upload lands: outside the project, so nothing unchecked is ever under it."""
    return f"{upload_prefix(project_id)}{upload_id}"


def music_key(project_id: str, upload_id: str) -> str:
    """A project's checked music: one key per upload, so a new track never overwrites one in use."""
    return f"{project_prefix(project_id)}music/{upload_id}"


def scene_sk(scene_set: str, number: int) -> str:
    return f"SCENESET#{scene_set}#{number:04d}"


def scene_set_prefix(scene_set: str) -> str:
    return f"SCENESET#{scene_set}#"


ASSET_SK_PREFIX = "ASSET#"
#: The asset id of a project's background music (a project has at most one track).
MUSIC_ASSET_ID = "music"


def asset_sk(asset_id: str) -> str:
    return f"{ASSET_SK_PREFIX}{asset_id}"


LIMITS_RUNNING_SK = "LIMITS#RUNNING"


def limits_day_sk(day: str) -> str:
    """The sort key of an owner's render count on one UTC day (yyyy-mm-dd)."""
    return f"LIMITS#{day}"
