"""The drop folder's answers in ``outbox/{owner}/{script name}/``: the latest attempt's outcome, one way.

Success leaves the render's outputs under their file names (``video.mp4``, ``subtitles.srt``,
``subtitles.vtt``, ``thumbnail.jpg``: ``layout.RENDER_OUTPUTS``) and ``result.json`` (and removes an
``error.json`` of an earlier attempt); failure leaves ``error.json`` (and removes the ``result.json`` and
files of an earlier success), so a folder never shows one attempt's video next to another's error. Keys
are fixed and documents hold no clock time: running a step twice writes the same.
The outbox is outside ``inbox/``, so nothing written here can trigger ingestion.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from videogen.dal import storage
from videogen.domain.layout import RENDER_OUTPUTS, RenderOutput
from videogen.domain.models import Project, Scene

RESULT_FILE = "result.json"
ERROR_FILE = "error.json"


@dataclass(frozen=True, slots=True)
class ProducedFile:
    """One output a render produced: which output, its key in the render's folder, how large it is. In the
    outbox it keeps its file name from the render's folder."""

    output: RenderOutput
    key: str
    size: int


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def error_document(
    error: Mapping[str, Any],
    *,
    project_id: str | None,
    render_id: str | None,
    request_id: str,
    source_key: str | None = None,
) -> dict[str, Any]:
    """What error.json says: the code, message and details the API gives for the same problem.

    ``error`` is an error's public form (``{"code", "message", "details"}``, see
    VideoGeneratorException.to_dict); for a script error, its line and column are repeated next to them.
    """
    details = dict(error.get("details") or {})
    body: dict[str, Any] = {"code": error["code"], "message": error["message"], "details": details}
    if "line" in details:
        body["line"] = details["line"]
        body["column"] = details.get("column")
    body["request_id"] = request_id
    document: dict[str, Any] = {"status": "FAILED", "project_id": project_id, "render_id": render_id}
    if source_key is not None:
        document["source"] = source_key
    document["error"] = body
    return document


def result_document(
    project: Project,
    prefix: str,
    render_id: str,
    *,
    duration: float | None,
    scene_durations: Sequence[tuple[Scene, float]],
    outputs: Sequence[ProducedFile],
) -> dict[str, Any]:
    """What result.json says: the project, the video's shape and durations, and where every file is."""
    width, height = project.settings.frame_size()
    return {
        "status": "COMPLETED",
        "project_id": project.id,
        "render_id": render_id,
        "title": project.title,
        "video": {
            "width": width,
            "height": height,
            "fps": project.settings.fps,
            "duration_seconds": duration,
        },
        "scenes": [
            {"number": scene.number, "title": scene.title, "duration_seconds": round(seconds, 3)}
            for scene, seconds in scene_durations
        ],
        "assets": {
            produced.output.name: {
                "key": prefix + produced.output.file_name,
                "content_type": produced.output.content_type,
                "size": produced.size,
                "render_key": produced.key,
            }
            for produced in outputs
        },
    }


def publish_result(
    bucket: str, prefix: str, outputs: Sequence[ProducedFile], document: dict[str, Any]
) -> None:
    """Copy the render's files into the outbox folder, then result.json (last: it says all is there)."""
    for produced in outputs:
        storage.copy_object(bucket, produced.key, prefix + produced.output.file_name)
    storage.put_bytes(bucket, prefix + RESULT_FILE, _json_bytes(document), "application/json")
    storage.delete_objects(bucket, [prefix + ERROR_FILE])


def publish_error(bucket: str, prefix: str, document: dict[str, Any]) -> None:
    """Write error.json into the outbox folder, after removing an earlier attempt's result."""
    storage.delete_objects(
        bucket, [prefix + RESULT_FILE, *(prefix + output.file_name for output in RENDER_OUTPUTS)]
    )
    storage.put_bytes(bucket, prefix + ERROR_FILE, _json_bytes(document), "application/json")
