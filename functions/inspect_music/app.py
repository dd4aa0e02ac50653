"""InspectMusic (invoked by the API): check an uploaded music file with ffmpeg before it is accepted."""

import tempfile
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.observability import CAPTURE_COLD_START_METRIC, logger, metrics, tracer
from videogen.pipeline.events import InspectMusicStep
from videogen.pipeline.music import inspect_music

settings = get_config()
# Lambda's only writable place is /tmp (what gettempdir gives there); each check gets its own folder
WORK_BASE = Path(tempfile.gettempdir())


@logger.inject_lambda_context(correlation_id_path="request_id", clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=CAPTURE_COLD_START_METRIC)
@tracer.capture_lambda_handler
@event_parser(model=InspectMusicStep)
def lambda_handler(event: InspectMusicStep, context: LambdaContext) -> dict[str, Any]:
    return inspect_music(event.key, settings, WORK_BASE)
