"""GenerateImage (Step Functions Map task): one scene's image, generated or taken from the cache."""

import time
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.pipeline.events import SceneStep
from videogen.pipeline.images import generate_scene_image

settings = config_with_table()


@handles(SceneStep)
def lambda_handler(event: SceneStep, context: LambdaContext) -> dict[str, Any]:
    # The providers' fallback starts no call that could not finish before the function's timeout.
    deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000
    return {
        "scene": event.scene,
        "image_key": generate_scene_image(
            event.project_id, event.render_id, event.scene, settings, deadline=deadline
        ),
    }
