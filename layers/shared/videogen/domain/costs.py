"""What a render costs before it runs: its plan (steps, invocations, seconds) and its price. Pure: no I/O.

One model serves every answer that names a price: ``POST /renders?dry_run=true``, ``videogen render
--estimate``, the per-owner monthly budget and the README's cost table. Three tables feed it, each written
once here:

* :data:`STATES` - the render state machine's states on a successful render, and how many times each is
  entered. AWS bills a standard workflow one state transition per state entered.
* :data:`MEMORY_MB` - each function's memory (template.yaml's MemorySize; a test keeps them equal).
* :data:`SECONDS` - modelled Lambda seconds per invocation: MODEL INPUTS, calibrated from the benchmarks
  under ``bench/`` (see each entry), not measured at run time.

Prices are list prices in US dollars (:class:`Prices`); deployed, template.yaml's Price* parameters set them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from videogen.domain.enums import ImageProviderName

# ------------------------------------------------------------------ the render, as the model sees it


@dataclass(frozen=True, slots=True)
class RenderShape:
    """What decides a render's cost, gathered before it runs (``videogen.logic.estimate``)."""

    scenes: int
    images_to_generate: int
    images_cached: int
    narration_seconds: float
    narration_characters: int
    video_seconds: float
    segments: int
    segments_reused: int
    width: int
    height: int
    image_provider: str
    voice_provider: str  # none, local or polly
    #: The render stops after its images and storyboard (StopAfter.IMAGES): nothing is assembled.
    stop_after_images: bool = False

    @property
    def assembled(self) -> int:
        """1 when the render assembles a video, 0 when it stops after its images."""
        return 0 if self.stop_after_images else 1

    @property
    def segments_rendered(self) -> int:
        return self.segments - self.segments_reused


def segment_count(scenes: int, size: int) -> int:
    """Segments of a render of ``scenes`` scenes cut ``size`` scenes at a time (``media.segments``), and a
    short one for the cross-fade at each cut: at most, as a cut without a cross-fade has none."""
    return 2 * math.ceil(scenes / size) - 1 if scenes else 0


# ------------------------------------------------------------------ the state machine


@dataclass(frozen=True, slots=True)
class State:
    """One state of the render state machine: its name, the function a Task invokes, how often it runs."""

    name: str
    entered: Callable[[RenderShape], int]
    function: str | None = None


def _once(_: RenderShape) -> int:
    return 1


def _assembly(shape: RenderShape) -> int:
    return shape.assembled


def _images_only(shape: RenderShape) -> int:
    return 1 - shape.assembled


#: The render state machine on a successful render, in order (infra/statemachine/render.asl.json):
#: PrepareRender → ImagesAndNarration(GenerateImages Map | NarrateScenes Map) → StoryboardAndVideo(
#: MakeStoryboard | StopAfterImages → PlanSegments → SegmentsAndSoundtrack(RenderSegments Map: SegmentStored →
#: ReuseSegment | RenderSegment; MixAudio) → ConcatVideo) → FinishRender → RenderSucceeded; a render that
#: stops after its images goes StopAfterImages → ImagesOnly instead of assembling.
#: RecordFailure runs only when a render fails.
STATES: Final[tuple[State, ...]] = (
    State("PrepareRender", _once, "PrepareRender"),
    State("ImagesAndNarration", _once),
    State("GenerateImages", _once),
    State("GenerateImage", lambda shape: shape.images_to_generate, "GenerateImage"),
    State("NarrateScenes", _once),
    State("SynthesizeNarration", lambda shape: shape.scenes, "SynthesizeNarration"),
    State("StoryboardAndVideo", _once),
    State("MakeStoryboard", _once, "MakeStoryboard"),
    State("StopAfterImages", _once),
    State("ImagesOnly", _images_only),
    State("PlanSegments", _assembly, "PlanSegments"),
    State("SegmentsAndSoundtrack", _assembly),
    State("RenderSegments", _assembly),
    State("SegmentStored", lambda shape: shape.segments * shape.assembled),
    State("ReuseSegment", lambda shape: shape.segments_reused * shape.assembled),
    State("RenderSegment", lambda shape: shape.segments_rendered * shape.assembled, "RenderSegment"),
    State("MixAudio", _assembly, "MixAudio"),
    State("ConcatVideo", _assembly, "ConcatVideo"),
    State("FinishRender", _once, "FinishRender"),
    State("RenderSucceeded", _once),
)


def states_entered(shape: RenderShape) -> dict[str, int]:
    """How many times each state is entered on a successful render of this shape."""
    return {state.name: state.entered(shape) for state in STATES}


def state_transitions(shape: RenderShape) -> int:
    """The state transitions AWS bills for a successful render: one per state entered."""
    return sum(states_entered(shape).values())


def invocations(shape: RenderShape) -> dict[str, int]:
    """Lambda invocations per function on a successful render (each Task state entered invokes once)."""
    return {state.function: state.entered(shape) for state in STATES if state.function is not None}


#: Memory (MB) of each function a successful render invokes: template.yaml's MemorySize (a test checks).
MEMORY_MB: Final[dict[str, int]] = {
    "PrepareRender": 512,
    "GenerateImage": 1024,
    "SynthesizeNarration": 2048,
    "MakeStoryboard": 1024,
    "PlanSegments": 1024,
    "RenderSegment": 3008,
    "MixAudio": 1024,
    "ConcatVideo": 2048,
    "FinishRender": 512,
}

# ------------------------------------------------------------------ modelled seconds (MODEL INPUTS)

#: The frame every per-pixel figure is measured at (720p, 16:9).
REFERENCE_PIXELS: Final = 1280 * 720


@dataclass(frozen=True, slots=True)
class Seconds:
    """Modelled Lambda seconds per invocation. MODEL INPUTS, calibrated from ``bench/`` runs (the render
    and segment benchmarks time each step); change them here when a benchmark says otherwise."""

    #: RenderSegment: Lambda seconds per second of video at 720p, scaling with the frame's pixels, and per
    #: invocation (its images fitted, ffmpeg and x264 started; the cross-fades at cuts are short segments;
    #: its frames counted from the packets), from bench/segments.py, one segment at a time on 2 cores, each
    #: in a new process: 0.48-0.52 s per second of video for 30 s at 720p in 11 segments, 1.14-1.45 s for
    #: 60 s at 1080p in 47 (this machine's speed drifts by 10-25%).
    render_per_video_second_720p: float = 0.40
    render_per_invocation: float = 0.25
    #: ConcatVideo: stream copy of the fragments, mux, +faststart, the joined frames counted, subtitles and
    #: thumbnail.
    concat_base: float = 1.0
    concat_per_video_second: float = 0.02
    #: MixAudio: narration, music, ducking and loudness, once per render.
    mix_base: float = 0.5
    mix_per_video_second: float = 0.02
    plan_segments: float = 0.5
    #: MakeStoryboard: reading the timings, then per scene a still decoded, pasted and thumbnailed.
    storyboard_base: float = 0.5
    storyboard_per_scene: float = 0.05
    prepare_render: float = 0.3
    finish_render: float = 0.3
    #: GenerateImage per image: the local painter, and a paid provider's round trip (Stability, Bedrock).
    image_local: float = 1.0
    image_remote: float = 6.0
    #: SynthesizeNarration per scene: Piper runs in the function (per narration second, plus start-up);
    #: Polly is a round trip; without a voice the step only records the scene.
    narration_local_base: float = 0.5
    narration_local_per_second: float = 0.15
    narration_polly: float = 1.0
    narration_none: float = 0.1


SECONDS: Final = Seconds()


def function_seconds(shape: RenderShape, model: Seconds = SECONDS) -> dict[str, float]:
    """Modelled Lambda seconds per function (all its invocations together) for a successful render."""
    calls = invocations(shape)
    pixels = shape.width * shape.height / REFERENCE_PIXELS
    rendered = shape.segments_rendered / shape.segments if shape.segments else 0.0
    image = model.image_local if shape.image_provider == ImageProviderName.LOCAL.value else model.image_remote
    narration = {
        "local": calls["SynthesizeNarration"] * model.narration_local_base
        + model.narration_local_per_second * shape.narration_seconds,
        "polly": calls["SynthesizeNarration"] * model.narration_polly,
    }.get(shape.voice_provider, calls["SynthesizeNarration"] * model.narration_none)
    return {
        "PrepareRender": calls["PrepareRender"] * model.prepare_render,
        "GenerateImage": calls["GenerateImage"] * image,
        "SynthesizeNarration": narration,
        "MakeStoryboard": calls["MakeStoryboard"]
        * (model.storyboard_base + model.storyboard_per_scene * shape.scenes),
        "PlanSegments": calls["PlanSegments"] * model.plan_segments,
        "RenderSegment": (
            model.render_per_video_second_720p * shape.video_seconds * rendered * pixels
            + model.render_per_invocation * shape.segments_rendered
        )
        * shape.assembled,
        "MixAudio": calls["MixAudio"] * (model.mix_base + model.mix_per_video_second * shape.video_seconds),
        "ConcatVideo": calls["ConcatVideo"]
        * (model.concat_base + model.concat_per_video_second * shape.video_seconds),
        "FinishRender": calls["FinishRender"] * model.finish_render,
    }


def s3_requests(shape: RenderShape) -> tuple[int, int]:
    """(PUT-class, GET-class) S3 requests of a successful render. MODEL INPUTS, counted from the steps:

    PUTs: each generated image, each scene's narration audio, the storyboard and each scene's thumbnail;
    when assembled, each rendered fragment, the mix, and the four outputs (video, SRT, VTT, thumbnail).
    GETs (HEAD is billed as GET): PrepareRender's check of each scene's image, GenerateImage's cache check,
    each scene's image and timings read by the storyboard; when assembled, each scene's image and narration
    read by the segments and the mix, each fragment's existence check and read by the concat, and the mix
    read by the concat.
    """
    puts = shape.images_to_generate + shape.scenes + 1 + shape.scenes
    gets = shape.scenes + shape.images_to_generate + 2 * shape.scenes
    if shape.assembled:
        puts += shape.segments_rendered + 1 + 4
        gets += 2 * shape.scenes + 2 * shape.segments + 1
    return puts, gets


# ------------------------------------------------------------------ prices


@dataclass(frozen=True, slots=True)
class Prices:
    """List prices in US dollars (us-east-1, on-demand). The defaults are template.yaml's Price* parameter
    defaults (a test keeps them equal); deployed, the parameters set them through ``videogen.config``."""

    lambda_gb_second: float = 0.0000166667  # x86_64
    lambda_request: float = 0.0000002
    state_transition: float = 0.000025  # standard workflows
    s3_put: float = 0.000005
    s3_get: float = 0.0000004
    stability_image: float = 0.03  # Stable Image Core, v2beta REST: 3 credits at $0.01
    bedrock_image: float = 0.04  # stability.stable-image-core-v1:1, on demand
    polly_character: float = 0.000016  # neural voices (videogen's Polly voices are neural)

    def image(self, provider: str) -> float:
        """One generated image from ``provider`` (the local painter costs nothing but its Lambda time)."""
        return {
            ImageProviderName.STABILITY.value: self.stability_image,
            ImageProviderName.BEDROCK.value: self.bedrock_image,
        }.get(provider, 0.0)

    def narration_character(self, voice_provider: str) -> float:
        """One narrated character: Polly bills characters; the local voice runs inside the function."""
        return self.polly_character if voice_provider == "polly" else 0.0


DEFAULT_PRICES: Final = Prices()

# ------------------------------------------------------------------ the estimate


@dataclass(frozen=True, slots=True)
class CostItem:
    """One line of the bill: what, how many of it, at which unit price, for how many dollars."""

    item: str
    quantity: float
    unit: str
    unit_usd: float

    @property
    def usd(self) -> float:
        return self.quantity * self.unit_usd


@dataclass(frozen=True, slots=True)
class FunctionUse:
    """One function's share of a render: invocations, modelled seconds, its memory and GB-seconds."""

    function: str
    invocations: int
    seconds: float
    memory_mb: int

    @property
    def gb_seconds(self) -> float:
        return self.seconds * self.memory_mb / 1024


@dataclass(frozen=True, slots=True)
class Estimate:
    """A render's plan and its price, item by item; ``total_usd`` is the sum of the items."""

    shape: RenderShape
    states: dict[str, int]
    functions: list[FunctionUse]
    s3_puts: int
    s3_gets: int
    items: list[CostItem] = field(default_factory=list)

    @property
    def state_transitions(self) -> int:
        return sum(self.states.values())

    @property
    def gb_seconds(self) -> float:
        return sum(use.gb_seconds for use in self.functions)

    @property
    def total_usd(self) -> float:
        return sum(item.usd for item in self.items)


def estimate(shape: RenderShape, prices: Prices = DEFAULT_PRICES, model: Seconds = SECONDS) -> Estimate:
    """The plan and price of a successful render of this shape."""
    calls = invocations(shape)
    seconds = function_seconds(shape, model)
    functions = [
        FunctionUse(name, calls[name], seconds[name], MEMORY_MB[name]) for name in MEMORY_MB if calls[name]
    ]
    states = states_entered(shape)
    puts, gets = s3_requests(shape)
    result = Estimate(shape, states, functions, puts, gets)
    result.items.extend(
        [
            CostItem(
                f"images ({shape.image_provider})",
                shape.images_to_generate,
                "image",
                prices.image(shape.image_provider),
            ),
            CostItem(
                f"narration ({shape.voice_provider})",
                shape.narration_characters,
                "character",
                prices.narration_character(shape.voice_provider),
            ),
            CostItem("Lambda compute", result.gb_seconds, "GB-second", prices.lambda_gb_second),
            CostItem("Lambda requests", sum(calls.values()), "request", prices.lambda_request),
            CostItem("Step Functions", result.state_transitions, "state transition", prices.state_transition),
            CostItem("S3 PUT requests", puts, "request", prices.s3_put),
            CostItem("S3 GET requests", gets, "request", prices.s3_get),
        ]
    )
    return result
