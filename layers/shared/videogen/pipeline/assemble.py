"""Assembly, scaled out: PlanSegments → (RenderSegment per segment | MixAudio) → ConcatVideo.

* **PlanSegments** reads each scene's narration timings (small JSON), plans the timeline in whole frames,
  cuts it into segment jobs (``videogen.media.segments``) and writes them, with the cues, to the render's
  ``plan.json``. A segment whose digest is already stored is marked reused: the state machine skips it,
  and its execution shows which were.
* **RenderSegment** renders one segment job to an H.264 fragment, stored under its digest.
* **MixAudio** mixes narration and music into AAC of exactly the video's length, beside the segments.
* **ConcatVideo** joins the fragments and the soundtrack without re-encoding, and writes the subtitles,
  the thumbnail and the manifest.

Every step reads what it needs from S3 by key and writes deterministic keys: each can run twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videogen.config import Config
from videogen.dal import assets, projects, scenes, storage
from videogen.domain import layout
from videogen.domain.enums import ProjectStatus
from videogen.domain.manifest import (
    AssemblyRecord,
    EncodingRecord,
    OutputRecord,
    SceneTimingRecord,
    SegmentRecord,
)
from videogen.domain.models import Project, RenderProgress, Scene
from videogen.exceptions import (
    RenderSupersededException,
    VideoAssemblyException,
)
from videogen.media.captions import Cue, to_srt, to_vtt
from videogen.media.ffmpeg import Deadline, ffmpeg_version
from videogen.media.probe import count_video_frames
from videogen.media.segments import (
    Encoding,
    Overlay,
    SegmentJob,
    frame_spans,
    motion_for_index,
    video_segments,
)
from videogen.media.timeline import Plan, SceneToTime, plan
from videogen.media.workdir import render_workdir
from videogen.observability import logger, tracer
from videogen.voice.base import Narration

#: S3 requests one step makes at once (checking or fetching many segments).
S3_REQUESTS_AT_ONCE = 8
#: Version of plan.json; a step that reads another version fails instead of misreading it.
PLAN_VERSION = 1
_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class RenderPlan:
    """plan.json: everything the steps after PlanSegments need, by key."""

    width: int
    height: int
    fps: int
    frames: int
    #: Per scene: number, image key, duration, start, narration start, whether it speaks.
    scenes: list[dict[str, Any]]
    cues: list[Cue]
    music_key: str | None
    segments: list[SegmentJob]
    segment_keys: list[str]

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    def to_document(self) -> dict[str, Any]:
        return {
            "version": PLAN_VERSION,
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "frames": self.frames,
            "scenes": self.scenes,
            "cues": [list(cue) for cue in self.cues],
            "music_key": self.music_key,
            "segments": [
                {**job.to_document(), "key": key}
                for job, key in zip(self.segments, self.segment_keys, strict=True)
            ],
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> RenderPlan:
        if document.get("version") != PLAN_VERSION:
            raise VideoAssemblyException("The render's plan is from another version; start the render again.")
        return cls(
            width=document["width"],
            height=document["height"],
            fps=document["fps"],
            frames=document["frames"],
            scenes=document["scenes"],
            cues=[Cue(float(start), float(end), str(text)) for start, end, text in document["cues"]],
            music_key=document["music_key"],
            segments=[SegmentJob.from_document(item) for item in document["segments"]],
            segment_keys=[item["key"] for item in document["segments"]],
        )


# --- PlanSegments ---


@tracer.capture_method
def plan_render(project_id: str, render_id: str, settings: Config) -> dict[str, Any]:
    """Plan the video and its segments, store the plan, and say which segments are stored already.

    Returns the segments (index, key, scenes, reused) for the state machine's Map, and their counts.
    """
    project, all_scenes = begin_step(project_id, render_id, ASSEMBLING)
    narrations, timing = time_scenes(project, all_scenes, settings)
    look = project.settings
    width, height = look.frame_size()
    fps = look.fps
    starts, ends = frame_spans(timing.spans, fps)
    encoding = Encoding(width, height, fps)
    overlay = None
    if look.captions:
        titles = [scene.title for scene in all_scenes]
        overlay = Overlay.for_video(timing.cues, titles, (starts, ends), encoding, look.caption_options())
    jobs = video_segments(
        starts,
        ends,
        images=[image_key(scene) for scene in all_scenes],
        motions=[motion_for_index(index) for index in range(len(all_scenes))],
        transitions=[scene.transition for scene in all_scenes],
        encoding=encoding,
        overlay=overlay,
    )
    keys = [layout.segment_key(project_id, job.digest()) for job in jobs]
    music = assets.find_asset(project_id, layout.MUSIC_ASSET_ID)
    render_plan = RenderPlan(
        width=width,
        height=height,
        fps=fps,
        frames=ends[-1],
        scenes=_scene_rows(all_scenes, timing, narrations),
        cues=timing.cues,
        music_key=music.s3_key if music is not None else None,
        segments=jobs,
        segment_keys=keys,
    )
    storage.put_bytes(
        settings.media_bucket,
        layout.render_plan_key(project_id, render_id),
        json.dumps(render_plan.to_document()).encode(),
        _JSON,
        tags=layout.INTERMEDIATE_TAGS,
    )
    stored = in_parallel(lambda key: storage.object_exists(settings.media_bucket, key), keys)
    # Longest first: where the Map has fewer slots than segments (one machine has as many as its cores),
    # the render then ends on short segments side by side, not on a long one rendering alone (measured
    # locally: the last 1.8 s of a 30 s video had one segment on two cores). ConcatVideo joins them in the
    # plan's order whatever order they were rendered in.
    by_length = sorted(zip(jobs, keys, stored, strict=True), key=lambda row: (-row[0].frames, row[0].index))
    items = [
        {"index": job.index, "key": key, "scenes": sorted(set(job.scenes)), "reused": reused}
        for job, key, reused in by_length
    ]
    reused = sum(1 for item in items if item["reused"])
    logger.info("Render planned", extra={"segments": len(items), "reused": reused, "frames": ends[-1]})
    return {"segments": items, "segment_count": len(items), "reused_count": reused}


def time_scenes(
    project: Project, all_scenes: list[Scene], settings: Config
) -> tuple[list[Narration | None], Plan]:
    """The scenes' narrations as SynthesizeNarration stored them, and the video's timeline planned from
    them: what PlanSegments cuts into segments, and the scene lengths the storyboard shows."""
    narrations = [_read_narration(scene, settings) for scene in all_scenes]
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
            for scene, narration in zip(all_scenes, narrations, strict=True)
        ],
        project.settings.fps,
    )
    return narrations, timing


def in_parallel[T, R](call: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``call`` on every item, a few S3 requests at a time (a long video has a hundred segments)."""
    with ThreadPoolExecutor(max_workers=S3_REQUESTS_AT_ONCE, thread_name_prefix="s3") as pool:
        return list(pool.map(call, items))


#: The render's progress stage while its video is assembled (PlanSegments on, and the storyboard beside).
ASSEMBLING = "assembling"


def begin_step(
    project_id: str, render_id: str, stage: str | Callable[[Project], str]
) -> tuple[Project, list[Scene]]:
    """The project and its scenes, once the render's progress says ``stage`` (storyboard, assembling), or
    what ``stage`` makes of the project.

    Raises:
        VideoAssemblyException: the project has no scenes.
        RenderSupersededException: a newer render owns the project's files now, or this one ended.
    """
    project = projects.get_project_any_owner(project_id)
    if not project.scene_set:
        raise VideoAssemblyException("The project has no scenes to assemble.")
    all_scenes = scenes.all_scenes(project_id, project.scene_set)
    stage = stage if isinstance(stage, str) else stage(project)
    progress = RenderProgress(stage=stage, scenes_done=len(all_scenes), scenes_total=len(all_scenes))
    if not projects.set_render_status(project_id, render_id, ProjectStatus.RENDERING, progress=progress):
        raise RenderSupersededException("This render has ended or was superseded.", {"render_id": render_id})
    return project, all_scenes


def image_key(scene: Scene) -> str:
    """The scene's stored image (every scene has one once the images are done)."""
    if not scene.image_key:
        raise VideoAssemblyException(f"Scene {scene.number} has no image.", {"scene": scene.number})
    return scene.image_key


def _read_narration(scene: Scene, settings: Config) -> Narration | None:
    """The scene's narration timings as SynthesizeNarration left them; None for a scene without a voice."""
    _, timings_key = layout.narration_keys(scene.project_id, scene.number)
    document = json.loads(storage.read_object(settings.media_bucket, timings_key)[0])
    if document.get("silent"):
        return None
    return Narration.from_document(document, None)


def _scene_rows(
    all_scenes: list[Scene], timing: Plan, narrations: list[Narration | None]
) -> list[dict[str, Any]]:
    return [
        {
            "number": scene.number,
            "image_key": scene.image_key,
            "duration": scene_time.duration,
            "start": span[0],
            "narration_start": start,
            "speaks": narration is not None and narration.duration > 0,
        }
        for scene, scene_time, span, start, narration in zip(
            all_scenes, timing.timings, timing.spans, timing.narration_starts, narrations, strict=True
        )
    ]


def read_plan(project_id: str, render_id: str, settings: Config) -> RenderPlan:
    """The render's plan.json, as PlanSegments stored it."""
    data, _ = storage.read_object(settings.media_bucket, layout.render_plan_key(project_id, render_id))
    return RenderPlan.from_document(json.loads(data))


# --- RenderSegment ---


@tracer.capture_method
def render_segment_step(
    project_id: str, render_id: str, index: int, settings: Config, work_base: Path
) -> dict[str, Any]:
    """Render segment ``index`` of the plan and store it under its digest (unless it is stored already)."""
    render_plan = read_plan(project_id, render_id, settings)
    if not 0 <= index < len(render_plan.segments):
        raise VideoAssemblyException("The render has no such segment.", {"segment": index})
    job, key = render_plan.segments[index], render_plan.segment_keys[index]
    if storage.object_exists(settings.media_bucket, key):
        return {"index": index, "key": key, "rendered": False}
    with render_workdir(work_base, f"{project_id}-{render_id}-segment-{index}") as work:
        _render_segment(job, key, settings, work)
    logger.info("Segment rendered", extra={"segment": index, "frames": job.frames, "scenes": job.scenes})
    return {"index": index, "key": key, "rendered": True}


def _render_segment(job: SegmentJob, key: str, settings: Config, work: Path) -> None:
    from videogen.media.assemble import check_fragment, render_segment  # noqa: PLC0415 - Pillow, for this step only

    images: dict[str, Path] = {}
    for clip in job.clips:
        if clip.image not in images:
            images[clip.image] = work / f"image-{len(images)}.png"
            storage.download_file(settings.media_bucket, clip.image, images[clip.image])
    fragment = work / "fragment.mp4"
    render_segment(
        job,
        [images[clip.image] for clip in job.clips],
        fragment,
        workdir=work,
        deadline=Deadline(settings.render_timeout_seconds),
    )
    check_fragment(job, fragment)
    storage.upload_file(settings.media_bucket, key, fragment, "video/mp4", tags=layout.INTERMEDIATE_TAGS)


# --- MixAudio ---


@tracer.capture_method
def mix_audio(project_id: str, render_id: str, settings: Config, work_base: Path) -> dict[str, Any]:
    """Mix the narrations and the music under the planned timeline; store AAC of the video's length."""
    render_plan = read_plan(project_id, render_id, settings)
    key = layout.soundtrack_key(project_id, render_id)
    with render_workdir(work_base, f"{project_id}-{render_id}-audio") as work:
        soundtrack = _mix(project_id, render_plan, settings, work)
        storage.upload_file(
            settings.media_bucket, key, soundtrack, "audio/mp4", tags=layout.INTERMEDIATE_TAGS
        )
    logger.info("Soundtrack mixed", extra={"duration": render_plan.duration})
    return {"soundtrack_key": key}


def _mix(project_id: str, render_plan: RenderPlan, settings: Config, work: Path) -> Path:
    from videogen.media.audio import build_narration_track, mix  # noqa: PLC0415 - same
    from videogen.media.join import encode_soundtrack  # noqa: PLC0415 - for this step only

    placed: list[tuple[float, Path | None]] = []
    for row in render_plan.scenes:
        audio = None
        if row["speaks"]:
            audio = work / f"narration-{row['number']:04d}.wav"
            audio_key, _ = layout.narration_keys(project_id, row["number"])
            storage.download_file(settings.media_bucket, audio_key, audio)
        placed.append((row["narration_start"], audio))
    duration = render_plan.duration
    track = None
    if any(audio is not None for _, audio in placed):
        track = build_narration_track(placed, duration, work / "narration.wav")
    music = None
    if render_plan.music_key is not None:
        music = work / "music"
        storage.download_file(settings.media_bucket, render_plan.music_key, music)
    mixed = None
    if track is not None or music is not None:
        mixed = mix(track, music, duration, work / "soundtrack.wav").path
    return encode_soundtrack(
        mixed, work / "soundtrack.m4a", duration, deadline=Deadline(settings.render_timeout_seconds)
    )


# --- ConcatVideo ---


@tracer.capture_method
def concat_video(project_id: str, render_id: str, settings: Config, work_base: Path) -> dict[str, Any]:
    """Join the segments and the soundtrack into the video; write subtitles, thumbnail and manifest.

    Returns the video key and its duration.
    """
    render_plan = read_plan(project_id, render_id, settings)
    with render_workdir(work_base, f"{project_id}-{render_id}-join") as work:
        files = _join(project_id, render_id, render_plan, settings, work)
        _check_frames(render_plan, files["video"])
        targets = layout.output_keys(project_id, render_id)
        for output in layout.RENDER_OUTPUTS:
            storage.upload_file(
                settings.media_bucket, targets[output.name], files[output.name], output.content_type
            )
        outputs = {
            name: OutputRecord(
                key=targets[name],
                bytes=path.stat().st_size,
                sha256=_sha256(path),
            )
            for name, path in files.items()
        }
    storage.put_bytes(
        settings.media_bucket,
        layout.manifest_key(project_id, render_id),
        _assembly_record(render_plan, outputs).model_dump_json().encode(),
        _JSON,
    )
    logger.info(
        "Video joined", extra={"duration": render_plan.duration, "segments": len(render_plan.segments)}
    )
    return {"video_key": targets["video"], "duration": round(render_plan.duration, 3)}


def _check_frames(render_plan: RenderPlan, video: Path) -> None:
    """The joined video holds exactly the planned frames (counted from its packets, nothing decoded)."""
    frames = count_video_frames(video)
    if frames != render_plan.frames:
        raise VideoAssemblyException(
            f"The segments hold {frames} frames, not the {render_plan.frames} planned.",
            {"frames": frames, "planned": render_plan.frames},
        )


def _join(
    project_id: str, render_id: str, render_plan: RenderPlan, settings: Config, work: Path
) -> dict[str, Path]:
    """The render's outputs on local disk, by output name."""
    from videogen.media.join import join_segments  # noqa: PLC0415 - for this step only
    from videogen.media.thumbnail import make_thumbnail  # noqa: PLC0415 - Pillow, same

    bucket = settings.media_bucket
    fragments = [work / f"fragment-{index:04d}.mp4" for index in range(len(render_plan.segment_keys))]
    in_parallel(
        lambda pair: storage.download_file(bucket, pair[0], pair[1]),
        list(zip(render_plan.segment_keys, fragments, strict=True)),
    )
    soundtrack = work / "soundtrack.m4a"
    storage.download_file(bucket, layout.soundtrack_key(project_id, render_id), soundtrack)
    files = {output.name: work / output.file_name for output in layout.RENDER_OUTPUTS}
    deadline = Deadline(settings.render_timeout_seconds)
    join_segments(fragments, soundtrack, files["video"], workdir=work, deadline=deadline)
    # The subtitle files carry exactly the cues burned into the picture (or that would be, with
    # burned-in captions off).
    files["subtitles_srt"].write_text(to_srt(render_plan.cues), encoding="utf-8")
    files["subtitles_vtt"].write_text(to_vtt(render_plan.cues), encoding="utf-8")
    first_image = work / "first-image.png"
    storage.download_file(bucket, render_plan.scenes[0]["image_key"], first_image)
    make_thumbnail(first_image, files["thumbnail"], width=min(render_plan.width, 640))
    return files


def _assembly_record(render_plan: RenderPlan, outputs: dict[str, OutputRecord]) -> AssemblyRecord:
    """What assembly made and measured: the manifest's first part (``finish`` completes it)."""
    encoding = render_plan.segments[0].encoding
    return AssemblyRecord(
        duration=round(render_plan.duration, 3),
        ffmpeg_version=ffmpeg_version(),
        encoding=EncodingRecord(
            width=encoding.width,
            height=encoding.height,
            fps=encoding.fps,
            preset=encoding.preset,
            crf=encoding.crf,
            threads=encoding.threads,
        ),
        segments=[
            SegmentRecord(index=job.index, key=key, scenes=sorted(set(job.scenes)))
            for job, key in zip(render_plan.segments, render_plan.segment_keys, strict=True)
        ],
        outputs=outputs,
        scenes=[
            SceneTimingRecord(
                number=row["number"],
                duration=round(row["duration"], 3),
                start=round(row["start"], 3),
                narration_start=round(row["narration_start"], 3),
            )
            for row in render_plan.scenes
        ],
    )


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
