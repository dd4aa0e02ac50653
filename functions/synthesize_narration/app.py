"""SynthesizeNarration (Step Functions Map task): one scene's voice and sentence timings, or the cache's."""

import tempfile
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.dal.tables import bind_table
from videogen.observability import CAPTURE_COLD_START_METRIC, logger, metrics, tracer
from videogen.pipeline.events import SceneStep
from videogen.pipeline.narration import synthesize_scene_narration

settings = get_config()
bind_table(settings.table_name, settings.aws_region)
# Lambda's only writable place is /tmp (what gettempdir gives there); each scene gets its own folder
WORK_BASE = Path(tempfile.gettempdir())


@logger.inject_lambda_context(correlation_id_path="request_id", clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=CAPTURE_COLD_START_METRIC)
@tracer.capture_lambda_handler
@event_parser(model=SceneStep)
def lambda_handler(event: SceneStep, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(project_id=event.project_id, render_id=event.render_id, scene=event.scene)
    return synthesize_scene_narration(event.project_id, event.scene, settings, WORK_BASE)
