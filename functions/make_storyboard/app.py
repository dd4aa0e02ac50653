"""MakeStoryboard (Step Functions task): the render's storyboard and scene thumbnails, before assembly."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import WORK_BASE, config_with_table, handles
from videogen.pipeline.events import RenderStep
from videogen.pipeline.storyboard import make_storyboard

settings = config_with_table()


@handles(RenderStep)
def lambda_handler(event: RenderStep, context: LambdaContext) -> dict[str, Any]:
    return make_storyboard(event.project_id, event.render_id, settings, WORK_BASE)
