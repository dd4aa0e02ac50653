"""/scripts/check and /settings: what a client needs before it creates anything.

An editor checks the script as the writer types (the scenes it makes, or the line and column of its first
problem) and builds its settings form from /settings, so neither keeps a copy of the parser's rules or of
the settings' choices.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from videogen.api import examples
from videogen.api.models import (
    ScriptCheckRequest,
    ScriptCheckResponse,
    ScriptCheckScene,
    ScriptProblem,
    SettingFieldResponse,
    SettingsResponse,
)
from videogen.api.routes.caller import caller
from videogen.api.routes.docs import errors, ok
from videogen.api.routes.replies import json_reply
from videogen.domain.enums import ProjectStatus, ScriptFormat
from videogen.domain.settings import describe_settings
from videogen.logic.scripts import ScriptCheck, check_script

router = Router()
#: The settings change only with a deployment: a client may keep them for a while.
_SETTINGS_HEADERS = {"Cache-Control": "private, max-age=300"}


def _check_response(check: ScriptCheck) -> ScriptCheckResponse:
    problem = None
    if check.problem is not None:
        details = check.problem.details
        problem = ScriptProblem(
            code=check.problem.error_code,
            message=check.problem.message,
            reason=details.get("reason"),
            line=details.get("line"),
            column=details.get("column"),
            text=details.get("text"),
            hint=details.get("hint"),
        )
    return ScriptCheckResponse(
        valid=check.valid,
        script_format=check.script_format,
        title=check.title,
        scene_count=len(check.scenes),
        estimated_seconds=round(sum(check.scene_seconds), 2),
        scenes=[
            ScriptCheckScene(
                number=scene.number,
                title=scene.title,
                line=scene.line,
                narration_chars=len(scene.narration),
                image_prompt=scene.image_prompt,
                picture=scene.picture.path if scene.picture else None,
                estimated_seconds=round(seconds, 2),
            )
            for scene, seconds in zip(check.scenes, check.scene_seconds, strict=True)
        ],
        settings=check.settings,
        problem=problem,
    )


@router.post(
    "/scripts/check",
    summary="Check a script",
    description=(
        "Reads a script as creating a project would, and stores nothing: the scenes it makes with their "
        "estimated lengths and the settings a project would get, or (still 200, valid false) the first "
        "problem with its line, column, hint and reason. Cheap enough to call as the writer types."
    ),
    responses={200: ok("The script, read.", ScriptCheckResponse), **errors(400, 413, 415)},
    tags=["scripts"],
)
def check(
    body: Annotated[ScriptCheckRequest, Body(openapi_examples=examples.CHECK_SCRIPT)],
) -> ScriptCheckResponse:
    caller(router)
    return _check_response(
        check_script(body.script, body.script_format, body.settings.model_dump(exclude_unset=True))
    )


@router.get(
    "/settings",
    summary="Project settings",
    description=(
        "Every project setting in order, with its kind of control, choices or bounds, default and "
        "description: what a client builds its settings form from (the same definitions the API checks)."
    ),
    responses={200: ok("The settings.", SettingsResponse), **errors()},
    tags=["scripts"],
)
def settings() -> Response[SettingsResponse]:
    caller(router)
    body = SettingsResponse(
        fields=[
            SettingFieldResponse.model_validate(item, from_attributes=True) for item in describe_settings()
        ],
        script_formats=list(ScriptFormat),
        project_statuses=list(ProjectStatus),
    )
    return json_reply(body, headers=_SETTINGS_HEADERS)
