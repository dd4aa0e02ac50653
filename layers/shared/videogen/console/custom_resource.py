"""PublishConsole's side of CloudFormation's custom resource protocol.

CloudFormation sends Create, Update or Delete with a presigned ``ResponseURL`` and waits until something is
PUT there (at most the resource's ServiceTimeout). So every invocation answers, whatever happens: SUCCESS
with a physical resource id, or FAILED with the reason, which CloudFormation shows as the stack event's
status reason. Nothing here raises to Lambda: an exception would leave the stack waiting.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from videogen.domain.console import cognito_config
from videogen.logic import console
from videogen.observability import logger

#: How long the PUT of the answer may take (S3 answers in well under a second).
RESPONSE_TIMEOUT_SECONDS = 30
#: CloudFormation shows at most 4 KB of a response; the reason is cut well below it.
_REASON_LIMIT = 1000


class ConsoleProperties(BaseModel):
    """The custom resource's properties in template.yaml (PublishConsole). CloudFormation sends every
    value as a string."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    bucket_name: str = Field(alias="BucketName", min_length=3)
    api_base: str = Field(alias="ApiBase", pattern=r"^https://")
    hosted_ui: str = Field(alias="HostedUi", pattern=r"^https://")
    client_id: str = Field(alias="ClientId", min_length=1)
    console_url: str = Field(alias="ConsoleUrl", pattern=r"^https://")
    # Not read: it changes whenever the site's files do (the layer version's ARN), which is what makes
    # CloudFormation send an Update that publishes them.
    site_version: str = Field("", alias="SiteVersion")


class CustomResourceEvent(BaseModel):
    """What CloudFormation sends a custom resource's function."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    request_type: Literal["Create", "Update", "Delete"] = Field(alias="RequestType")
    response_url: str = Field(alias="ResponseURL")
    stack_id: str = Field(alias="StackId")
    request_id: str = Field(alias="RequestId")
    logical_resource_id: str = Field(alias="LogicalResourceId")
    physical_resource_id: str | None = Field(None, alias="PhysicalResourceId")
    resource_properties: dict[str, Any] = Field(default_factory=dict, alias="ResourceProperties")


def answer(event: dict[str, Any], site_dir: Path, log_stream: str = "") -> dict[str, Any]:
    """Do what the event asks and PUT the result to its ResponseURL; returns the response sent.

    An event without a ResponseURL cannot be answered (it is not from CloudFormation): it is logged and
    refused with a ValueError, the only case that raises.
    """
    try:
        request = CustomResourceEvent.model_validate(event)
    except ValidationError as exc:
        url = event.get("ResponseURL") if isinstance(event, dict) else None
        if not isinstance(url, str) or not url:
            raise ValueError("not a CloudFormation custom resource event (no ResponseURL)") from exc
        response = _response(event, "FAILED", f"Malformed custom resource event: {_short(exc)}", log_stream)
        send(url, response)
        return response
    try:
        physical_id, data = _handle(request, site_dir)
    except Exception as exc:  # noqa: BLE001 - every failure must reach CloudFormation as FAILED
        logger.exception("PublishConsole failed", extra={"request_type": request.request_type})
        response = _response(
            event,
            "FAILED",
            f"{type(exc).__name__}: {_short(exc)}",
            log_stream,
            physical_id=request.physical_resource_id,
        )
    else:
        response = _response(event, "SUCCESS", "", log_stream, physical_id=physical_id, data=data)
    send(request.response_url, response)
    return response


def _handle(request: CustomResourceEvent, site_dir: Path) -> tuple[str, dict[str, Any]]:
    """(physical resource id, data) of a request that succeeded."""
    if request.request_type == "Delete":
        bucket = str(request.resource_properties.get("BucketName") or "")
        # A Create that failed before naming its bucket has nothing to remove.
        removed = console.remove_site(bucket) if bucket else 0
        logger.info("Console bucket emptied", extra={"bucket": bucket, "removed": removed})
        return request.physical_resource_id or bucket or request.request_id, {"Removed": removed}
    props = ConsoleProperties.model_validate(request.resource_properties)
    config = cognito_config(
        api_base=props.api_base,
        hosted_ui=props.hosted_ui,
        client_id=props.client_id,
        console_url=props.console_url,
    )
    published = console.publish_site(site_dir, props.bucket_name, config)
    logger.info(
        "Console published",
        extra={"bucket": props.bucket_name, "written": published.written, "deleted": published.deleted},
    )
    # The bucket names the resource: a new bucket is a new resource, and CloudFormation then sends Delete
    # for the old one (with the old properties), which empties it.
    return props.bucket_name, {"Written": published.written, "Deleted": published.deleted}


def _short(exc: BaseException) -> str:
    return str(exc).replace("\n", " ")[:_REASON_LIMIT]


def _response(
    event: dict[str, Any],
    status: Literal["SUCCESS", "FAILED"],
    reason: str,
    log_stream: str,
    *,
    physical_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The body CloudFormation expects; a FAILED one says where the logs are."""
    if status == "FAILED" and log_stream:
        reason = f"{reason} (log stream {log_stream})"
    return {
        "Status": status,
        "Reason": reason,
        # A Create that failed has no id of its own yet: the request id is one CloudFormation accepts.
        "PhysicalResourceId": physical_id
        or event.get("PhysicalResourceId")
        or event.get("RequestId")
        or "none",
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "NoEcho": False,
        "Data": data or {},
    }


def send(url: str, response: dict[str, Any]) -> None:
    """PUT the response to CloudFormation's presigned S3 URL.

    The URL was signed without a content type, so none is sent (urllib would otherwise add one). A
    failure to answer is logged, not raised: raising cannot tell CloudFormation anything either.
    """
    body = json.dumps(response).encode()
    request = urllib.request.Request(url, data=body, method="PUT")  # noqa: S310 - CloudFormation's https URL
    request.add_header("Content-Type", "")
    request.add_header("Content-Length", str(len(body)))
    try:
        with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_SECONDS) as reply:  # noqa: S310
            reply.read()
    except OSError:
        logger.exception("Could not answer CloudFormation", extra={"status": response["Status"]})
