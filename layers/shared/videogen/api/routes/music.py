"""/projects/{id}/music: one background track per project, uploaded through a presigned POST.

The upload is two calls around a direct upload to S3: POST .../music/uploads gives a form whose policy
S3 enforces (type, key, at most 50 MB); PUT .../music checks the file (it must decode as audio and last at
most 30 minutes) and makes it the project's music. Once attached, the track is the asset "music".
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from videogen.api import examples
from videogen.api.models import MusicAttachRequest, MusicResponse, MusicUploadRequest, MusicUploadResponse
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import ProjectId, errors, ok
from videogen.api.routes.replies import json_reply, stored_file
from videogen.config import get_config
from videogen.domain.models import Asset
from videogen.logic import music as logic

router = Router()


def _music_response(music: Asset) -> MusicResponse:
    return MusicResponse(**stored_file(music), duration=music.duration or 0.0)


@router.post(
    "/projects/<project_id>/music/uploads",
    summary="Start a music upload",
    description=(
        "Returns a presigned POST form for one audio file of at most 50 MB. POST the fields, then the file "
        "as the last field named 'file', to the URL within 15 minutes; then call PUT "
        "/projects/{id}/music with the upload_id. A type that is not audio or a size over 50 MB is "
        "refused here (422 INVALID_MUSIC); S3 refuses a different type or a larger file at upload."
    ),
    responses={201: ok("Upload here.", MusicUploadResponse), **errors(400, 404, 409, 415)},
    tags=["music"],
)
def start_music_upload(
    project_id: ProjectId,
    body: Annotated[MusicUploadRequest, Body(openapi_examples=examples.UPLOAD_MUSIC)],
) -> Response[MusicUploadResponse]:
    settings = get_config()
    upload = logic.start_upload(
        caller(router, project_id),
        project_id,
        filename=body.filename,
        content_type=body.content_type,
        size=body.size,
        bucket=settings.media_bucket,
        expires_in=settings.presign_seconds,
    )
    return json_reply(MusicUploadResponse.model_validate(upload, from_attributes=True), 201)


@router.put(
    "/projects/<project_id>/music",
    summary="Set the music",
    description=(
        "Makes an uploaded file the project's background music, replacing any earlier track. The file is "
        "decoded first: one that is not audio, lasts over 30 minutes or is over 50 MB gets 422 "
        "INVALID_MUSIC and is deleted; one that has not arrived gets 409 UPLOAD_NOT_RECEIVED. Renders loop "
        "or trim the track to the video, fade it out at the end and duck it under the narration. Not while "
        "a render runs (409)."
    ),
    responses={200: ok("The project's music.", MusicResponse), **errors(400, 404, 409, 415)},
    tags=["music"],
)
def set_music(
    project_id: ProjectId,
    body: Annotated[MusicAttachRequest, Body(openapi_examples=examples.ATTACH_MUSIC)],
) -> MusicResponse:
    settings = get_config()
    music = logic.attach_music(
        caller(router, project_id),
        project_id,
        body.upload_id,
        bucket=settings.media_bucket,
        inspect_function=settings.inspect_music_function,
    )
    return _music_response(music)


@router.delete(
    "/projects/<project_id>/music",
    summary="Remove the music",
    description=(
        "Takes the music off the project; later renders have none. Removing music that is not there is not "
        "an error (204). Not while a render runs (409). The project's music, when it has some, is the "
        "asset 'music' (GET /projects/{id}/assets/music)."
    ),
    responses={204: ok("The project has no music now."), **errors(404, 409)},
    tags=["music"],
)
def remove_music(project_id: ProjectId) -> Response[None]:
    logic.remove_music(caller(router, project_id), project_id, bucket=get_config().media_bucket)
    return Response(status_code=204, body=None)
