"""The assembler with the real ffmpeg: tiny frames, short clips, and the MP4 probed for what it holds."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from videogen.domain.enums import Transition
from videogen.exceptions import VideoAssemblyException
from videogen.media.assemble import SceneClip, assemble_video
from videogen.media.captions import Cue, to_ass
from videogen.media.ffmpeg import ffmpeg_exe
from videogen.media.probe import count_video_frames, probe
from videogen.media.thumbnail import make_thumbnail
from videogen.media.timeline import caption_windows, cues_for_text, timeline, total_duration
from videogen.providers.base import ImageRequest
from videogen.providers.local import LocalImageProvider

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS = 320, 180, 12
PROMPTS = ("A lighthouse by the sea at night", "A busy city street at sunset", "A quiet forest in winter")


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three scene images of different sizes and shapes, drawn by the local provider."""
    folder = tmp_path_factory.mktemp("images")
    sizes = [(320, 180), (400, 400), (180, 320)]
    paths = []
    for number, (prompt, (width, height)) in enumerate(zip(PROMPTS, sizes, strict=True), start=1):
        request = ImageRequest(prompt=prompt, width=width, height=height, seed=number)
        path = folder / f"scene-{number}.png"
        path.write_bytes(LocalImageProvider().generate(request).data)
        paths.append(path)
    return paths


def _scenes(images: list[Path]) -> list[SceneClip]:
    return [
        SceneClip(images[0], 1.0, Transition.FADE, 0.5),
        SceneClip(images[1], 1.0, Transition.CUT),
        SceneClip(images[2], 1.0),
    ]


def _frame(video: Path, seconds: float, out: Path) -> Image.Image:
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-ss",
            str(seconds),
            "-i",
            str(video),
            "-frames:v",
            "1",
            str(out),
        ],
        check=True,
    )
    return Image.open(out).convert("RGB")


def test_three_scenes_make_an_h264_aac_mp4_of_the_timeline_length(images: list[Path], tmp_path: Path) -> None:
    scenes = _scenes(images)
    output = tmp_path / "video.mp4"

    result = assemble_video(
        scenes, output, width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "work", captions=None
    )

    info = probe(output)
    assert abs(info.duration - total_duration(scenes)) < 0.1
    assert total_duration(scenes) == pytest.approx(2.5)
    assert (info.width, info.height) == (WIDTH, HEIGHT)
    assert info.fps == FPS
    assert info.video_codec == "h264"
    assert info.pixel_format == "yuv420p"
    assert info.audio_codec == "aac"
    assert info.has_audio
    assert count_video_frames(output) == result.frames == 30
    assert result.duration == pytest.approx(2.5)
    assert result.size_bytes == output.stat().st_size


def test_the_moov_atom_comes_first_for_streaming(images: list[Path], tmp_path: Path) -> None:
    output = tmp_path / "video.mp4"
    assemble_video(
        _scenes(images)[:1],
        output,
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        workdir=tmp_path / "w",
        captions=None,
    )

    head = output.read_bytes()[:4096]
    assert 0 <= head.find(b"moov") < head.find(b"mdat")


def test_captions_are_burnt_in_from_an_ass_file(images: list[Path], tmp_path: Path) -> None:
    scenes = _scenes(images)
    cues = cues_for_text("The keeper {\\b1} waits.", *caption_windows(timeline(scenes))[0])
    plain, captioned = tmp_path / "plain.mp4", tmp_path / "captioned.mp4"

    assemble_video(scenes, plain, width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "a", captions=None)
    assemble_video(
        scenes, captioned, width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "b", captions=cues
    )

    # The text reaches libass only through the ASS document, escaped
    ass = to_ass(cues, WIDTH, HEIGHT)
    assert "The keeper \\{\\\u2060b1\\} waits." in ass
    before = _frame(plain, 0.3, tmp_path / "p.png")
    after = _frame(captioned, 0.3, tmp_path / "c.png")
    caption_band = (0, int(HEIGHT * 0.75), WIDTH, HEIGHT)
    top_band = (0, 0, WIDTH, int(HEIGHT * 0.5))
    assert ImageStat.Stat(ImageChops.difference(before, after).crop(caption_band)).mean[0] > 2
    assert ImageStat.Stat(ImageChops.difference(before, after).crop(top_band)).mean[0] < 1.5


def test_a_given_audio_track_is_muxed_and_padded_to_the_video(images: list[Path], tmp_path: Path) -> None:
    voice = tmp_path / "voice.wav"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1",
            "-ac",
            "1",
            str(voice),
        ],
        check=True,
    )
    output = tmp_path / "video.mp4"

    assemble_video(
        _scenes(images), output, width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "w",
        captions=None, audio=voice,
    )  # fmt: skip

    info = probe(output)
    assert info.audio_codec == "aac"
    assert info.audio_sample_rate == 48000
    assert abs(info.duration - 2.5) < 0.1


def test_segments_join_into_the_same_video(images: list[Path], tmp_path: Path) -> None:
    # Given five scenes rendered two per segment: joins at a cut and inside a slide (a segment of its own)
    scenes = [
        SceneClip(images[index % 3], 1.0, transition)
        for index, transition in enumerate(
            [Transition.FADE, Transition.CUT, Transition.CIRCLE, Transition.SLIDE, Transition.FADE]
        )
    ]
    output = tmp_path / "video.mp4"

    result = assemble_video(
        scenes, output, width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "w", captions=None,
        segment_scenes=2,
    )  # fmt: skip

    assert result.segments == 4
    assert count_video_frames(output) == round(total_duration(scenes, FPS) * FPS) == result.frames
    assert abs(probe(output).duration - total_duration(scenes, FPS)) < 0.1

    # And the joins are invisible: every frame matches a single-pass render of the same scenes
    single = tmp_path / "single.mp4"
    assemble_video(
        scenes, single, width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "s", captions=None,
        segment_scenes=100,
    )  # fmt: skip
    for seconds in (0.6, 1.55, 1.7, 2.7, 3.3):  # inside the fade, the cut and the slide the segments split
        joined = _frame(output, seconds, tmp_path / "j.png")
        whole = _frame(single, seconds, tmp_path / "w.png")
        assert ImageStat.Stat(ImageChops.difference(joined, whole)).mean[0] < 3


def test_a_workdir_with_filtergraph_metacharacters_still_works(images: list[Path], tmp_path: Path) -> None:
    workdir = tmp_path / "it's [a], b; c:d\\e=f"
    cues = [Cue(0.0, 1.0, "Hello")]

    result = assemble_video(
        _scenes(images)[:1], workdir / "out.mp4", width=WIDTH, height=HEIGHT, fps=FPS, workdir=workdir,
        captions=cues,
    )  # fmt: skip

    assert probe(result.path).video_codec == "h264"


def test_a_truncated_image_is_refused_before_rendering_and_names_its_scene(
    images: list[Path], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(images[1].read_bytes()[:300])
    scenes = [SceneClip(images[0], 1.0), SceneClip(broken, 1.0)]

    with pytest.raises(VideoAssemblyException) as info:
        assemble_video(
            scenes,
            tmp_path / "v.mp4",
            width=WIDTH,
            height=HEIGHT,
            fps=FPS,
            workdir=tmp_path / "w",
            captions=None,
        )

    assert "Scene 2" in info.value.message
    assert info.value.details["scene"] == 2
    assert not (tmp_path / "v.mp4").exists()


def test_running_out_of_time_raises_a_timeout(images: list[Path], tmp_path: Path) -> None:
    with pytest.raises(VideoAssemblyException) as info:
        assemble_video(
            _scenes(images), tmp_path / "v.mp4", width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "w",
            captions=None, timeout=0.05,
        )  # fmt: skip

    assert info.value.message == "Video assembly timed out"
    assert info.value.details == {"timeout_seconds": 0.05}


def test_an_ffmpeg_failure_logs_stderr_but_keeps_it_out_of_the_error(
    images: list[Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_audio = tmp_path / "voice.mp3"
    not_audio.write_text("this is not audio", encoding="utf-8")

    with (
        caplog.at_level(logging.ERROR, logger="videogen.media"),
        pytest.raises(VideoAssemblyException) as info,
    ):
        assemble_video(
            _scenes(images), tmp_path / "v.mp4", width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path / "w",
            captions=None, audio=not_audio,
        )  # fmt: skip

    assert info.value.message == "Video assembly failed during the soundtrack"
    assert info.value.details["details"].startswith("ffmpeg exited with code ")
    assert str(tmp_path) not in str(info.value.to_dict())
    assert "stderr tail" in caplog.text
    assert "voice.mp3" in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": 321}, "even"),
        ({"fps": 0}, "frame rate"),
        ({"preset": "warp"}, "preset"),
        ({"crf": 60}, "CRF"),
    ],
)
def test_bad_settings_are_refused_up_front(
    images: list[Path], tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    settings: dict[str, object] = {"width": WIDTH, "height": HEIGHT, "fps": FPS, **kwargs}

    with pytest.raises(VideoAssemblyException, match=message):
        assemble_video(_scenes(images), tmp_path / "v.mp4", workdir=tmp_path, captions=None, **settings)  # type: ignore[arg-type]


def test_thumbnails_from_a_video_and_from_an_image(images: list[Path], tmp_path: Path) -> None:
    video = tmp_path / "video.mp4"
    assemble_video(
        _scenes(images), video, width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path, captions=None
    )

    from_video = make_thumbnail(video, tmp_path / "v.jpg", 160)
    from_image = make_thumbnail(images[1], tmp_path / "i.jpg", 100)

    with Image.open(from_video) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (160, 90))
    with Image.open(from_image) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (100, 100))


def test_a_thumbnail_of_something_that_is_not_media_fails(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01garbage" * 10)

    with pytest.raises(VideoAssemblyException):
        make_thumbnail(junk, tmp_path / "t.jpg", 160)


def test_a_scene_shorter_than_a_frame_lasts_one_frame(images: list[Path], tmp_path: Path) -> None:
    scenes = [SceneClip(images[0], 1.0, Transition.CUT), SceneClip(images[1], 0.01)]

    result = assemble_video(
        scenes, tmp_path / "v.mp4", width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path, captions=None
    )

    assert result.frames == FPS + 1 == count_video_frames(result.path)


def test_a_missing_audio_track_is_refused_before_rendering(images: list[Path], tmp_path: Path) -> None:
    with pytest.raises(VideoAssemblyException, match="audio track is missing"):
        assemble_video(
            _scenes(images), tmp_path / "v.mp4", width=WIDTH, height=HEIGHT, fps=FPS, workdir=tmp_path,
            captions=None, audio=tmp_path / "nope.wav",
        )  # fmt: skip
    assert not (tmp_path / "assembly").exists()
