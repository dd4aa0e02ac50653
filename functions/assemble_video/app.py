"""AssembleVideo (Step Functions task): the scene images become the MP4, subtitles and thumbnail."""

import tempfile
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.dal.tables import bind_table
from videogen.observability import CAPTURE_COLD_START_METRIC, logger, metrics, tracer
from videogen.pipeline.assemble import assemble_render
from videogen.pipeline.events import RenderStep

settings = get_config()
bind_table(settings.table_name, settings.aws_region)
# Lambda's only writable place is /tmp (what gettempdir gives there); each render gets its own folder
WORK_BASE = Path(tempfile.gettempdir())


@logger.inject_lambda_context(correlation_id_path="request_id", clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=CAPTURE_COLD_START_METRIC)
@tracer.capture_lambda_handler
@event_parser(model=RenderStep)
def lambda_handler(event: RenderStep, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(project_id=event.project_id, render_id=event.render_id)
    return assemble_render(event.project_id, event.render_id, settings, WORK_BASE)
