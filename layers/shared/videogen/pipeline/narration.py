"""SynthesizeNarration: a scene's voice and sentence timings, from the cache when the text is unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from videogen.config import Config
from videogen.dal import projects, scenes, storage
from videogen.domain import layout
from videogen.domain.voices import validate_voice
from videogen.media.timeline import scene_timing
from videogen.observability import logger, tracer
from videogen.voice.base import narration_cache_key
from videogen.voice.registry import get_voice_provider


@tracer.capture_method
def synthesize_scene_narration(
    project_id: str, scene_number: int, settings: Config, work_base: Path
) -> dict[str, Any]:
    """Make sure the scene has its narration at its stable keys; returns them and the narration length.

    Raises:
        NarrationTooLongException: the scene's fixed duration cannot hold its narration (not retried).
    """
    project = projects.get_project_any_owner(project_id)
    scene = scenes.get_scene(project_id, project.scene_set or "", scene_number)
    audio_key, timings_key = layout.narration_keys(project_id, scene_number)
    choice = validate_voice(project.settings.voice)
    if not choice.enabled or choice.voice is None:
        # No voice: a timings document without audio tells assembly to time captions by reading speed.
        storage.put_bytes(
            settings.media_bucket, timings_key, json.dumps({"silent": True}).encode(), "application/json"
        )
        logger.info("Narration skipped: the project has no voice", extra={"scene": scene_number})
        return {"scene": scene_number, "audio_key": None, "timings_key": timings_key, "duration": 0.0}
    provider = get_voice_provider(choice.provider)
    cache_key = narration_cache_key(provider.name, choice.voice, scene.narration, provider.cache_options)
    cached_audio, cached_timings = layout.narration_cache_keys(project_id, cache_key)
    tracer.put_annotation("voice", str(choice))
    if storage.object_exists(settings.media_bucket, cached_timings):
        document = json.loads(storage.read_object(settings.media_bucket, cached_timings)[0])
        logger.info("Narration cached", extra={"scene": scene_number})
    else:
        workdir = work_base / f"{project_id}-narration-{scene_number:04d}"
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            with tracer.provider.in_subsegment(f"## {provider.name}.synthesize") as subsegment:
                subsegment.put_annotation("provider", provider.name)
                subsegment.put_annotation("scene", str(scene_number))
                narration = provider.synthesize(scene.narration, choice.voice, workdir)
            if narration.audio_path is not None:
                storage.upload_file(settings.media_bucket, cached_audio, narration.audio_path, "audio/wav")
            document = {**narration.to_document(), "cache_key": cache_key}
            # The timings last: their presence means the pair is complete.
            storage.put_bytes(
                settings.media_bucket, cached_timings, json.dumps(document).encode(), "application/json"
            )
        finally:
            for leftover in sorted(workdir.rglob("*"), reverse=True):
                leftover.unlink() if leftover.is_file() else leftover.rmdir()
            workdir.rmdir()
        logger.info("Narration synthesized", extra={"scene": scene_number, "seconds": document["duration"]})
    duration = float(document["duration"])
    # Fail fast, before assembly, when a fixed-length scene cannot hold its voice.
    scene_timing(scene_number, duration, fixed=scene.duration, text=scene.narration)
    has_audio = document.get("audio") is not None
    if has_audio:
        storage.copy_object(settings.media_bucket, cached_audio, audio_key)
    storage.put_bytes(settings.media_bucket, timings_key, json.dumps(document).encode(), "application/json")
    return {
        "scene": scene_number,
        "audio_key": audio_key if has_audio else None,
        "timings_key": timings_key,
        "duration": duration,
    }
