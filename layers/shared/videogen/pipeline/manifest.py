"""FinishRender's manifest: assembly's record completed with everything else that made the render."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError

import videogen
from videogen.config import Config
from videogen.dal import assets, executions, storage
from videogen.domain import layout
from videogen.domain.manifest import (
    AssemblyRecord,
    MusicRecord,
    RenderManifest,
    SceneRecord,
    ScriptRecord,
    SentenceRecord,
    StepTiming,
)
from videogen.domain.models import Project, Scene
from videogen.domain.provenance import ImageProvenance
from videogen.exceptions import ResourceNotFoundException, StorageException
from videogen.logic.images import project_seed
from videogen.observability import logger


def write_manifest(
    project: Project, render_id: str, scenes: Sequence[Scene], settings: Config
) -> tuple[RenderManifest, int]:
    """Complete and store the render's manifest.json (idempotent: a retry rewrites the same document,
    with the step timings as they are then); returns it and its size in bytes."""
    bucket = settings.media_bucket
    key = layout.manifest_key(project.id, render_id)
    assembly = _assembly(bucket, key) if project.render_stop_after is None else None
    timings = {row.number: row for row in assembly.scenes} if assembly else {}
    records = []
    for scene in scenes:
        timing = timings.get(scene.number)
        voice, seconds, sentences = _narration(bucket, project.id, scene.number)
        records.append(
            SceneRecord(
                number=scene.number,
                title=scene.title,
                narration=scene.narration,
                image_prompt=scene.image_prompt,
                image=_provenance(bucket, scene.image_key),
                voice=voice,
                narration_seconds=seconds,
                sentences=sentences,
                duration=timing.duration if timing else None,
                start=timing.start if timing else None,
                narration_start=timing.narration_start if timing else None,
            )
        )
    script = project.script or ""
    manifest = RenderManifest(
        project_id=project.id,
        render_id=render_id,
        created_at=datetime.now().astimezone(),
        videogen_version=videogen.__version__,
        stop_after=project.render_stop_after,
        script=ScriptRecord(
            format=str(project.script_format.value),
            text=script,
            sha256=hashlib.sha256(script.encode()).hexdigest(),
        ),
        # The seed the images were drawn with, also when the project left it to be derived from its id.
        settings={
            **project.settings.model_dump(mode="json", exclude_none=True),
            "seed": project_seed(project),
        },
        music=_music(project.id),
        duration=assembly.duration if assembly else None,
        ffmpeg_version=assembly.ffmpeg_version if assembly else None,
        encoding=assembly.encoding if assembly else None,
        segments=list(assembly.segments) if assembly else [],
        outputs=dict(assembly.outputs) if assembly else {},
        scenes=records,
        steps=_steps(project.execution_arn),
    )
    document = manifest.model_dump_json(indent=1).encode()
    storage.put_bytes(bucket, key, document, layout.MANIFEST.content_type)
    return manifest, len(document)


def _assembly(bucket: str, key: str) -> AssemblyRecord:
    """What ConcatVideo recorded (also readable from a manifest this step completed before)."""
    return AssemblyRecord.model_validate_json(storage.read_object(bucket, key)[0])


def _read_json(bucket: str, key: str) -> Any:
    """A JSON object that may be missing or unreadable (None then): a manifest describes what exists."""
    try:
        return json.loads(storage.read_object(bucket, key)[0])
    except (ResourceNotFoundException, StorageException, ValueError):
        return None


def _provenance(bucket: str, image_key: str | None) -> ImageProvenance | None:
    if not image_key:
        return None
    document = _read_json(bucket, layout.image_provenance_key(image_key))
    try:
        return ImageProvenance.model_validate(document) if document else None
    except ValidationError:
        logger.warning("An image's provenance record is unreadable", extra={"image_key": image_key})
        return None


def _narration(
    bucket: str, project_id: str, number: int
) -> tuple[str | None, float | None, list[SentenceRecord]]:
    """The scene's voice, narration length and sentence timings (None, None, []: nothing was spoken)."""
    document = _read_json(bucket, layout.narration_keys(project_id, number)[1])
    if not isinstance(document, dict) or not document.get("sentences"):
        return None, None, []
    sentences = [
        SentenceRecord(text=str(item["text"]), start=float(item["start"]), end=float(item["end"]))
        for item in document["sentences"]
    ]
    return str(document.get("voice") or "") or None, float(document.get("duration") or 0.0), sentences


def _music(project_id: str) -> MusicRecord | None:
    music = assets.find_asset(project_id, layout.MUSIC_ASSET_ID)
    return MusicRecord(key=music.s3_key, name=music.name) if music else None


def _steps(execution_arn: str | None) -> list[StepTiming]:
    """Each state of the execution so far: when it was first entered and for how long it ran (first
    entry to last exit; a Map's iterations and a retried task count as one span)."""
    if not execution_arn:
        return []
    try:
        events = executions.history(execution_arn)
    except StorageException:
        logger.warning("The execution's history cannot be read: the manifest has no step timings")
        return []
    spans: dict[str, list[datetime]] = {}
    for event in events:
        entered = event.get("stateEnteredEventDetails")
        exited = event.get("stateExitedEventDetails")
        details = entered or exited
        if not details:
            continue
        span = spans.setdefault(str(details["name"]), [event["timestamp"], event["timestamp"]])
        span[0], span[1] = min(span[0], event["timestamp"]), max(span[1], event["timestamp"])
    ordered = sorted(spans.items(), key=lambda item: item[1][0])
    return [
        StepTiming(state=name, started_at=first, seconds=round((last - first).total_seconds(), 3))
        for name, (first, last) in ordered
    ]
