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


class FailureStep(RenderStep):
    """RecordFailure: the Catch output of the step that failed ({"Error", "Cause"})."""

    failure: dict[str, Any] = Field(default_factory=dict)


class InspectMusicStep(BaseModel):
    """InspectMusic: an uploaded file to check before it becomes a project's music (invoked by the API)."""

    model_config = ConfigDict(extra="ignore")

    key: str = Field(pattern=r"^uploads/[0-9a-f]{32}/[0-9a-f]{32}$")
    request_id: str = Field("unknown", max_length=128)
