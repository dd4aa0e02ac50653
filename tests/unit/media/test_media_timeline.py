"""The timeline: where each scene sits, how cross-fades overlap, and what makes a scene invalid."""

from __future__ import annotations

import pytest

from videogen.domain.enums import Transition
from videogen.exceptions import VideoAssemblyException
from videogen.media.timeline import Slot, timeline, total_duration, transition_overlaps


def _scene(duration: float, transition: Transition = Transition.FADE, fade: float = 0.5) -> Slot:
    return Slot(duration, transition, fade)


def test_timeline_overlaps_cross_fades_and_butts_cuts() -> None:
    scenes = [_scene(3.0), _scene(2.0, Transition.CUT), _scene(4.0)]

    assert timeline(scenes) == [(0.0, 3.0), (2.5, 4.5), (4.5, 8.5)]


def test_total_duration_is_durations_minus_overlaps() -> None:
    scenes = [_scene(3.0, fade=1.0), _scene(2.0, Transition.WIPE, fade=0.25), _scene(4.0)]

    assert total_duration(scenes) == pytest.approx(3.0 + 2.0 + 4.0 - 1.0 - 0.25)


def test_last_scenes_transition_adds_no_overlap() -> None:
    assert total_duration([_scene(2.0), _scene(2.0, Transition.DISSOLVE, fade=1.0)]) == pytest.approx(3.5)


def test_a_fade_is_clamped_to_half_of_the_shorter_scene() -> None:
    scenes = [_scene(4.0, fade=3.0), _scene(1.0), _scene(1.0)]

    assert transition_overlaps(scenes) == [0.5, 0.5]
    assert timeline(scenes) == [(0.0, 4.0), (3.5, 4.5), (4.0, 5.0)]


def test_zero_length_transition_is_a_cut() -> None:
    assert transition_overlaps([_scene(2.0, fade=0.0), _scene(2.0)]) == [0.0]


def test_no_scenes_make_an_empty_timeline() -> None:
    assert timeline([]) == []
    assert total_duration([]) == 0.0


@pytest.mark.parametrize("duration", [0.0, -1.0, float("nan"), float("inf")])
def test_invalid_duration_names_the_scene(duration: float) -> None:
    with pytest.raises(VideoAssemblyException) as info:
        timeline([_scene(1.0), _scene(duration)])

    assert info.value.details["scene"] == 2
    assert "Scene 2" in info.value.message


def test_negative_transition_duration_is_rejected() -> None:
    with pytest.raises(VideoAssemblyException):
        transition_overlaps([_scene(1.0, fade=-0.5), _scene(1.0)])
