"""What the state machine hands each step: ids and keys, never media."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RenderStep(BaseModel):
    """The input every step receives."""

    model_config = ConfigDict(extra="ignore")

    project_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    render_id: str = Field(pattern=r"^\d{6}$")
    request_id: str = Field("unknown", max_length=128)


class FinishStep(RenderStep):
    """FinishRender: the assembled video's duration comes along (for the drop folder's result.json)."""

    duration: float | None = Field(None, ge=0)


class SceneStep(RenderStep):
    """GenerateImage: one scene of the render."""

    scene: int = Field(ge=1, le=10_000)


class SegmentStep(RenderStep):
    """RenderSegment: one segment of the render's plan (its index in plan.json)."""

    segment: int = Field(ge=0, le=100_000)


class FailureStep(RenderStep):
    """RecordFailure: the Catch output of the step that failed ({"Error", "Cause"})."""

    failure: dict[str, Any] = Field(default_factory=dict)


class InspectMusicStep(BaseModel):
    """InspectMusic: an uploaded file to check before it becomes a project's music (invoked by the API)."""

    model_config = ConfigDict(extra="ignore")

    key: str = Field(pattern=r"^uploads/[0-9a-f]{32}/[0-9a-f]{32}$")
    request_id: str = Field("unknown", max_length=128)


class InspectPictureStep(BaseModel):
    """InspectPicture: an uploaded file to check before it becomes a scene's picture (invoked by the API,
    ingestion and ``videogen render``)."""

    model_config = ConfigDict(extra="ignore")

    key: str = Field(pattern=r"^uploads/[0-9a-f]{32}/[0-9a-f]{32}$")
    project_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    name: str | None = Field(None, max_length=1024)
    request_id: str = Field("unknown", max_length=128)


class ExecutionStatusChange(BaseModel):
    """What reconcile reads of Step Functions' "Execution Status Change" event on EventBridge."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    execution_arn: str = Field(alias="executionArn")
    name: str = Field(max_length=80)
    status: str = Field(description="RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, ...")
    input: str | None = Field(None, description="The execution's input, as JSON text.")
    error: str | None = None
    cause: str | None = None

    def render(self) -> RenderStep:
        """Which render the execution ran: its input, else its name ``<project id>-<render id>``."""
        try:
            return RenderStep.model_validate_json(self.input or "")
        except ValueError:
            project_id, _, render_id = self.name.rpartition("-")
            return RenderStep(project_id=project_id, render_id=render_id)


class ExecutionEvent(BaseModel):
    """An EventBridge event from Step Functions (the envelope: only its detail is read)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(max_length=128)
    source: str
    detail: ExecutionStatusChange


class RenderEventEnvelope(BaseModel):
    """A render event as EventBridge hands it to a rule's target (DispatchWebhooks)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(max_length=128)
    source: str
    detail_type: str = Field(alias="detail-type")
    detail: dict[str, Any]


class QueuedDelivery(BaseModel):
    """A webhook delivery's queue message: which delivery, and whether a person asked for this attempt."""

    model_config = ConfigDict(extra="ignore")

    webhook_id: str = Field(pattern=r"^wh_[0-9a-f]{24}$")
    delivery_id: str = Field(pattern=r"^dl_\d{13}_[0-9a-f]{12}$")
    manual: bool = False
