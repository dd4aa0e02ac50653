"""Segments rendered apart and joined are the video a single pass makes: the same frames, the same times,
the same pixels next to every cut, and the soundtrack as long as the picture. Titles stay put."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.support.frames import decoded_seconds, frame_times, psnr_per_frame
from videogen.domain.enums import Transition
from videogen.media.assemble import AssemblyResult, SceneClip, assemble_video
from videogen.media.captions import Cue
from videogen.media.probe import count_video_frames
from videogen.media.segments import Motion
from videogen.media.timeline import timeline
from videogen.providers.base import ImageRequest
from videogen.providers.local import LocalImageProvider

WIDTH, HEIGHT, FPS = 320, 180, 24
TRANSITIONS = (Transition.FADE, Transition.CUT, Transition.CIRCLE, Transition.SLIDE, Transition.FADE)
PROMPTS = ("A harbour at dawn", "A city at night", "A forest in snow", "A desert at noon", "The sea at dusk")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory: pytest.TempPathFactory) -> list[SceneClip]:
    folder = tmp_path_factory.mktemp("images")
    clips = []
    for number, (prompt, transition) in enumerate(zip(PROMPTS, TRANSITIONS, strict=True), start=1):
        path = folder / f"scene-{number}.png"
        path.write_bytes(LocalImageProvider().generate(ImageRequest(prompt, 480, 270, number)).data)
        clips.append(SceneClip(path, 1.0 + 0.13 * number, transition, title=f"Part {number}"))
    return clips


CUES = [Cue(0.2, 1.3, "It begins"), Cue(1.3, 3.1, "across a cut"), Cue(3.1, 6.0, "and to the end")]


@pytest.fixture(scope="module")
def renders(scenes: list[SceneClip], tmp_path_factory: pytest.TempPathFactory) -> dict[str, AssemblyResult]:
    """The same plan rendered as one segment, and as one segment per scene (two at a time), with a voice."""
    folder = tmp_path_factory.mktemp("renders")
    voice = folder / "voice.wav"
    _tone(voice, seconds=3.0)
    # Nearly lossless, so the comparison sees what the segments drew, not two encoders' different noise
    # (at the default CRF 23 two encodes of the same frames differ by about as much as these do).
    common = {"width": WIDTH, "height": HEIGHT, "fps": FPS, "captions": CUES, "audio": voice, "crf": 10}
    return {
        "single": assemble_video(
            scenes, folder / "single.mp4", workdir=folder / "s", segment_scenes=100, **common
        ),
        "joined": assemble_video(
            scenes, folder / "joined.mp4", workdir=folder / "j", segment_scenes=1, workers=2, **common
        ),
    }


def _tone(path: Path, seconds: float) -> None:
    import wave  # noqa: PLC0415

    rate = 48_000
    frames = bytearray()
    for n in range(int(rate * seconds)):
        sample = int(8000 * math.sin(2 * math.pi * 440 * n / rate))
        frames += sample.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))


def _cuts(scenes: list[SceneClip]) -> list[int]:
    """The first frame of each segment after the first (one segment per scene: each scene's start, and
    the end of a cross-fade into it, where the fade is a segment of its own)."""
    spans = timeline(scenes, FPS)
    cuts = set()
    for (_, end_before), (start, _) in zip(spans, spans[1:], strict=False):
        cuts |= {round(start * FPS), round(end_before * FPS)}
    return sorted(cuts)


def test_the_joined_video_has_exactly_the_frames_of_a_single_pass(renders: dict[str, AssemblyResult]) -> None:
    single, joined = renders["single"], renders["joined"]

    # five scenes, and the three cross-fades between them (the second joins by a cut)
    assert (single.segments, joined.segments) == (1, 8)
    assert (
        count_video_frames(joined.path) == count_video_frames(single.path) == single.frames == joined.frames
    )


def test_frame_times_rise_by_one_frame_with_nothing_doubled_or_dropped_at_a_cut(
    renders: dict[str, AssemblyResult],
) -> None:
    times = frame_times(renders["joined"].path)

    assert len(times) == renders["joined"].frames
    steps = [round((later - earlier) * FPS, 3) for earlier, later in zip(times, times[1:], strict=False)]
    assert set(steps) == {1.0}
    assert times[0] == pytest.approx(0.0, abs=1e-6)


def test_frames_next_to_every_cut_match_the_single_pass(
    renders: dict[str, AssemblyResult], scenes: list[SceneClip], tmp_path: Path
) -> None:
    psnr = psnr_per_frame(renders["joined"].path, renders["single"].path, tmp_path / "psnr.log")

    assert len(psnr) == renders["single"].frames
    near_cuts = {frame + offset for frame in _cuts(scenes) for offset in (-2, -1, 0, 1, 2)}
    worst = min(psnr[frame] for frame in near_cuts)
    assert worst >= 45, {frame: psnr[frame] for frame in sorted(near_cuts)}


def test_the_soundtrack_lasts_as_long_as_the_picture(renders: dict[str, AssemblyResult]) -> None:
    video = renders["joined"].path

    assert abs(decoded_seconds(video, "a") - decoded_seconds(video, "v")) <= 1 / FPS
    assert decoded_seconds(video, "v") == pytest.approx(renders["joined"].duration, abs=1e-3)


def _frame(video: Path, number: int, out: Path) -> Image.Image:
    import subprocess  # noqa: PLC0415

    from videogen.media.ffmpeg import ffmpeg_exe  # noqa: PLC0415

    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-i", str(video), "-vf", f"select=eq(n\\,{number})",
         "-frames:v", "1", str(out)],
        check=True,
    )  # fmt: skip
    return Image.open(out).convert("L")


def test_a_title_stays_inside_a_portrait_frame_while_the_picture_moves(
    scenes: list[SceneClip], tmp_path: Path
) -> None:
    # Given one 9:16 scene zooming in, with a long title, rendered with the title and without
    width, height, fps = 180, 320, 12
    # (a soft picture: over fine detail, such as lit windows, x264 codes the titled and the clean frame
    # differently outside the title too, which this test would take for the title)
    soft = tmp_path / "fog.png"
    soft.write_bytes(
        LocalImageProvider().generate(ImageRequest("Fog over the fields at noon", 480, 270, 1)).data
    )
    scene = SceneClip(soft, 1.5, motion=Motion.ZOOM_IN, title="Under the Surface of the Sea")
    common = {"width": width, "height": height, "fps": fps, "workdir": tmp_path}
    titled = assemble_video([scene], tmp_path / "titled.mp4", captions=[], **common)
    clean = assemble_video([scene], tmp_path / "clean.mp4", captions=None, **common)

    boxes = {}
    for number in range(titled.frames):
        a = _frame(titled.path, number, tmp_path / f"t{number}.png")
        b = _frame(clean.path, number, tmp_path / f"c{number}.png")
        box = ImageChops.difference(a, b).point(lambda value: 255 if value > 40 else 0).getbbox()
        if box is not None:
            boxes[number] = box

    # Then the title shows, wholly once it has faded in and until it fades out ...
    tallest = max(bottom - top for _, top, _, bottom in boxes.values())
    shown = sorted(number for number, box in boxes.items() if box[3] - box[1] >= 0.9 * tallest)
    assert len(shown) >= titled.frames - 8
    # ... and on its first, middle and last frame it is within the frame's safe area, and has not moved
    first, middle, last = boxes[shown[0]], boxes[shown[len(shown) // 2]], boxes[shown[-1]]
    for left, top, right, bottom in (first, middle, last):
        assert left >= width * 0.04 and right <= width * 0.96
        assert top >= height * 0.04 and bottom <= height * 0.5
    centres = [((left + right) / 2, (top + bottom) / 2) for left, top, right, bottom in (first, middle, last)]
    assert all(math.dist(centre, centres[1]) <= 3 for centre in centres), boxes
