"""A render's manifest: what made it, so it can be checked and made again.

``renders/{n}/manifest.json`` is written in two steps. ConcatVideo, which measured the video, writes what
assembly knows (``AssemblyRecord``: durations, encoder settings, segments, the outputs' hashes, the ffmpeg
version). FinishRender completes it into a ``RenderManifest``: the script and settings, each scene's image
provenance (who drew it, with which model, seed and prompt, and its hash), voice and narration timing, and
the time each step of the execution took. A render that stopped after its images has no assembly part.

``videogen render --from-manifest`` reads it back: the same script and settings (the seed included) give
the same images and, with the local provider and voice, the same video, byte for byte.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from videogen.domain.provenance import ImageProvenance

MANIFEST_FORMAT: Final = "videogen.render-manifest/1"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class OutputRecord(_Record):
    """One file the render produced."""

    key: str = Field(description="Its S3 key.")
    bytes: int = Field(ge=0, description="Its size.")
    sha256: str = Field(description="SHA-256 of its bytes, hex.")


class SegmentRecord(_Record):
    """One segment of the video: its content-addressed fragment and the scenes it shows."""

    index: int = Field(ge=0)
    key: str = Field(description="The fragment's S3 key (named by the hash of everything in it).")
    scenes: list[int] = Field(description="The scene numbers it shows (1-based).")


class EncodingRecord(_Record):
    """The encoder settings every segment was made with."""

    width: int
    height: int
    fps: int
    preset: str
    crf: int
    threads: int | None = None  # x264's threads (None: a render before they were fixed, x264's default)


class SceneTimingRecord(_Record):
    """Where a scene sits in the video (seconds)."""

    number: int
    duration: float
    start: float
    narration_start: float


class AssemblyRecord(_Record):
    """What ConcatVideo knows once the video is joined (``finish.read_manifest`` reads it too)."""

    duration: float = Field(description="The video's length in seconds.")
    ffmpeg_version: str = Field(description="The ffmpeg that rendered it (first line of ffmpeg -version).")
    encoding: EncodingRecord
    segments: list[SegmentRecord]
    outputs: dict[str, OutputRecord] = Field(
        description="The video, subtitles and thumbnail, by output name."
    )
    scenes: list[SceneTimingRecord]


class SentenceRecord(_Record):
    """One sentence of a scene's narration, timed from the start of its audio."""

    text: str
    start: float
    end: float


class SceneRecord(_Record):
    """One scene: what the script said, how its image and narration were made, where it sits."""

    number: int
    title: str | None = None
    narration: str = ""
    image_prompt: str = ""
    image: ImageProvenance | None = Field(None, description="How its image was made (None: no record).")
    voice: str | None = Field(None, description="The narrator; None: nothing was spoken.")
    narration_seconds: float | None = None
    sentences: list[SentenceRecord] = Field(default_factory=list)
    duration: float | None = Field(None, description="In the video; None for a render without one.")
    start: float | None = None
    narration_start: float | None = None


class ScriptRecord(_Record):
    """The script exactly as rendered."""

    format: str = Field(description="md, txt, fountain or json.")
    text: str
    sha256: str


class MusicRecord(_Record):
    """The background music (the file itself is the user's: only named and hashed here)."""

    key: str
    name: str | None = None
    sha256: str | None = None


class StepTiming(_Record):
    """One state of the render's execution and how long it took."""

    state: str
    started_at: datetime
    seconds: float


class RenderManifest(_Record):
    """Everything that made one render (the ``manifest`` asset)."""

    format: Literal["videogen.render-manifest/1"] = MANIFEST_FORMAT
    project_id: str
    render_id: str
    created_at: datetime
    videogen_version: str
    stop_after: str | None = None
    script: ScriptRecord
    settings: dict[str, Any] = Field(description="The project's settings, as rendered (the seed included).")
    music: MusicRecord | None = None
    duration: float | None = Field(None, description="The video's length (None: no video).")
    ffmpeg_version: str | None = None
    encoding: EncodingRecord | None = None
    segments: list[SegmentRecord] = Field(default_factory=list)
    outputs: dict[str, OutputRecord] = Field(default_factory=dict)
    scenes: list[SceneRecord]
    steps: list[StepTiming] = Field(default_factory=list)
