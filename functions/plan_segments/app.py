"""PlanSegments (Step Functions task): the render's timeline cut into segments, stored as its plan."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.assemble import plan_render
from videogen.pipeline.events import RenderStep

settings = config_with_table()


@handles(RenderStep)
def lambda_handler(event: RenderStep, context: LambdaContext) -> dict[str, Any]:
    return plan_render(event.project_id, event.render_id, settings)
