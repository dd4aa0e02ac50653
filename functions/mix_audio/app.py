"""MixAudio (Step Functions task, beside the segments): narration and music, mixed and encoded to AAC."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import WORK_BASE, config_with_table, handles
from videogen.pipeline.assemble import mix_audio
from videogen.pipeline.events import RenderStep

settings = config_with_table()


@handles(RenderStep)
def lambda_handler(event: RenderStep, context: LambdaContext) -> dict[str, Any]:
    return mix_audio(event.project_id, event.render_id, settings, WORK_BASE)
