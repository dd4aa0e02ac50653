"""AssembleVideo: scene images → one captioned MP4, subtitles and a thumbnail, written to S3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from videogen.config import Config
from videogen.dal import assets, keys, projects, scenes, storage
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import Scene
from videogen.exceptions import RenderSupersededException, VideoAssemblyException
from videogen.observability import logger, tracer

if TYPE_CHECKING:
    from videogen.voice.base import Narration


def render_prefix(project_id: str, render_id: str) -> str:
    return f"{keys.project_prefix(project_id)}renders/{render_id}/"


def output_keys(project_id: str, render_id: str) -> dict[str, str]:
    """The deterministic keys of a render's outputs: a re-run overwrites, never duplicates."""
    prefix = render_prefix(project_id, render_id)
    return {
        "video": f"{prefix}video.mp4",
        "subtitles_srt": f"{prefix}subtitles.srt",
        "subtitles_vtt": f"{prefix}subtitles.vtt",
        "thumbnail": f"{prefix}thumbnail.jpg",
    }


def manifest_key(project_id: str, render_id: str) -> str:
    """What assembly measured (video and scene durations), for the steps after it."""
    return f"{render_prefix(project_id, render_id)}manifest.json"


def read_manifest(bucket: str, project_id: str, render_id: str) -> dict[str, Any]:
    """The manifest assembly wrote.

    Returns:
        {"duration", "scenes": [{"number", "duration", "start", "narration_start"}]}, times in seconds.
    """
    data = json.loads(storage.read_object(bucket, manifest_key(project_id, render_id))[0])
    return dict(data)


@tracer.capture_method
def assemble_render(project_id: str, render_id: str, settings: Config, work_base: Path) -> dict[str, Any]:
    """Download images and narrations, time scenes and captions by the voice, mix, assemble, upload.

    Returns the video key and its duration.
    """
    from videogen.media.assemble import SceneClip, assemble_video, render_workdir, timeline, total_duration
    from videogen.media.audio import build_narration_track, mix
    from videogen.media.captions import caption_windows, to_srt, to_vtt
    from videogen.media.thumbnail import make_thumbnail
    from videogen.voice.timing import cues_for_scene, narration_starts, scene_timing

    project = projects.get_project_any_owner(project_id)
    if not project.scene_set:
        raise VideoAssemblyException("The project has no scenes to assemble.")
    all_scenes = scenes.all_scenes(project_id, project.scene_set)
    progress = {"stage": "assembling", "scenes_done": len(all_scenes), "scenes_total": len(all_scenes)}
    if not projects.set_render_status(project_id, render_id, ProjectStatus.RENDERING, progress=progress):
        # A newer render owns the project's files now (or this one ended): assemble nothing.
        raise RenderSupersededException("This render has ended or was superseded.", {"render_id": render_id})
    width, height = project.settings.frame_size()
    targets = output_keys(project_id, render_id)
    with render_workdir(work_base, f"{project_id}-{render_id}") as work:
        narrations = [_download_narration(scene, settings, work) for scene in all_scenes]
        seconds = [n.duration if n is not None else 0.0 for n in narrations]
        timings = [
            scene_timing(scene.number, length, fixed=scene.duration, text=scene.narration)
            for scene, length in zip(all_scenes, seconds, strict=True)
        ]
        clips = []
        for scene, scene_time in zip(all_scenes, timings, strict=True):
            if not scene.image_key:
                raise VideoAssemblyException(f"Scene {scene.number} has no image.", {"scene": scene.number})
            local = work / f"scene-{scene.number:04d}.png"
            storage.download_file(settings.media_bucket, scene.image_key, local)
            clips.append(SceneClip(image=local, duration=scene_time.duration, transition=scene.transition))
        spans = timeline(clips)
        total = total_duration(clips)
        starts = narration_starts(spans, timings, seconds, [scene.number for scene in all_scenes])
        windows = caption_windows(spans)
        cues = [
            cue
            for scene, narration, start, window in zip(all_scenes, narrations, starts, windows, strict=True)
            for cue in cues_for_scene(scene.narration, narration, start, window)
        ]
        track = None
        if any(n is not None and not n.silent for n in narrations):
            track = build_narration_track(
                [
                    (start, n.audio_path if n is not None else None)
                    for start, n in zip(starts, narrations, strict=True)
                ],
                total,
                work / "narration.wav",
            )
        music = _download_music(project_id, settings, work)
        soundtrack = None
        if track is not None or music is not None:
            soundtrack = mix(track, music, total, work / "soundtrack.wav").path
        video = work / "video.mp4"
        result = assemble_video(
            clips,
            video,
            width=width,
            height=height,
            fps=project.settings.fps,
            workdir=work,
            captions=cues if project.settings.captions else None,
            caption_options=project.settings.caption_options(),
            audio=soundtrack,
            timeout=settings.render_timeout_seconds,
        )
        # The subtitle files carry exactly the cues burned into the picture (or that would be, with
        # burned-in captions off).
        (work / "subtitles.srt").write_text(to_srt(cues), encoding="utf-8")
        (work / "subtitles.vtt").write_text(to_vtt(cues), encoding="utf-8")
        make_thumbnail(clips[0].image, work / "thumbnail.jpg", width=min(width, 640))
        storage.upload_file(settings.media_bucket, targets["video"], video, "video/mp4")
        storage.upload_file(
            settings.media_bucket, targets["subtitles_srt"], work / "subtitles.srt", "application/x-subrip"
        )
        storage.upload_file(
            settings.media_bucket, targets["subtitles_vtt"], work / "subtitles.vtt", "text/vtt"
        )
        storage.upload_file(settings.media_bucket, targets["thumbnail"], work / "thumbnail.jpg", "image/jpeg")
        manifest = {
            "duration": round(result.duration, 3),
            "scenes": [
                {
                    "number": scene.number,
                    "duration": round(timing.duration, 3),
                    "start": round(span[0], 3),
                    "narration_start": round(start, 3),
                }
                for scene, timing, span, start in zip(all_scenes, timings, spans, starts, strict=True)
            ],
        }
        storage.put_bytes(
            settings.media_bucket,
            manifest_key(project_id, render_id),
            json.dumps(manifest).encode(),
            "application/json",
        )
    logger.info("Video assembled", extra={"duration": result.duration, "scenes": len(all_scenes)})
    return {"video_key": targets["video"], "duration": round(result.duration, 3)}


def _download_music(project_id: str, settings: Config, work: Path) -> Path | None:
    """The project's background music, if it has one (checked when it was attached)."""
    music = assets.find_asset(project_id, keys.MUSIC_ASSET_ID)
    if music is None:
        return None
    local = work / "music"
    storage.download_file(settings.media_bucket, music.s3_key, local)
    logger.info("Music mixed in", extra={"music_duration": music.duration})
    return local


def _download_narration(scene: Scene, settings: Config, work: Path) -> Narration | None:
    """The scene's narration as SynthesizeNarration left it; None for a scene without a voice."""
    from videogen.pipeline.narration import narration_keys
    from videogen.voice.base import Narration

    audio_key, timings_key = narration_keys(scene.project_id, scene.number)
    document = json.loads(storage.read_object(settings.media_bucket, timings_key)[0])
    if document.get("silent"):
        return None
    audio = None
    if document.get("audio") is not None:
        audio = work / f"narration-{scene.number:04d}.wav"
        storage.download_file(settings.media_bucket, audio_key, audio)
    return Narration.from_document(document, audio)
