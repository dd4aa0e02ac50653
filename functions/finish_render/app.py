"""FinishRender (Step Functions task): record the render's assets, mark the project COMPLETED."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.events import FinishStep
from videogen.pipeline.finish import finish_render

settings = config_with_table()


@handles(FinishStep)
def lambda_handler(event: FinishStep, context: LambdaContext) -> dict[str, Any]:
    finish_render(event.project_id, event.render_id, settings, event.duration)
    return {"status": "COMPLETED"}
