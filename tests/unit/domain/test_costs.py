"""The render cost model (videogen.domain.costs): its plan and price, figure by figure."""

from __future__ import annotations

import dataclasses

import pytest

from videogen.domain import costs
from videogen.domain.costs import DEFAULT_PRICES, SECONDS, Prices, RenderShape


def _shape(**changes: object) -> RenderShape:
    base = RenderShape(
        scenes=10,
        images_to_generate=4,
        images_cached=6,
        narration_seconds=25.0,
        narration_characters=375,
        video_seconds=30.0,
        segments=2,
        segments_reused=0,
        width=1280,
        height=720,
        image_provider="local",
        voice_provider="local",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scenes", "images", "segments", "reused"),
    [(1, 0, 1, 0), (10, 4, 2, 0), (10, 10, 2, 1), (200, 37, 34, 30)],
)
def test_transitions_are_one_per_state_entered_of_the_final_state_machine(
    scenes: int, images: int, segments: int, reused: int
) -> None:
    shape = _shape(scenes=scenes, images_to_generate=images, segments=segments, segments_reused=reused)

    transitions = costs.state_transitions(shape)

    # The formula: 1 + 1 + (1 + I) + (1 + N) + 1 + 1 + (1 + G + G) + 1 + 1 + 1 + 1, plus the
    # storyboard and the choice (issue 15) and the parallel state that runs the storyboard beside the
    # video: + 1 + 1 + 1
    assert transitions == 1 + 1 + (1 + images) + (1 + scenes) + 1 + 1 + (1 + 2 * segments) + 1 + 1 + 1 + 1 + 3
    assert costs.estimate(shape).state_transitions == transitions


@pytest.mark.parametrize(("scenes", "images"), [(1, 0), (10, 4), (200, 37)])
def test_a_render_stopped_after_its_images_enters_no_assembly_state(scenes: int, images: int) -> None:
    shape = _shape(scenes=scenes, images_to_generate=images, segments=3, stop_after_images=True)

    states = costs.states_entered(shape)

    # PrepareRender, ImagesAndNarration, the two maps, StoryboardAndVideo, MakeStoryboard, StopAfterImages,
    # ImagesOnly, FinishRender, RenderSucceeded.
    assert costs.state_transitions(shape) == 1 + 1 + (1 + images) + (1 + scenes) + 1 + 1 + 1 + 1 + 1 + 1
    assert states["ImagesOnly"] == 1
    assembly = ("PlanSegments", "SegmentsAndSoundtrack", "RenderSegments", "SegmentStored", "ReuseSegment",
                "RenderSegment", "MixAudio", "ConcatVideo")  # fmt: skip
    assert all(states[name] == 0 for name in assembly)
    calls = costs.invocations(shape)
    assert calls["MakeStoryboard"] == 1 and calls["FinishRender"] == 1
    assert all(calls[name] == 0 for name in ("PlanSegments", "RenderSegment", "MixAudio", "ConcatVideo"))


def test_stopping_after_the_images_costs_the_images_and_less_than_the_video() -> None:
    whole = costs.estimate(_shape(image_provider="stability"))
    images_only = costs.estimate(_shape(image_provider="stability", stop_after_images=True))

    assert images_only.items[0] == whole.items[0]  # the same images are paid for
    assert {use.function for use in images_only.functions} == {
        "PrepareRender", "GenerateImage", "SynthesizeNarration", "MakeStoryboard", "FinishRender"
    }  # fmt: skip
    assert images_only.s3_puts < whole.s3_puts and images_only.s3_gets < whole.s3_gets
    assert images_only.total_usd < whole.total_usd


def test_states_entered_name_each_state_and_split_segments_into_reused_and_rendered() -> None:
    states = costs.states_entered(_shape(scenes=10, images_to_generate=4, segments=3, segments_reused=1))

    assert states == {
        "PrepareRender": 1,
        "ImagesAndNarration": 1,
        "GenerateImages": 1,
        "GenerateImage": 4,
        "NarrateScenes": 1,
        "SynthesizeNarration": 10,
        "StoryboardAndVideo": 1,
        "MakeStoryboard": 1,
        "StopAfterImages": 1,
        "ImagesOnly": 0,
        "PlanSegments": 1,
        "SegmentsAndSoundtrack": 1,
        "RenderSegments": 1,
        "SegmentStored": 3,
        "ReuseSegment": 1,
        "RenderSegment": 2,
        "MixAudio": 1,
        "ConcatVideo": 1,
        "FinishRender": 1,
        "RenderSucceeded": 1,
    }


def test_invocations_are_the_task_states_entered_and_every_function_has_a_memory_size() -> None:
    calls = costs.invocations(_shape(scenes=10, images_to_generate=4, segments=3, segments_reused=1))

    assert calls == {
        "PrepareRender": 1,
        "GenerateImage": 4,
        "SynthesizeNarration": 10,
        "MakeStoryboard": 1,
        "PlanSegments": 1,
        "RenderSegment": 2,
        "MixAudio": 1,
        "ConcatVideo": 1,
        "FinishRender": 1,
    }
    assert set(calls) == set(costs.MEMORY_MB)


def test_cached_images_cost_nothing_and_generated_ones_cost_the_providers_price() -> None:
    for provider, price in (("local", 0.0), ("stability", 0.03), ("bedrock", 0.04)):
        all_cached = costs.estimate(_shape(image_provider=provider, images_to_generate=0, images_cached=10))
        four_new = costs.estimate(_shape(image_provider=provider, images_to_generate=4, images_cached=6))

        assert all_cached.items[0].item == f"images ({provider})"
        assert all_cached.items[0].usd == 0
        assert four_new.items[0].quantity == 4
        assert four_new.items[0].unit_usd == price
        assert four_new.items[0].usd == pytest.approx(4 * price)
        assert "GenerateImage" not in {use.function for use in all_cached.functions}


def test_polly_bills_characters_and_the_local_voice_does_not() -> None:
    polly = costs.estimate(_shape(voice_provider="polly", narration_characters=1000))
    local = costs.estimate(_shape(voice_provider="local", narration_characters=1000))

    assert polly.items[1] == costs.CostItem("narration (polly)", 1000, "character", 0.000016)
    assert polly.items[1].usd == pytest.approx(0.016)
    assert local.items[1].usd == 0
    # Piper runs inside SynthesizeNarration: its time grows with the narration, Polly's does not.
    local_seconds = {use.function: use.seconds for use in local.functions}["SynthesizeNarration"]
    polly_seconds = {use.function: use.seconds for use in polly.functions}["SynthesizeNarration"]
    assert local_seconds == pytest.approx(10 * 0.5 + 0.15 * 25.0)
    assert polly_seconds == pytest.approx(10 * 1.0)


def test_total_is_the_sum_of_the_items_and_lambda_is_gb_seconds_times_price() -> None:
    priced = costs.estimate(_shape(image_provider="stability", voice_provider="polly"))

    assert priced.total_usd == pytest.approx(sum(item.quantity * item.unit_usd for item in priced.items))
    lambda_item = next(item for item in priced.items if item.item == "Lambda compute")
    gb_seconds = sum(use.seconds * use.memory_mb / 1024 for use in priced.functions)
    assert lambda_item.quantity == pytest.approx(gb_seconds)
    assert lambda_item.unit_usd == DEFAULT_PRICES.lambda_gb_second
    requests = next(item for item in priced.items if item.item == "Lambda requests")
    assert requests.quantity == sum(costs.invocations(priced.shape).values())
    transitions = next(item for item in priced.items if item.item == "Step Functions")
    assert transitions.quantity == priced.state_transitions
    assert transitions.usd == pytest.approx(priced.state_transitions * 0.000025)


def test_render_segment_time_scales_with_pixels_and_skips_reused_segments() -> None:
    at_720p = costs.function_seconds(_shape())["RenderSegment"]
    at_1080p = costs.function_seconds(_shape(width=1920, height=1080))["RenderSegment"]
    half_reused = costs.function_seconds(_shape(segments=2, segments_reused=1))["RenderSegment"]

    # Per second of video, scaled by the frame's pixels, and per invocation (2 segments)
    per_invocation = 2 * SECONDS.render_per_invocation
    assert at_720p == pytest.approx(SECONDS.render_per_video_second_720p * 30.0 + per_invocation)
    assert at_1080p == pytest.approx((at_720p - per_invocation) * 2.25 + per_invocation)
    assert half_reused == pytest.approx(at_720p / 2)


def test_prices_are_taken_as_given() -> None:
    free = Prices(0, 0, 0, 0, 0, 0, 0, 0)

    assert costs.estimate(_shape(image_provider="stability"), free).total_usd == 0


def test_segment_count_rounds_up_and_counts_the_fade_at_each_cut() -> None:
    assert [costs.segment_count(n, 4) for n in (0, 1, 4, 5, 8, 9)] == [0, 1, 1, 3, 3, 5]
