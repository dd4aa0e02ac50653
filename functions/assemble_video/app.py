"""AssembleVideo (Step Functions task): the scene images become the MP4, subtitles and thumbnail."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import WORK_BASE, config_with_table, handles
from videogen.pipeline.assemble import assemble_render
from videogen.pipeline.events import RenderStep

settings = config_with_table()


@handles(RenderStep)
def lambda_handler(event: RenderStep, context: LambdaContext) -> dict[str, Any]:
    return assemble_render(event.project_id, event.render_id, settings, WORK_BASE)
