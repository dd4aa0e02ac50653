"""AssembleVideo: scene images → one captioned MP4, subtitles and a thumbnail, written to S3."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videogen.config import Config
from videogen.dal import assets, projects, scenes, storage
from videogen.domain import layout
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import Project, RenderProgress, Scene
from videogen.domain.settings import ProjectSettings
from videogen.exceptions import RenderSupersededException, VideoAssemblyException
from videogen.media.assemble import SceneClip, assemble_video
from videogen.media.audio import build_narration_track, mix
from videogen.media.captions import to_srt, to_vtt
from videogen.media.thumbnail import make_thumbnail
from videogen.media.timeline import Plan, SceneToTime, plan
from videogen.media.workdir import render_workdir
from videogen.observability import logger, tracer
from videogen.voice.base import Narration


@dataclass(frozen=True, slots=True)
class _Downloads:
    """What a render is made of, on local disk: per scene its image and narration, and the music."""

    images: list[Path]
    narrations: list[Narration | None]
    music: Path | None


@tracer.capture_method
def assemble_render(project_id: str, render_id: str, settings: Config, work_base: Path) -> dict[str, Any]:
    """Download the scenes' images and narrations, plan the timeline, render the video, upload it all.

    Returns the video key and its duration.
    """
    project, all_scenes = _begin(project_id, render_id)
    targets = layout.output_keys(project_id, render_id)
    with render_workdir(work_base, f"{project_id}-{render_id}") as work:
        downloads = _Downloads(
            images=[_download_image(scene, settings, work) for scene in all_scenes],
            narrations=[_download_narration(scene, settings, work) for scene in all_scenes],
            music=_download_music(project_id, settings, work),
        )
        timing = plan(
            [
                SceneToTime(
                    scene.number,
                    scene.narration,
                    fixed=scene.duration,
                    transition=scene.transition,
                    narration_seconds=narration.duration if narration is not None else 0.0,
                    sentences=narration.sentences if narration is not None else (),
                )
                for scene, narration in zip(all_scenes, downloads.narrations, strict=True)
            ]
        )
        files = {output.name: work / output.file_name for output in layout.RENDER_OUTPUTS}
        duration = _render(
            project.settings, all_scenes, timing, downloads, files, timeout=settings.render_timeout_seconds
        )
        for output in layout.RENDER_OUTPUTS:
            storage.upload_file(
                settings.media_bucket, targets[output.name], files[output.name], output.content_type
            )
        storage.put_bytes(
            settings.media_bucket,
            layout.manifest_key(project_id, render_id),
            json.dumps(_manifest(all_scenes, timing, duration)).encode(),
            "application/json",
        )
    logger.info("Video assembled", extra={"duration": duration, "scenes": len(all_scenes)})
    return {"video_key": targets["video"], "duration": round(duration, 3)}


def _begin(project_id: str, render_id: str) -> tuple[Project, list[Scene]]:
    """The project and its scenes, once the render is marked as assembling.

    Raises:
        VideoAssemblyException: the project has no scenes.
        RenderSupersededException: a newer render owns the project's files now, or this one ended.
    """
    project = projects.get_project_any_owner(project_id)
    if not project.scene_set:
        raise VideoAssemblyException("The project has no scenes to assemble.")
    all_scenes = scenes.all_scenes(project_id, project.scene_set)
    progress = RenderProgress(stage="assembling", scenes_done=len(all_scenes), scenes_total=len(all_scenes))
    if not projects.set_render_status(project_id, render_id, ProjectStatus.RENDERING, progress=progress):
        raise RenderSupersededException("This render has ended or was superseded.", {"render_id": render_id})
    return project, all_scenes


def _render(
    look: ProjectSettings,
    all_scenes: list[Scene],
    timing: Plan,
    downloads: _Downloads,
    files: dict[str, Path],
    *,
    timeout: float,
) -> float:
    """Mix the soundtrack, assemble the video, write the subtitles and the thumbnail (to ``files``, by
    output name); the video's length."""
    work = files["video"].parent
    track = None
    if any(n is not None and not n.silent for n in downloads.narrations):
        placed = [
            (start, n.audio_path if n is not None else None)
            for start, n in zip(timing.narration_starts, downloads.narrations, strict=True)
        ]
        track = build_narration_track(placed, timing.duration, work / "narration.wav")
    soundtrack = None
    if track is not None or downloads.music is not None:
        soundtrack = mix(track, downloads.music, timing.duration, work / "soundtrack.wav").path
    clips = [
        SceneClip(image=image, duration=scene_time.duration, transition=scene.transition)
        for image, scene_time, scene in zip(downloads.images, timing.timings, all_scenes, strict=True)
    ]
    width, height = look.frame_size()
    result = assemble_video(
        clips,
        files["video"],
        width=width,
        height=height,
        fps=look.fps,
        workdir=work,
        captions=timing.cues if look.captions else None,
        caption_options=look.caption_options(),
        audio=soundtrack,
        timeout=timeout,
    )
    # The subtitle files carry exactly the cues burned into the picture (or that would be, with
    # burned-in captions off).
    files["subtitles_srt"].write_text(to_srt(timing.cues), encoding="utf-8")
    files["subtitles_vtt"].write_text(to_vtt(timing.cues), encoding="utf-8")
    make_thumbnail(clips[0].image, files["thumbnail"], width=min(width, 640))
    return result.duration


def _manifest(all_scenes: list[Scene], timing: Plan, duration: float) -> dict[str, Any]:
    """What assembly measured, for the steps after it (``finish.read_manifest`` reads it)."""
    return {
        "duration": round(duration, 3),
        "scenes": [
            {
                "number": scene.number,
                "duration": round(scene_time.duration, 3),
                "start": round(span[0], 3),
                "narration_start": round(start, 3),
            }
            for scene, scene_time, span, start in zip(
                all_scenes, timing.timings, timing.spans, timing.narration_starts, strict=True
            )
        ],
    }


def _download_image(scene: Scene, settings: Config, work: Path) -> Path:
    """The scene's image as GenerateImage left it."""
    if not scene.image_key:
        raise VideoAssemblyException(f"Scene {scene.number} has no image.", {"scene": scene.number})
    local = work / f"scene-{scene.number:04d}.png"
    storage.download_file(settings.media_bucket, scene.image_key, local)
    return local


def _download_music(project_id: str, settings: Config, work: Path) -> Path | None:
    """The project's background music, if it has one (checked when it was attached)."""
    music = assets.find_asset(project_id, layout.MUSIC_ASSET_ID)
    if music is None:
        return None
    local = work / "music"
    storage.download_file(settings.media_bucket, music.s3_key, local)
    logger.info("Music mixed in", extra={"music_duration": music.duration})
    return local


def _download_narration(scene: Scene, settings: Config, work: Path) -> Narration | None:
    """The scene's narration as SynthesizeNarration left it; None for a scene without a voice."""
    audio_key, timings_key = layout.narration_keys(scene.project_id, scene.number)
    document = json.loads(storage.read_object(settings.media_bucket, timings_key)[0])
    if document.get("silent"):
        return None
    audio = None
    if document.get("audio") is not None:
        audio = work / f"narration-{scene.number:04d}.wav"
        storage.download_file(settings.media_bucket, audio_key, audio)
    return Narration.from_document(document, audio)
