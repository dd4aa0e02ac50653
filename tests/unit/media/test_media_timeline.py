"""The assembler's pure parts: the timeline, segment planning, motion and filtergraph escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from videogen.domain.enums import Transition
from videogen.exceptions import VideoAssemblyException
from videogen.media import assemble
from videogen.media.assemble import (
    Motion,
    SceneClip,
    motion_for_index,
    render_workdir,
    timeline,
    total_duration,
    transition_overlaps,
)
from videogen.media.ffmpeg import expr_number, filter_value

IMAGE = Path("unused.png")


def _scene(duration: float, transition: Transition = Transition.FADE, fade: float = 0.5) -> SceneClip:
    return SceneClip(IMAGE, duration, transition, fade)


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


def test_motion_cycles_through_four_moves_by_scene_index() -> None:
    moves = [motion_for_index(index) for index in range(6)]

    assert moves == [
        Motion.ZOOM_IN,
        Motion.PAN_RIGHT,
        Motion.ZOOM_OUT,
        Motion.PAN_LEFT,
        Motion.ZOOM_IN,
        Motion.PAN_RIGHT,
    ]


def test_segments_tile_the_video_and_restart_inside_a_cross_fade() -> None:
    # Given four scenes of 12 frames with 6-frame fades, rendered two scenes per segment
    starts, ends = [0, 6, 12, 18], [12, 18, 24, 30]

    segments = assemble._plan_segments(starts, ends, 2)

    # Then the segments cover every frame once, and the second opens with the tail of scene 2
    assert [(s.start_frame, s.frames) for s in segments] == [(0, 12), (12, 18)]
    first, second = segments
    assert [(c.scene, c.first, c.frames, c.overlap) for c in first.clips] == [(0, 0, 12, 0), (1, 0, 6, 6)]
    assert [(c.scene, c.first, c.frames, c.overlap) for c in second.clips] == [
        (1, 6, 6, 0),
        (2, 0, 12, 6),
        (3, 0, 12, 6),
    ]


def test_a_segment_after_a_cut_has_no_tail() -> None:
    segments = assemble._plan_segments([0, 10, 20], [10, 20, 30], 1)

    assert [len(s.clips) for s in segments] == [1, 1, 1]
    assert sum(s.frames for s in segments) == 30


def test_segment_size_shrinks_for_bigger_frames() -> None:
    assert assemble._segment_size(1920, 1080) < assemble._segment_size(1280, 720)
    assert assemble._segment_size(1280, 720) <= assemble._segment_size(854, 480)
    assert assemble._segment_size(3840, 2160) >= 2


def test_motion_expressions_enter_the_scene_where_the_clip_starts() -> None:
    z, x, y = assemble._motion_expressions(Motion.PAN_RIGHT, length=11, first=5)

    assert z == "1.15"
    assert x == "(iw-iw/zoom)*(0.5+0.1*on)"
    assert y == "(ih-ih/zoom)/2"


def test_segment_graph_keeps_caption_text_out_of_the_filtergraph(tmp_path: Path) -> None:
    segment = assemble._plan_segments([0, 6], [12, 18], 4)[0]
    burn_in = assemble._BurnIn(tmp_path / "captions.ass", tmp_path / "fonts")
    scenes = [_scene(1.0), _scene(1.0, Transition.CIRCLE)]

    graph = assemble._segment_graph(segment, scenes, (320, 180), 12, burn_in)

    assert "xfade=transition=fade:duration=0.5:offset=0" in graph
    assert "ass=filename=" in graph
    # scene 1's body and tail, scene 2's head and body, each plane moved apart; the fade sits between bodies
    assert graph.count("mergeplanes=") == 4
    assert graph.count("zoompan=") == 12
    assert "[b0][x1][b1]concat=n=3" in graph


def test_filter_value_escapes_both_filtergraph_levels() -> None:
    assert filter_value("/tmp/a b/c.ass") == "\\'/tmp/a b/c.ass\\'"
    assert filter_value("x:y,z") == "\\'x:y\\,z\\'"
    assert filter_value("it's[1];\\") == "\\'it\\'\\\\\\'\\'s\\[1\\]\\;\\\\\\'"


def test_expr_number_never_uses_an_exponent() -> None:
    assert expr_number(1e-7) == "0.0000001"
    assert expr_number(2.5) == "2.5"
    assert expr_number(3.0) == "3"
    assert expr_number(0.0) == "0"


def test_render_workdir_is_removed_even_when_the_render_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), render_workdir(tmp_path, "render-1") as work:
        (work / "scratch.bin").write_bytes(b"x")
        raise RuntimeError("boom")

    assert not (tmp_path / "render-1").exists()


def test_render_workdir_clears_a_previous_attempt(tmp_path: Path) -> None:
    (tmp_path / "render-2").mkdir()
    (tmp_path / "render-2" / "stale.mp4").write_bytes(b"old")

    with render_workdir(tmp_path, "render-2") as work:
        assert list(work.iterdir()) == []


@pytest.mark.parametrize("render_id", ["../escape", "a/b", "", ".hidden", "x" * 200])
def test_render_workdir_rejects_ids_that_are_not_plain_names(tmp_path: Path, render_id: str) -> None:
    with pytest.raises(VideoAssemblyException), render_workdir(tmp_path, render_id):
        pass
