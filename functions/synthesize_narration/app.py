"""SynthesizeNarration (Step Functions Map task): one scene's voice and sentence timings, or the cache's."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import WORK_BASE, config_with_table, handles
from videogen.pipeline.events import SceneStep
from videogen.pipeline.narration import synthesize_scene_narration

settings = config_with_table()


@handles(SceneStep)
def lambda_handler(event: SceneStep, context: LambdaContext) -> dict[str, Any]:
    return synthesize_scene_narration(event.project_id, event.scene, settings, WORK_BASE)
