"""PrepareRender (Step Functions task): mark the project RENDERING, list the scenes needing an image."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.events import RenderStep
from videogen.pipeline.prepare import prepare_render

settings = config_with_table()


@handles(RenderStep)
def lambda_handler(event: RenderStep, context: LambdaContext) -> dict[str, Any]:
    return prepare_render(event.project_id, event.render_id, settings)
