"""AssembleVideo: scene images → one captioned MP4, subtitles and a thumbnail, written to S3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from videogen.dal import keys, projects, scenes, storage
from videogen.domain.enums import ProjectStatus
from videogen.domain.limits import MAX_SCENE_SECONDS
from videogen.domain.models import Scene
from videogen.exceptions import VideoAssemblyException
from videogen.observability import logger, tracer
from videogen.settings import Settings

MIN_AUTO_SECONDS = 3.0
PAD_SECONDS = 1.0


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


def scene_seconds(scene: Scene) -> float:
    """A scene's length: fixed by the script, else the time it takes to read its narration."""
    from videogen.media.captions import reading_seconds

    if scene.duration is not None:
        return scene.duration
    return min(MAX_SCENE_SECONDS, max(MIN_AUTO_SECONDS, reading_seconds(scene.narration) + PAD_SECONDS))


@tracer.capture_method
def assemble_render(project_id: str, render_id: str, settings: Settings, work_base: Path) -> dict[str, Any]:
    """Download the images, assemble, upload the outputs. Returns the video key and its duration."""
    from videogen.media.assemble import SceneClip, assemble_video, render_workdir, timeline
    from videogen.media.captions import cues_for_scenes, to_srt, to_vtt
    from videogen.media.thumbnail import make_thumbnail

    project = projects.get_project_any_owner(project_id)
    if not project.scene_set:
        raise VideoAssemblyException("The project has no scenes to assemble.")
    all_scenes = scenes.all_scenes(project_id, project.scene_set)
    projects.set_status(
        project_id,
        ProjectStatus.RENDERING,
        progress={"stage": "assembling", "scenes_done": len(all_scenes), "scenes_total": len(all_scenes)},
    )
    width, height = project.settings.frame_size()
    targets = output_keys(project_id, render_id)
    with render_workdir(work_base, f"{project_id}-{render_id}") as work:
        clips = []
        for scene in all_scenes:
            if not scene.image_key:
                raise VideoAssemblyException(f"Scene {scene.number} has no image.", {"scene": scene.number})
            local = work / f"scene-{scene.number:04d}.png"
            storage.download_file(settings.media_bucket, scene.image_key, local)
            clips.append(SceneClip(image=local, duration=scene_seconds(scene), transition=scene.transition))
        cues = cues_for_scenes([scene.narration for scene in all_scenes], timeline(clips))
        video = work / "video.mp4"
        result = assemble_video(
            clips,
            video,
            width=width,
            height=height,
            fps=project.settings.fps,
            workdir=work,
            captions=cues,
            timeout=settings.render_timeout_seconds,
        )
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
    logger.info("Video assembled", extra={"duration": result.duration, "scenes": len(all_scenes)})
    return {"video_key": targets["video"], "duration": round(result.duration, 3)}
