"""Reading ffmpeg's input summary: the fields videogen checks, and what happens when some are missing."""

from __future__ import annotations

import pytest

from videogen.exceptions import VideoAssemblyException
from videogen.media.probe import parse_ffmpeg_info

MP4 = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/tmp/x/video.mp4':
  Metadata:
    major_brand     : isom
    encoder         : Lavf62.3.100
  Duration: 00:01:02.50, start: 0.000000, bitrate: 1234 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), \
1280x720 [SAR 1:1 DAR 16:9], 1100 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
      Metadata:
        handler_name    : VideoHandler
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 128 kb/s (default)
At least one output file must be specified
"""

SILENT_WEBM = """\
Input #0, matroska,webm, from 'clip.webm':
  Duration: 00:00:03.04, start: 0.000000, bitrate: 300 kb/s
  Stream #0:0: Video: vp9 (Profile 0), yuv420p(tv, progressive), 320x180, SAR 1:1 DAR 16:9, 12 tbr, 1k tbn
"""

WAV = """\
Input #0, wav, from 'voice.wav':
  Duration: 00:00:01.50, bitrate: 705 kb/s
  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 22050 Hz, mono, s16, 352 kb/s
"""


def test_parses_an_mp4_with_video_and_audio() -> None:
    info = parse_ffmpeg_info(MP4)

    assert info.duration == pytest.approx(62.5)
    assert (info.width, info.height) == (1280, 720)
    assert info.fps == pytest.approx(29.97)
    assert info.video_codec == "h264"
    assert info.pixel_format == "yuv420p"
    assert info.audio_codec == "aac"
    assert info.audio_sample_rate == 48000
    assert info.has_audio


def test_falls_back_to_tbr_when_no_fps_is_printed() -> None:
    info = parse_ffmpeg_info(SILENT_WEBM)

    assert info.fps == 12.0
    assert info.video_codec == "vp9"
    assert (info.width, info.height) == (320, 180)
    assert not info.has_audio
    assert info.audio_codec is None


def test_parses_audio_only_files() -> None:
    info = parse_ffmpeg_info(WAV)

    assert info.duration == pytest.approx(1.5)
    assert info.video_codec is None
    assert info.width is None
    assert info.audio_codec == "pcm_s16le"
    assert info.audio_sample_rate == 22050


def test_text_without_an_input_is_not_media() -> None:
    with pytest.raises(VideoAssemblyException, match="not a recognised media file"):
        parse_ffmpeg_info("/tmp/notes.txt: Invalid data found when processing input\n")
