"""ConcatVideo (Step Functions task): the segments and the soundtrack joined into the MP4, with subtitles,
thumbnail and manifest."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import WORK_BASE, config_with_table, handles
from videogen.pipeline.assemble import concat_video
from videogen.pipeline.events import RenderStep

settings = config_with_table()


@handles(RenderStep)
def lambda_handler(event: RenderStep, context: LambdaContext) -> dict[str, Any]:
    return concat_video(event.project_id, event.render_id, settings, WORK_BASE)
