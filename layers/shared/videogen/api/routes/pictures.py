"""/projects/{id}/scenes/{n}/picture: a scene's own picture, used instead of a generated image.

The upload is two calls around a direct upload to S3, as music's is: POST .../picture/uploads gives a form
whose policy S3 enforces (type, key, at most 20 MB); PUT .../picture has the file decoded with Pillow
(JPEG, PNG or WebP, not animated, at most 40 megapixels, at least 64 pixels a side) and makes it the
scene's image. DELETE gives the scene back to generated images.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from videogen.api import examples
from videogen.api.models import (
    PictureAttachRequest,
    PictureUploadRequest,
    PictureUploadResponse,
    SceneResponse,
)
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import ProjectId, errors, ok
from videogen.api.routes.replies import json_reply
from videogen.api.routes.scenes import SceneNumber, scene_response
from videogen.config import get_config
from videogen.logic import pictures as logic

router = Router()


@router.post(
    "/projects/<project_id>/scenes/<number>/picture/uploads",
    summary="Start a scene picture upload",
    description=(
        "Returns a presigned POST form for one JPEG, PNG or WebP of at most 20 MB. POST the fields, then "
        "the file as the last field named 'file', to the URL within 15 minutes; then call PUT "
        "/projects/{id}/scenes/{n}/picture with the upload_id. Another type or a size over 20 MB is "
        "refused here (422 INVALID_PICTURE); S3 refuses a different type or a larger file at upload."
    ),
    responses={201: ok("Upload here.", PictureUploadResponse), **errors(400, 404, 409, 415)},
    tags=["scenes"],
)
def start_picture_upload(
    project_id: ProjectId,
    number: SceneNumber,
    body: Annotated[PictureUploadRequest, Body(openapi_examples=examples.UPLOAD_PICTURE)],
) -> Response[PictureUploadResponse]:
    settings = get_config()
    upload = logic.start_upload(
        caller(router, project_id),
        project_id,
        number,
        filename=body.filename,
        content_type=body.content_type,
        size=body.size,
        bucket=settings.media_bucket,
        expires_in=settings.presign_seconds,
    )
    return json_reply(PictureUploadResponse.model_validate(upload, from_attributes=True), 201)


@router.put(
    "/projects/<project_id>/scenes/<number>/picture",
    summary="Set a scene's picture",
    description=(
        "Makes an uploaded file the scene's picture: renders show it (fitted to the frame, with the "
        "scene's motion and captions) instead of generating an image, and its image_prompt goes unused. "
        "The file is decoded first: one that is not a JPEG, PNG or WebP, is animated, damaged, over 40 "
        "megapixels or 20 MB, under 64 pixels a side or more than 8 times as long as it is wide gets 422 "
        "INVALID_PICTURE (details.reason says which) and is deleted, and the scene is left as it was. An "
        "upload that has not arrived gets 409 UPLOAD_NOT_RECEIVED. Not while a render runs (409)."
    ),
    responses={
        200: ok("The scene, with its picture.", SceneResponse, examples=examples.SCENE_WITH_PICTURE),
        **errors(400, 404, 409, 415),
    },
    tags=["scenes"],
)
def set_picture(
    project_id: ProjectId,
    number: SceneNumber,
    body: Annotated[PictureAttachRequest, Body(openapi_examples=examples.ATTACH_PICTURE)],
) -> Response[SceneResponse]:
    settings = get_config()
    scene = logic.attach_picture(
        caller(router, project_id),
        project_id,
        number,
        body.upload_id,
        bucket=settings.media_bucket,
        inspect_function=settings.inspect_picture_function,
    )
    return scene_response(scene)


@router.delete(
    "/projects/<project_id>/scenes/<number>/picture",
    summary="Remove a scene's picture",
    description=(
        "Gives the scene back to generated images: the next render draws it from its image_prompt. "
        "Removing a picture that is not there changes nothing (200). Not while a render runs (409)."
    ),
    responses={200: ok("The scene, without a picture.", SceneResponse), **errors(404, 409)},
    tags=["scenes"],
)
def remove_picture(project_id: ProjectId, number: SceneNumber) -> Response[SceneResponse]:
    scene = logic.remove_picture(caller(router, project_id), project_id, number)
    return scene_response(scene)
