"""/projects/{id}/scenes: read and edit the scenes a project's script was split into."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from videogen.api import examples
from videogen.api.context import version_from_if_match
from videogen.api.models import SceneListResponse, SceneResponse, SceneUpdateRequest
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import IfMatchHeader, ProjectId, errors, ok
from videogen.api.routes.replies import versioned
from videogen.domain.limits import MAX_SCENES
from videogen.domain.models import Scene, SceneChanges
from videogen.logic import scenes as logic

router = Router()

SceneNumber = Annotated[str, Path(description="The scene's 1-based number.")]


def scene_response(scene: Scene) -> Response[SceneResponse]:
    return versioned(SceneResponse.from_domain(scene), scene.version)


@router.get(
    "/projects/<project_id>/scenes",
    summary="List scenes",
    description="The scenes of the project's current script, in order, a page at a time.",
    responses={200: ok("A page of scenes.", SceneListResponse), **errors(400, 404)},
    tags=["scenes"],
)
def list_scenes(
    project_id: ProjectId,
    limit: Annotated[int, Query(ge=1, le=MAX_SCENES, description=f"Page size, 1 to {MAX_SCENES}.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=256, description="The next_cursor of the previous page.")
    ] = None,
) -> SceneListResponse:
    page = logic.list_scenes(caller(router), project_id, limit, cursor)
    return SceneListResponse(
        items=[SceneResponse.from_domain(scene) for scene in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/projects/<project_id>/scenes/<number>",
    summary="Get a scene",
    description="One scene. The ETag header carries its version.",
    responses={200: ok("The scene.", SceneResponse, ("ETag",)), **errors(404)},
    tags=["scenes"],
)
def get_scene(project_id: ProjectId, number: SceneNumber) -> Response[SceneResponse]:
    return scene_response(logic.get_scene(caller(router), project_id, number))


@router.patch(
    "/projects/<project_id>/scenes/<number>",
    summary="Update a scene",
    description=(
        "Changes narration, image prompt, duration or transition, and marks the scene's image stale so the "
        "next render regenerates this scene only. If-Match works as for projects (stale → 412)."
    ),
    responses={
        200: ok("The updated scene.", SceneResponse, ("ETag",)),
        **errors(400, 404, 409, 412, 415),
    },
    tags=["scenes"],
)
def update_scene(
    project_id: ProjectId,
    number: SceneNumber,
    body: Annotated[SceneUpdateRequest, Body(openapi_examples=examples.UPDATE_SCENE)],
    if_match: IfMatchHeader = None,
) -> Response[SceneResponse]:
    owner = caller(router)
    expected = version_from_if_match(if_match)
    changes = SceneChanges(
        fields_set=frozenset(body.model_fields_set),
        narration=body.narration,
        image_prompt=body.image_prompt,
        duration=body.duration,
        transition=body.transition,
    )
    return scene_response(logic.update_scene(owner, project_id, number, changes, expected))
