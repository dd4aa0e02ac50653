"""/projects: create, list, read, update and delete a caller's projects."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from videogen.api import examples
from videogen.api.context import current_groups, public_path, version_from_if_match
from videogen.api.models import (
    ProjectCreateRequest,
    ProjectListResponse,
    ProjectResponse,
    ProjectSummary,
    ProjectUpdateRequest,
)
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import IfMatchHeader, ProjectId, errors, ok
from videogen.api.routes.replies import versioned
from videogen.config import get_config
from videogen.domain.enums import ProjectStatus
from videogen.domain.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from videogen.domain.models import NewProject, Project, ProjectChanges
from videogen.logic import projects as logic

router = Router()


def _project_response(
    project: Project, status: int = 200, headers: dict[str, str] | None = None
) -> Response[ProjectResponse]:
    return versioned(ProjectResponse.from_domain(project), project.version, status, headers)


@router.post(
    "/projects",
    summary="Create a project",
    description=(
        "Creates a DRAFT project from a title, a script and optional settings. The paid image providers "
        "(stability, bedrock) may be limited to members of the paid-providers group: others get 403."
    ),
    responses={
        201: ok("The project was created; Location points at it.", ProjectResponse, ("ETag", "Location")),
        **errors(400, 403, 413, 415, 422),
    },
    tags=["projects"],
)
def create_project(
    body: Annotated[ProjectCreateRequest, Body(openapi_examples=examples.CREATE_PROJECT)],
) -> Response[ProjectResponse]:
    owner = caller(router)
    project = logic.create_project(
        owner,
        NewProject(
            title=body.title,
            script=body.script,
            settings=body.settings.model_dump(exclude_unset=True),
            script_format=body.script_format,
        ),
        caller_groups=current_groups(router),
    )
    location = public_path(router, f"/projects/{project.id}")
    return _project_response(project, 201, {"Location": location})


@router.get(
    "/projects",
    summary="List projects",
    description="The caller's projects, newest first, a page at a time; optionally only one status.",
    responses={200: ok("A page of projects.", ProjectListResponse), **errors(400, 422)},
    tags=["projects"],
)
def list_projects(
    status: Annotated[ProjectStatus | None, Query(description="Only projects in this status.")] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1 to {MAX_PAGE_SIZE}.")
    ] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None, Query(max_length=2048, description="The next_cursor of the previous page.")
    ] = None,
) -> ProjectListResponse:
    owner = caller(router)
    page = logic.list_projects(owner, status, limit, cursor)
    return ProjectListResponse(
        items=[ProjectSummary.from_domain(item) for item in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/projects/<project_id>",
    summary="Get a project",
    description="One project with its script, status and progress. The ETag header carries its version.",
    responses={200: ok("The project.", ProjectResponse, ("ETag",)), **errors(404)},
    tags=["projects"],
)
def get_project(project_id: ProjectId) -> Response[ProjectResponse]:
    return _project_response(logic.get_project(caller(router), project_id))


@router.patch(
    "/projects/<project_id>",
    summary="Update a project",
    description=(
        "Changes title, script or settings. Send If-Match with the ETag you read to avoid overwriting "
        "someone else's change: a stale ETag gets 412. A project being rendered cannot change (409). "
        "Switching to a paid image provider may be limited to members of the paid-providers group (403)."
    ),
    responses={
        200: ok("The updated project.", ProjectResponse, ("ETag",)),
        **errors(400, 403, 404, 409, 412, 413, 415, 422),
    },
    tags=["projects"],
)
def update_project(
    project_id: ProjectId,
    body: Annotated[ProjectUpdateRequest, Body(openapi_examples=examples.UPDATE_PROJECT)],
    if_match: IfMatchHeader = None,
) -> Response[ProjectResponse]:
    owner = caller(router)
    expected = version_from_if_match(if_match)
    changes = ProjectChanges(
        title=body.title,
        script=body.script,
        script_format=body.script_format,
        settings=body.settings.model_dump(exclude_unset=True) if body.settings else {},
    )
    return _project_response(
        logic.update_project(owner, project_id, changes, expected, caller_groups=current_groups(router))
    )


@router.delete(
    "/projects/<project_id>",
    summary="Delete a project",
    description="Deletes the project and everything under it: scenes, assets and files.",
    responses={204: ok("Deleted."), **errors(404, 409)},
    tags=["projects"],
)
def delete_project(project_id: ProjectId) -> Response[None]:
    logic.delete_project(caller(router), project_id, get_config().media_bucket)
    return Response(status_code=204, body=None)
