"""The assembler's pure half: segment planning, camera moves, the filtergraph and its escaping."""

from __future__ import annotations

from pathlib import Path

from videogen.domain.enums import Transition
from videogen.media import segments
from videogen.media.ffmpeg import expr_number, filter_value
from videogen.media.segments import Motion, motion_for_index


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

    planned = segments.plan_segments(starts, ends, 2)

    # Then the segments cover every frame once, and the second opens with the tail of scene 2
    assert [(s.start_frame, s.frames) for s in planned] == [(0, 12), (12, 18)]
    first, second = planned
    assert [(c.scene, c.first, c.frames, c.overlap) for c in first.clips] == [(0, 0, 12, 0), (1, 0, 6, 6)]
    assert [(c.scene, c.first, c.frames, c.overlap) for c in second.clips] == [
        (1, 6, 6, 0),
        (2, 0, 12, 6),
        (3, 0, 12, 6),
    ]


def test_a_segment_after_a_cut_has_no_tail() -> None:
    planned = segments.plan_segments([0, 10, 20], [10, 20, 30], 1)

    assert [len(s.clips) for s in planned] == [1, 1, 1]
    assert sum(s.frames for s in planned) == 30


def test_segment_size_shrinks_for_bigger_frames() -> None:
    assert segments.segment_size(1920, 1080) < segments.segment_size(1280, 720)
    assert segments.segment_size(1280, 720) <= segments.segment_size(854, 480)
    assert segments.segment_size(3840, 2160) >= 2


def test_motion_expressions_enter_the_scene_where_the_clip_starts() -> None:
    z, x, y = segments.motion_expressions(Motion.PAN_RIGHT, length=11, first=5)

    assert z == "1.15"
    assert x == "(iw-iw/zoom)*(0.5+0.1*on)"
    assert y == "(ih-ih/zoom)/2"


def test_segment_graph_keeps_caption_text_out_of_the_filtergraph(tmp_path: Path) -> None:
    segment = segments.plan_segments([0, 6], [12, 18], 4)[0]
    burn_in = segments.BurnIn(tmp_path / "captions.ass", tmp_path / "fonts")
    graph = segments.segment_graph(
        segment,
        motions=[Motion.ZOOM_IN, Motion.PAN_RIGHT],
        transitions=[Transition.FADE, Transition.CIRCLE],
        frame=(320, 180),
        fps=12,
        burn_in=burn_in,
    )

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
