"""A scene's own picture: the user's JPEG, PNG or WebP, used instead of a generated image.

1. ``start_upload`` hands out a presigned POST to ``uploads/{project}/{upload}``, outside the project, whose
   policy makes S3 refuse another key, another content type and anything over 20 MB. A script's picture
   (``videogen render``, the drop folder) is copied to the same place instead.
2. ``attach_picture`` has the InspectPicture function decode the file with Pillow. A usable one is stored,
   upright and as PNG, at ``layout.picture_key`` (named by the file's SHA-256) with its provenance record;
   then the scene points at it, in one conditional write while the project is idle. A refused file is
   deleted and the scene is left as it was: nothing is ever half-attached.
3. From then on the picture is the scene's image: renders neither generate nor pay for one
   (``logic.images.plan_images``), and the scene's image prompt goes unused until ``remove_picture``.

Pictures change only while no render runs, so a render always shows the pictures it started with.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from videogen.dal import functions, scenes, storage
from videogen.dal.tables import SceneItem
from videogen.domain import layout
from videogen.domain.limits import MAX_PICTURE_BYTES, PICTURE_CONTENT_TYPES
from videogen.domain.models import PictureRef, Project, Scene
from videogen.domain.provenance import USER_PICTURE_MODEL, USER_PICTURE_PROVIDER
from videogen.exceptions import (
    ConfigurationException,
    InvalidPictureException,
    PictureNotFoundException,
    VideoGeneratorException,
)
from videogen.logic.projects import idle_project
from videogen.logic.scenes import scene_number, scenes_in
from videogen.logic.uploads import Upload, offer_upload, received_upload, refusal
from videogen.observability import logger

#: The stored picture keys InspectPicture may answer with (it writes nothing else).
_PICTURE_KEY = re.compile(r"projects/[0-9a-f]{32}/images/picture-[0-9a-f]{32}\.png")


def _editable_scene(owner_id: str, project_id: str, number: str) -> tuple[Project, Scene]:
    """The project (the write is conditional on its version) and the scene to change.

    Raises:
        ResourceNotFoundException: no such project, or no such scene in its current script (404).
        ResourceConflictException: the project is being rendered (409).
    """
    project = idle_project(owner_id, project_id, "its scenes' pictures")
    scene_set = scenes_in(project)
    return project, scenes.get_scene(project_id, scene_set, scene_number(number))


def start_upload(
    owner_id: str,
    project_id: str,
    number: str,
    *,
    filename: str,
    content_type: str,
    size: int,
    bucket: str,
    expires_in: int,
) -> Upload:
    """A presigned POST for one scene picture.

    Raises:
        InvalidPictureException: the declared type is not JPEG, PNG or WebP, or the size is over 20 MB (422).
        ResourceNotFoundException: no such project or scene (404).
        ResourceConflictException: the project is being rendered (409).
    """
    _editable_scene(owner_id, project_id, number)
    content_type = content_type.lower()
    if content_type not in PICTURE_CONTENT_TYPES:
        raise InvalidPictureException(
            f"{content_type[:60]!r} is not a picture type videogen takes: upload a JPEG, PNG or WebP "
            "(image/jpeg, image/png or image/webp).",
            {"reason": "unsupported_type", "content_type": content_type[:100]},
        )
    if size > MAX_PICTURE_BYTES:
        raise InvalidPictureException.too_large(size)
    upload = offer_upload(
        bucket,
        project_id,
        filename=filename,
        content_type=content_type,
        max_bytes=MAX_PICTURE_BYTES,
        expires_in=expires_in,
    )
    logger.info(
        "Picture upload offered", extra={"upload_id": upload.upload_id, "scene": number, "size": size}
    )
    return upload


def attach_picture(
    owner_id: str,
    project_id: str,
    number: str,
    upload_id: str,
    *,
    bucket: str,
    inspect_function: str | None,
    name: str | None = None,
) -> Scene:
    """Check an upload and make it the scene's picture (replacing an earlier one, or its generated image).

    Args:
        name: what to call the picture (a script's path); by default, the uploaded file's name.

    Raises:
        UploadNotReceivedException: nothing was uploaded with this id, or it expired (409).
        InvalidPictureException: the file is not a usable JPEG, PNG or WebP (422, ``details["reason"]``).
        ResourceNotFoundException: no such project or scene (404).
        ResourceConflictException: the project is being rendered, or changed meanwhile (409).
    """
    project, scene = _editable_scene(owner_id, project_id, number)
    if not inspect_function:
        raise ConfigurationException("Picture uploads are not configured (INSPECT_PICTURE_FUNCTION).")
    staged, info = received_upload(
        bucket,
        project_id,
        upload_id,
        max_bytes=MAX_PICTURE_BYTES,
        too_large=InvalidPictureException.too_large,
    )
    shown_name = name or unquote(info.metadata.get("filename", "")) or None
    verdict: dict[str, Any] = functions.invoke(
        inspect_function,
        {"key": staged, "project_id": project_id, "name": shown_name, "request_id": upload_id},
    )
    if not verdict.get("valid"):
        storage.delete_objects(bucket, [staged])
        raise refusal(verdict, InvalidPictureException, "The picture cannot be used.")
    key = str(verdict["key"])
    if not _PICTURE_KEY.fullmatch(key) or not key.startswith(layout.project_prefix(project_id)):
        raise ConfigurationException("InspectPicture answered with a key outside the project's pictures.")
    # One conditional write, while the project is idle at the version read first: a render claimed or a
    # script replaced meanwhile leaves the scene as it was, and the upload for a retry (which finds the
    # picture stored already).
    updated = scenes.update_scene(
        project_id,
        str(project.scene_set),
        scene.number,
        expected_version=None,
        actions=[
            SceneItem.picture_name.set(shown_name or "picture"),
            SceneItem.picture_key.set(key),
            SceneItem.picture_sha256.set(str(verdict["sha256"])),
            SceneItem.image_key.set(key),
            SceneItem.image_stale.set(False),
            SceneItem.image_provider.set(USER_PICTURE_PROVIDER),
            SceneItem.image_model.set(USER_PICTURE_MODEL),
            SceneItem.fallback.remove(),
        ],
        project_version=project.version,
    )
    storage.delete_objects(bucket, [staged])
    logger.info(
        "Picture attached",
        extra={"scene": scene.number, "sha256": verdict["sha256"], "size": verdict.get("size")},
    )
    return updated


def remove_picture(owner_id: str, project_id: str, number: str) -> Scene:
    """Give the scene back to generated images: the next render draws it from its image prompt. Removing a
    picture that is not there changes nothing.

    Raises:
        ResourceNotFoundException: no such project or scene (404).
        ResourceConflictException: the project is being rendered (409).
    """
    project, scene = _editable_scene(owner_id, project_id, number)
    if scene.picture_name is None and scene.picture_key is None:
        return scene
    # The stored PNG stays: it is named by its content, and another scene (or a later attach) may use it;
    # the project's deletion removes it with everything else.
    updated = scenes.update_scene(
        project_id,
        str(project.scene_set),
        scene.number,
        expected_version=None,
        actions=[
            SceneItem.picture_name.remove(),
            SceneItem.picture_key.remove(),
            SceneItem.picture_sha256.remove(),
            SceneItem.image_key.remove(),
            SceneItem.image_provider.remove(),
            SceneItem.image_model.remove(),
            SceneItem.image_stale.set(True),
        ],
        project_version=project.version,
    )
    logger.info("Picture removed", extra={"scene": scene.number})
    return updated


def attach_script_picture(
    owner_id: str,
    project_id: str,
    number: int,
    ref: PictureRef,
    upload_id: str,
    *,
    bucket: str,
    inspect_function: str | None,
) -> Scene:
    """``attach_picture`` for a picture a script names (``ref``), staged as upload ``upload_id``: a file that
    cannot be used is reported at the line and column that name it.

    Raises:
        InvalidPictureException: the file is not a usable picture (422, with ``line`` and ``column``).
        and what ``attach_picture`` raises.
    """
    try:
        return attach_picture(
            owner_id,
            project_id,
            str(number),
            upload_id,
            bucket=bucket,
            inspect_function=inspect_function,
            name=ref.path,
        )
    except InvalidPictureException as exc:
        raise located(ref, exc) from exc


def located[E: VideoGeneratorException](ref: PictureRef, exc: E) -> E:
    """``exc`` (a picture a script names that is missing or unusable), placed at the script's line and column
    where the picture is named, as a script error is: same type and code, the place in its message and
    details."""
    text = " ".join(ref.text.split())[:80]
    details = {**exc.details, "line": ref.line, "column": ref.column, "text": text, "picture": ref.path}
    return type(exc)(f'line {ref.line}: "{text}" — {exc.message}', details)


def missing_picture(ref: PictureRef, folder: str) -> PictureNotFoundException:
    """The error for a picture a script names that is not in ``folder`` (as the user knows it)."""
    error = PictureNotFoundException(
        f"there is no picture {ref.path!r} in {folder}: put the picture there first, then the script "
        "(the path is relative to the script's folder).",
        {"hint": f"put {ref.path} beside the script"},
    )
    return located(ref, error)
