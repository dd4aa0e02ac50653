"""RenderSegment (Step Functions task, one per segment in a Map): one segment of the video, to S3."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import WORK_BASE, config_with_table, handles
from videogen.pipeline.assemble import render_segment_step
from videogen.pipeline.events import SegmentStep

settings = config_with_table()


@handles(SegmentStep)
def lambda_handler(event: SegmentStep, context: LambdaContext) -> dict[str, Any]:
    return render_segment_step(event.project_id, event.render_id, event.segment, settings, WORK_BASE)
