"""The assembler's pure half: segment planning, camera moves, the filtergraph and its escaping."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from videogen.domain import costs
from videogen.domain.enums import Transition
from videogen.media import segments
from videogen.media.captions import Cue, caption_style, in_segment, title_style
from videogen.media.ffmpeg import expr_number, filter_value
from videogen.media.segments import Motion, motion_for_index
from videogen.media.timeline import Slot, timeline


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


def test_segments_tile_the_video_and_a_cross_fade_at_a_cut_is_a_segment_of_its_own() -> None:
    # Given four scenes of 12 frames with 6-frame fades, rendered two scenes per segment
    starts, ends = [0, 6, 12, 18], [12, 18, 24, 30]

    planned = segments.plan_segments(starts, ends, 2)

    # Then the segments cover every frame once: scenes 1-2 up to the fade at the cut, the fade (scene 2's
    # tail into scene 3's head), then scenes 3-4 from the end of that fade
    assert [(s.start_frame, s.frames) for s in planned] == [(0, 12), (12, 6), (18, 12)]
    first, fade, third = planned
    assert [(c.scene, c.first, c.frames, c.overlap) for c in first.clips] == [(0, 0, 12, 0), (1, 0, 6, 6)]
    assert [(c.scene, c.first, c.frames, c.overlap) for c in fade.clips] == [(1, 6, 6, 0), (2, 0, 6, 6)]
    assert [(c.scene, c.first, c.frames, c.overlap) for c in third.clips] == [(2, 6, 6, 0), (3, 0, 12, 6)]


def test_a_scene_that_is_all_cross_fades_leaves_no_empty_segment() -> None:
    # Given a 30-frame scene between 60-frame ones, one scene per segment: its two 15-frame fades fill it
    jobs = _jobs([60, 30, 60], size=1)

    # Then the video is scene 1, the fade into scene 2, the fade out of it, and scene 3
    assert [(job.start_frame, job.frames) for job in jobs] == [(0, 45), (45, 15), (60, 15), (75, 45)]
    assert [[clip.scene for clip in job.clips] for job in jobs] == [[1], [1, 2], [2, 3], [3]]


def test_a_segment_after_a_cut_has_no_tail() -> None:
    planned = segments.plan_segments([0, 10, 20], [10, 20, 30], 1)

    assert [len(s.clips) for s in planned] == [1, 1, 1]
    assert sum(s.frames for s in planned) == 30


def test_segment_size_shrinks_for_bigger_frames() -> None:
    assert segments.segment_size(1920, 1080) < segments.segment_size(1280, 720)
    assert segments.segment_size(1280, 720) <= segments.segment_size(854, 480)
    assert segments.segment_size(3840, 2160) >= 1


@pytest.mark.parametrize("motion", list(Motion))
def test_the_camera_enters_the_scene_where_the_clip_starts(motion: Motion) -> None:
    # Given a scene of 11 frames, and a clip of its last 6
    whole = segments.ClipJob(1, "a.png", 11, 0, 11, 0, motion, None)
    tail = segments.ClipJob(1, "a.png", 11, 5, 6, 0, motion, None)

    # Then the clip's views are the scene's from its 6th frame on
    assert segments.camera_plan(tail, 320, 180).views == segments.camera_plan(whole, 320, 180).views[5:]


def _exact_view(
    motion: Motion, progress: float, zoom: float, picture: tuple[int, int], frame: tuple[int, int]
):
    """Where the frame's left/top edge lies in the (unpadded) picture and its scale, per axis, on the exact
    path at ``progress``: the view is the picture's 1/zoom, centred for a zoom, sliding across for a pan
    (``zoom``: a pan's own zoom; a zoom's is computed here)."""
    if motion is Motion.ZOOM_IN:
        zoom = 1 + (segments.MAX_ZOOM - 1) * progress
    elif motion is Motion.ZOOM_OUT:
        zoom = segments.MAX_ZOOM - (segments.MAX_ZOOM - 1) * progress
    places = []
    for axis in (0, 1):
        size = picture[axis]
        share = 0.5
        if axis == 0 and motion is Motion.PAN_RIGHT:
            share = progress
        elif axis == 0 and motion is Motion.PAN_LEFT:
            share = 1 - progress
        places.append(((size - size / zoom) * share, size / zoom / frame[axis]))
    return places


def _view_misses(
    plan: segments.CameraPlan, view: segments.View, frame: tuple[int, int], exact
) -> list[float]:
    """Per axis, the larger distance, in frame pixels, of the frame's two edges from their exact places."""
    misses = []
    for axis in (0, 1):
        scale = view.crop[axis] / view.scaled[axis]
        start = view.at[axis] + view.offset[axis] * scale - plan.pad
        exact_start, exact_scale = exact[axis]
        misses.append(
            max(abs(start + edge * scale - exact_start - edge * exact_scale) for edge in (0, frame[axis]))
            / exact_scale
        )
    return misses


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (720, 1280), (1080, 1080), (320, 180)])
@pytest.mark.parametrize("motion", list(Motion))
def test_every_move_places_every_frame_within_a_tenth_of_a_pixel_on_the_chroma_grid(
    motion: Motion, size: tuple[int, int]
) -> None:
    # Given a 90-frame scene entered at its 10th frame
    clip = segments.ClipJob(1, "a.png", 90, 10, 80, 0, motion, None)

    plan = segments.camera_plan(clip, *size)

    # Then every frame has its view, every number even, the crop inside the padded picture and the frame
    # inside the scaled crop; each edge of the frame is within a tenth of a frame pixel of the exact path,
    # as the plan's own error says. A pan moves across within a twentieth; its height stays put, at the
    # closest aspect to its width's scale.
    assert plan.picture == segments.picture_size(motion, *size)
    assert len(plan.views) == 80
    pans = motion in (Motion.PAN_LEFT, Motion.PAN_RIGHT)
    pan_zoom = plan.views[0].scaled[0] / plan.views[0].crop[0]
    worst = [0.0, 0.0]
    for number, view in enumerate(plan.views, start=10):
        numbers = [plan.pad, *view.crop, *view.at, *view.scaled, *view.offset]
        assert all(n % 2 == 0 for n in numbers)
        for axis in (0, 1):
            assert view.at[axis] >= 0 and view.at[axis] + view.crop[axis] <= plan.picture[axis] + 2 * plan.pad
            assert 0 <= view.offset[axis] <= view.scaled[axis] - size[axis]
        exact = _exact_view(motion, number / 89, pan_zoom, plan.picture, size)
        worst = [max(pair) for pair in zip(worst, _view_misses(plan, view, size, exact), strict=True)]
    if pans:
        assert worst[0] <= 0.05 and worst[0] <= plan.error + 1e-9
        assert worst[1] <= 0.2
    else:
        assert max(worst) <= 0.125 and max(worst) <= plan.error + 1e-9


def test_a_pan_scales_by_max_zoom_and_keeps_one_size() -> None:
    clip = segments.ClipJob(1, "a.png", 90, 0, 90, 0, Motion.PAN_LEFT, None)

    plan = segments.camera_plan(clip, 1280, 720)

    assert {(view.crop, view.scaled) for view in plan.views} == {(plan.views[0].crop, plan.views[0].scaled)}
    crop, scaled = plan.views[0].crop, plan.views[0].scaled
    assert crop[0] / scaled[0] == pytest.approx(1 / segments.MAX_ZOOM, rel=2e-3)
    assert crop[1] / scaled[1] == pytest.approx(crop[0] / scaled[0], rel=2e-4)


def test_a_zoom_picture_is_fitted_larger_than_the_frame_and_a_pan_picture_at_it() -> None:
    assert segments.picture_size(Motion.ZOOM_IN, 1280, 720) == (1536, 864)
    assert segments.picture_size(Motion.ZOOM_OUT, 1080, 1920) == (1296, 2304)
    assert segments.picture_size(Motion.PAN_RIGHT, 1280, 720) == (1280, 720)


def test_camera_commands_change_only_what_moves_from_the_second_frame() -> None:
    pan = segments.camera_plan(segments.ClipJob(1, "a.png", 30, 0, 30, 0, Motion.PAN_RIGHT, None), 320, 180)
    zoom = segments.camera_plan(segments.ClipJob(1, "a.png", 30, 0, 30, 0, Motion.ZOOM_IN, None), 320, 180)

    pan_lines = segments.camera_commands(pan, 3, 30).splitlines()
    zoom_lines = segments.camera_commands(zoom, 0, 30).splitlines()

    # A pan moves its two horizontal offsets (on frames where they change)
    view = pan.views[1]
    assert pan_lines[0] == f"0.0166666667 crop@cam3 x {view.at[0]}, crop@view3 x {view.offset[0]};"
    assert all(" y " not in line and "scale@" not in line and " w " not in line for line in pan_lines)
    # A zoom's sizes change too: each command names exactly what changed from the frame before
    assert len(zoom_lines) == 29
    first, second = zoom.views[0], zoom.views[1]
    fields = [
        ("crop@cam0 w", second.crop[0], first.crop[0]),
        ("crop@cam0 h", second.crop[1], first.crop[1]),
        ("crop@cam0 x", second.at[0], first.at[0]),
        ("crop@cam0 y", second.at[1], first.at[1]),
        ("scale@cam0 w", second.scaled[0], first.scaled[0]),
        ("scale@cam0 h", second.scaled[1], first.scaled[1]),
        ("crop@view0 x", second.offset[0], first.offset[0]),
        ("crop@view0 y", second.offset[1], first.offset[1]),
    ]
    changed = [f"{command} {value}" for command, value, was in fields if value != was]
    assert changed
    assert zoom_lines[0] == f"0.0166666667 {', '.join(changed)};"
    assert any("scale@cam0 w" in line for line in zoom_lines)
    # A clip that does not move needs no commands
    still = segments.camera_plan(segments.ClipJob(1, "a.png", 1, 0, 1, 0, Motion.ZOOM_IN, None), 320, 180)
    assert not still.moves
    assert segments.camera_commands(still, 0, 30) == ""
    assert zoom.moves and pan.moves


def test_a_one_frame_pan_is_placed_without_commands() -> None:
    clip = segments.ClipJob(2, "b.png", 1, 0, 1, 0, Motion.PAN_RIGHT, None)
    job = segments.SegmentJob(0, 0, 1, (clip,), segments.Encoding(320, 180, 30), None)

    assert segments.camera_files(job) == {}
    graph = segments.segment_graph(job, None)
    assert "sendcmd" not in graph and "crop@cam0=" in graph


def test_a_moving_clip_without_its_camera_file_is_refused() -> None:
    clip = segments.ClipJob(2, "b.png", 30, 0, 30, 0, Motion.ZOOM_OUT, None)
    job = segments.SegmentJob(0, 0, 30, (clip,), segments.Encoding(320, 180, 30), None)

    with pytest.raises(ValueError, match="camera file"):
        segments.segment_graph(job, None)


def test_a_zoom_in_shows_the_whole_picture_first_and_the_close_view_last() -> None:
    clip = segments.ClipJob(1, "a.png", 31, 0, 31, 0, Motion.ZOOM_IN, None)
    plan = segments.camera_plan(clip, 1280, 720)
    first, last = plan.views[0], plan.views[-1]

    # The first view is the whole picture (1536 px scaled to the frame's 1280), the last its 1/MAX_ZOOM
    assert (first.crop, first.at, first.scaled, first.offset) == (
        (1536, 864),
        (128, 128),
        (1280, 720),
        (0, 0),
    )
    assert last.crop[0] / last.scaled[0] * 1280 == pytest.approx(1536 / segments.MAX_ZOOM, abs=0.1)


def _jobs(
    durations: list[int],
    *,
    size: int = 2,
    images: list[str] | None = None,
    titles: list[str | None] | None = None,
    cues: list[Cue] | None = None,
    fps: int = 30,
) -> list[segments.SegmentJob]:
    """Segment jobs of scenes lasting ``durations`` frames, cross-faded by 15 frames."""
    spans = timeline([Slot(frames / fps) for frames in durations], fps)
    starts = [round(start * fps) for start, _ in spans]
    ends = [round(end * fps) for _, end in spans]
    overlay = segments.Overlay(
        cues=cues or [],
        titles=segments.title_cues(titles or [None] * len(durations), starts, ends, fps),
        caption_style=caption_style(320, 180),
        title_style=title_style(320, 180),
    )
    return segments.video_segments(
        starts,
        ends,
        images=images or [f"images/{index}.png" for index in range(len(durations))],
        motions=[motion_for_index(index) for index in range(len(durations))],
        transitions=[Transition.FADE] * len(durations),
        encoding=segments.Encoding(320, 180, fps),
        overlay=overlay,
        size=size,
    )


def test_segment_graph_keeps_caption_text_out_of_the_filtergraph(tmp_path: Path) -> None:
    job = _jobs([36, 36], size=4, cues=[Cue(0.0, 1.0, "it's [a], b; c:d")])[0]
    burn_in = segments.BurnIn(tmp_path / "captions.ass", tmp_path / "fonts")

    graph = segments.segment_graph(job, burn_in, {0: tmp_path / "camera-0.cmd", 1: tmp_path / "camera-1.cmd"})

    assert "xfade=transition=fade:duration=0.5:offset=0" in graph
    assert "ass=filename=" in graph
    assert "it's" not in graph and "c:d" not in graph
    assert "it's [a], b; c:d" in (job.captions or "")
    # each scene moved once (luma and chroma by one crop and scale: scene 1 zooms, scene 2 pans), then cut
    # into body and tail, head and body; the fade sits between the bodies
    assert graph.count("sendcmd=f=") == 2 and graph.count("scale@cam") == 2
    assert "crop@cam1=" in graph and "crop@view1=" in graph
    assert graph.count("trim=") == 4
    assert "[b0][x1][b1]concat=n=3" in graph


def test_a_scene_lasts_whole_frames_wherever_it_sits() -> None:
    # Given scenes whose lengths are not whole frames at 30 fps
    spans = timeline([Slot(1.01), Slot(2.345), Slot(0.9)], 30)

    frames = [(round(start * 30), round(end * 30)) for start, end in spans]

    # Then each is rounded up to whole frames and overlaps by whole frames
    assert [end - start for start, end in frames] == [31, 71, 27]
    assert all(abs(start * 30 - round(start * 30)) < 1e-9 for start, _ in spans)
    assert frames[1][0] == frames[0][1] - 15


def test_editing_one_scene_changes_only_the_digests_of_the_segments_showing_it() -> None:
    # Given six scenes, two per segment: [1 2] [fade 2-3] [3 4] [fade 4-5] [5 6]
    before = _jobs([60, 60, 60, 60, 60, 60])
    # When scene 3 (the first of the second segment) gets a new image, or gets longer
    new_image = _jobs([60] * 6, images=[f"images/{i}.png" if i != 2 else "images/new.png" for i in range(6)])
    longer = _jobs([60, 60, 75, 60, 60, 60])

    # Then only its segment and the fade into it differ; the later ones keep their digests, though they
    # moved
    digests = [job.digest() for job in before]
    assert len(before) == 5
    for after in (new_image, longer):
        changed = [a.digest() != b for a, b in zip(after, digests, strict=True)]
        assert changed == [False, True, True, False, False]
    assert longer[3].start_frame == before[3].start_frame + 15


def test_editing_the_last_scene_of_a_segment_leaves_the_next_segment_as_it_was() -> None:
    # Given [1 2] [fade 2-3] [3 4]; when scene 2 gets a new image
    before = _jobs([60] * 4)
    after = _jobs([60] * 4, images=["images/0.png", "images/new.png", "images/2.png", "images/3.png"])

    # Then its segment and the fade out of it render again, and scenes 3-4 do not
    assert [a.digest() != b.digest() for a, b in zip(before, after, strict=True)] == [True, True, False]


def test_a_segment_digest_covers_its_captions_encoding_and_the_media_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = _jobs([60, 60], cues=[Cue(0.5, 1.5, "Hello")])[0]
    other_words = _jobs([60, 60], cues=[Cue(0.5, 1.5, "Hullo")])[0]
    crf = dataclasses.replace(job, encoding=dataclasses.replace(job.encoding, crf=20))

    assert len({job.digest(), other_words.digest(), crf.digest()}) == 3
    before = job.digest()
    monkeypatch.setattr(segments, "MEDIA_VERSION", "next")
    assert job.digest() != before


def test_a_job_survives_its_json_document() -> None:
    job = _jobs([60, 40, 50], titles=["One", None, "Three"], cues=[Cue(0.1, 2.0, "Hi")])[1]

    again = segments.SegmentJob.from_document(json.loads(json.dumps(job.to_document())))

    assert again == job
    assert again.digest() == job.digest()


def test_captions_in_a_segment_keep_exactly_the_frames_of_the_whole_video() -> None:
    cues = [Cue(0.0, 1.01, "one"), Cue(1.01, 2.5, "two"), Cue(2.5, 4.0, "three")]

    # Frames 30..74 of the video: "one" until frame 31, "two" from 31 to 75
    inside = in_segment(cues, 30, 30, 45)

    assert [(cue.text, round(cue.start * 30), round(cue.end * 30)) for cue in inside] == [
        ("one", 0, 1),
        ("two", 1, 45),
    ]


def test_a_title_shows_while_its_scene_is_alone_on_screen() -> None:
    titles = segments.title_cues(["A", "  ", "C"], [0, 45, 90], [60, 105, 150], 30)

    # Scene 1 until scene 2 fades in; scene 3 from the end of its fade; the blank title is none
    assert [(cue.text, round(cue.start * 30), round(cue.end * 30)) for cue in titles] == [
        ("A", 0, 45),
        ("C", 105, 150),
    ]


@pytest.mark.parametrize("count", [1, 2, 3, 200])
def test_any_number_of_scenes_tiles_the_video_exactly_once(count: int) -> None:
    jobs = _jobs([45 + (index % 7) for index in range(count)])

    covered = [frame for job in jobs for frame in range(job.start_frame, job.start_frame + job.frames)]

    assert covered == list(range(covered[-1] + 1))
    # (scenes two at a time, and the fade at each cut): what the cost model counts
    assert len(jobs) == 2 * math.ceil(count / 2) - 1 == costs.segment_count(count, 2)


def test_a_scene_shorter_than_its_transition_fades_for_half_its_length() -> None:
    # A 10-frame scene between 60-frame ones: each fade lasts at most 5 frames
    jobs = _jobs([60, 10, 60], size=1)

    overlaps = [clip.overlap for job in jobs for clip in job.clips if clip.overlap]
    assert overlaps == [5, 5]
    assert sum(job.frames for job in jobs) == 60 + 10 + 60 - 10


@pytest.mark.parametrize(
    ("width", "height"), [(1280, 720), (720, 1280), (720, 720), (1920, 1080), (1080, 1920)]
)
def test_every_frame_shape_gets_segments_and_a_title_inside_the_frame(width: int, height: int) -> None:
    style = title_style(width, height)

    assert segments.segment_size(width, height) >= 1
    assert style.alignment == 8
    assert 0 < style.margin_v < height * 0.1
    assert style.font_size * 2 < height * 0.2


def test_filter_value_escapes_both_filtergraph_levels() -> None:
    assert filter_value("/tmp/a b/c.ass") == "\\'/tmp/a b/c.ass\\'"
    assert filter_value("x:y,z") == "\\'x:y\\,z\\'"
    assert filter_value("it's[1];\\") == "\\'it\\'\\\\\\'\\'s\\[1\\]\\;\\\\\\'"


def test_expr_number_never_uses_an_exponent() -> None:
    assert expr_number(1e-7) == "0.0000001"
    assert expr_number(2.5) == "2.5"
    assert expr_number(3.0) == "3"
    assert expr_number(0.0) == "0"
