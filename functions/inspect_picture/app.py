"""InspectPicture (invoked by the API and ingestion): check a scene picture with Pillow and store it."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.handlers import WORK_BASE, handles
from videogen.pipeline.events import InspectPictureStep
from videogen.pipeline.pictures import inspect_picture

# Only S3 and Pillow: this function has no table.
settings = get_config()


@handles(InspectPictureStep)
def lambda_handler(event: InspectPictureStep, context: LambdaContext) -> dict[str, Any]:
    return inspect_picture(event.key, event.project_id, event.name, settings, WORK_BASE)
