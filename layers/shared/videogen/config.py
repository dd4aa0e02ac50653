"""Runtime settings, read once per function from its environment (template.yaml sets them)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from videogen.domain.costs import DEFAULT_PRICES, Prices
from videogen.providers.catalog import BEDROCK_MODEL_ID


class Config(BaseModel):
    """What every videogen function needs to know about where it runs (one environment variable per
    field, upper-cased: TABLE_NAME, MEDIA_BUCKET, ...)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = Field(description="The DynamoDB table holding projects, scenes and assets.")
    media_bucket: str = Field(description="The S3 bucket holding scripts, images, audio and videos.")
    stage: str = Field("v1", description="The API stage, first segment of every public path.")
    environment: Literal["local", "dev", "prod"] = Field("local", description="Where this runs.")
    log_level: str = Field("INFO", description="Logger level.")
    aws_region: str = Field("us-east-1", description="The AWS region.")
    presign_seconds: int = Field(900, ge=1, le=900, description="Lifetime of presigned download URLs.")
    cors_allow_origin: str = Field("*", description="The origin browsers may call the API from.")
    state_machine_arn: str | None = Field(None, description="The render state machine (API function only).")
    event_bus_name: str | None = Field(
        None, description="The EventBridge bus render events go on (none: they are not published)."
    )
    webhook_queue_url: str | None = Field(
        None, description="The SQS queue webhook deliveries wait in (API, dispatch and delivery functions)."
    )
    webhooks_allow_local: bool = Field(
        False,
        description=(
            "Let webhooks reach loopback and private addresses over plain http: only on a developer's own "
            "machine (videogen serve and watch set it); deployed, https to public addresses only."
        ),
    )
    webhook_retry_base_seconds: int = Field(
        30, ge=1, le=900, description="The wait before a failed delivery's second attempt (then doubling)."
    )
    inspect_music_function: str | None = Field(
        None, description="The function that checks music uploads with ffmpeg (API function only)."
    )
    inspect_picture_function: str | None = Field(
        None,
        description=(
            "The function that checks scene pictures with Pillow (the API and ingestion functions only)."
        ),
    )
    console_site_dir: str = Field(
        "/opt/site",
        description="The console's static files (PublishConsole only: ConsoleSiteLayer unpacks them there).",
    )
    stability_api_key: str | None = Field(
        None, repr=False, description="Stability AI key, for local runs; deployed, use the parameter below."
    )
    stability_api_key_parameter: str | None = Field(
        None, description="Name of the SSM SecureString holding the Stability AI key."
    )
    stability_api: Literal["rest", "grpc"] = Field("rest", description="Stability's REST v2beta or gRPC API.")
    stability_base_url: str = Field(
        "https://api.stability.ai",
        description="Stability's REST API (https; plain http only to a server on this machine, a test fake).",
    )
    bedrock_model_id: str = Field(BEDROCK_MODEL_ID, description="The Bedrock image model.")
    render_timeout_seconds: int = Field(840, description="Longest an ffmpeg assembly may run.")
    max_running_renders_per_owner: int = Field(
        2, ge=1, le=1000, description="Renders one owner may have queued or running at once."
    )
    max_renders_per_day_per_owner: int = Field(
        50, ge=1, le=100_000, description="Renders one owner may start per UTC day."
    )
    # What renders cost (US dollars, list prices; template.yaml's Price* parameters, defaults equal).
    price_lambda_gb_second_usd: float = Field(
        DEFAULT_PRICES.lambda_gb_second, ge=0, description="Lambda compute per GB-second."
    )
    price_lambda_request_usd: float = Field(
        DEFAULT_PRICES.lambda_request, ge=0, description="One Lambda invocation."
    )
    price_state_transition_usd: float = Field(
        DEFAULT_PRICES.state_transition, ge=0, description="One Step Functions state transition."
    )
    price_s3_put_usd: float = Field(DEFAULT_PRICES.s3_put, ge=0, description="One S3 PUT-class request.")
    price_s3_get_usd: float = Field(DEFAULT_PRICES.s3_get, ge=0, description="One S3 GET-class request.")
    price_stability_image_usd: float = Field(
        DEFAULT_PRICES.stability_image, ge=0, description="One image from Stability AI."
    )
    price_bedrock_image_usd: float = Field(
        DEFAULT_PRICES.bedrock_image, ge=0, description="One image from the Bedrock model."
    )
    price_polly_character_usd: float = Field(
        DEFAULT_PRICES.polly_character, ge=0, description="One character narrated by Amazon Polly."
    )
    monthly_budget_per_owner_usd: float = Field(
        0.0,
        ge=0,
        description=(
            "Estimated dollars one owner's renders may cost per UTC month; a render whose estimate would "
            "exceed what remains is refused (402 BUDGET_EXCEEDED). 0: no budget."
        ),
    )
    sentry_dsn: str | None = Field(
        None, repr=False, description="Report unexpected exceptions to Sentry (needs the sentry extra)."
    )
    paid_providers: Literal["group", "everyone", "nobody"] = Field(
        "everyone",
        description=(
            "Who may pick a paid image provider (stability, bedrock): members of the paid-providers Cognito "
            "group, everyone, or nobody. Deployed, the PaidProviders parameter sets it (default group); "
            "locally there are no groups, so everyone."
        ),
    )

    def prices(self) -> Prices:
        """The list prices renders are estimated at."""
        return Prices(
            lambda_gb_second=self.price_lambda_gb_second_usd,
            lambda_request=self.price_lambda_request_usd,
            state_transition=self.price_state_transition_usd,
            s3_put=self.price_s3_put_usd,
            s3_get=self.price_s3_get_usd,
            stability_image=self.price_stability_image_usd,
            bedrock_image=self.price_bedrock_image_usd,
            polly_character=self.price_polly_character_usd,
        )


@lru_cache(maxsize=1)
def get_config() -> Config:
    """The settings of this process, read from the environment the first time they are needed."""
    fields = Config.model_fields
    return Config.model_validate(
        {name: os.environ[name.upper()] for name in fields if name.upper() in os.environ}
    )
