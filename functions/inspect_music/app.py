"""InspectMusic (invoked by the API): check an uploaded music file with ffmpeg before it is accepted."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.handlers import WORK_BASE, handles
from videogen.pipeline.events import InspectMusicStep
from videogen.pipeline.music import inspect_music

# Only S3 and ffmpeg: this function has no table.
settings = get_config()


@handles(InspectMusicStep)
def lambda_handler(event: InspectMusicStep, context: LambdaContext) -> dict[str, Any]:
    return inspect_music(event.key, settings, WORK_BASE)
