"""PublishConsole (a CloudFormation custom resource): copy the console's static files and its config.json
to the console bucket on Create and Update; empty the bucket on Delete."""

from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.config import get_config
from videogen.console.custom_resource import answer
from videogen.handlers import handles

#: Where the ConsoleSiteLayer puts the site (a layer unpacks under /opt).
SITE_DIR = Path(get_config().console_site_dir)


@handles(correlation_id_path="RequestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return answer(event, SITE_DIR, context.log_stream_name)
