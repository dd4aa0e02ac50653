"""A render's plan and price before it runs, from the project's settings and scenes: the shape of the render
(``videogen.domain.costs.RenderShape``) gathered here, priced by the pure cost model."""

from __future__ import annotations

import math

from videogen.config import Config
from videogen.domain import costs
from videogen.domain.enums import StopAfter
from videogen.domain.models import Project, Scene
from videogen.domain.text import speakable, spoken_text
from videogen.domain.voices import NONE as NO_VOICE
from videogen.domain.voices import validate_voice


def scene_seconds(project: Project, project_scenes: list[Scene]) -> list[float]:
    """Each scene's length as assembly will make it, before its narration is synthesized."""
    # The API function, and FinishRender, RecordFailure and ReconcileRender (which free a render's slot),
    # import this module through logic.renders: the timeline's 10 ms of cold start only when one is priced.
    from videogen.media.timeline import estimated_scene_seconds  # noqa: PLC0415

    voiced = project.settings.voice != NO_VOICE
    return [
        estimated_scene_seconds(scene.narration, scene.duration, voiced=voiced) for scene in project_scenes
    ]


def render_shape(
    project: Project, project_scenes: list[Scene], settings: Config, stop_after: StopAfter | None = None
) -> costs.RenderShape:
    """What decides the render's cost: its scenes, the images it must generate (those not already stored
    under their current key, as PrepareRender decides), its narration, its length and its segments, and
    whether it stops after its images (``stop_after``: then nothing is assembled).

    Segments a render may reuse from an earlier one are counted as rendered: the estimate is an upper bound.
    """
    from videogen.logic.images import plan_images  # noqa: PLC0415 - the providers' registry: as scene_seconds says
    from videogen.media.segments import segment_size  # noqa: PLC0415 - ffmpeg helpers, render starts only
    from videogen.media.timeline import reading_seconds  # noqa: PLC0415 - as scene_seconds says

    width, height = project.settings.frame_size()
    voice = validate_voice(project.settings.voice).provider
    spoken = [
        spoken_text(scene.narration)[0]
        for scene in project_scenes
        if voice != NO_VOICE and speakable(scene.narration)
    ]
    images = plan_images(project, project_scenes, settings)
    scene_count = len(project_scenes)
    return costs.RenderShape(
        scenes=scene_count,
        images_to_generate=images.to_generate,
        images_cached=len(images.ready),
        narration_seconds=sum(reading_seconds(text) for text in spoken),
        narration_characters=sum(len(text) for text in spoken),
        video_seconds=sum(scene_seconds(project, project_scenes)),
        segments=costs.segment_count(scene_count, segment_size(width, height)),
        segments_reused=0,
        width=width,
        height=height,
        image_provider=str(project.settings.image_provider),
        voice_provider=voice,
        stop_after_images=stop_after is StopAfter.IMAGES,
    )


def estimate(
    project: Project, project_scenes: list[Scene], settings: Config, stop_after: StopAfter | None = None
) -> costs.Estimate:
    """The render's plan and price at the configured prices (up to ``stop_after``)."""
    return costs.estimate(render_shape(project, project_scenes, settings, stop_after), settings.prices())


def micro_usd(dollars: float) -> int:
    """Dollars as whole micro-dollars, rounded up: a budget never admits a fraction more than it holds."""
    return math.ceil(round(dollars * 1_000_000, 6))
