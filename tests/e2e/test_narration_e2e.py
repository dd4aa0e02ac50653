"""A narrated render with the offline voice: audio length, captions in time with the voice, loudness."""

from __future__ import annotations

import json
import re
import wave
from pathlib import Path

import boto3
import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.build import both_ways
from videogen.domain.layout import manifest_key, narration_keys, output_keys
from videogen.media.audio import measure_loudness
from videogen.media.ffmpeg import run_ffmpeg
from videogen.media.probe import probe
from videogen.voice.piper import piper_installed

pytestmark = pytest.mark.skipif(not piper_installed(), reason="the voice extra (piper-tts) is not installed")

SCRIPT = """## Harbour
The harbour wakes before the town. Gulls argue over the nets.

## Boats
The boats leave one by one, and the water goes quiet.
"""


def _srt_cues(text: str) -> list[tuple[float, str]]:
    cues = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        hours, minutes, seconds, millis = map(int, re.split(r"[:,]", lines[1].split(" --> ")[0]))
        cues.append((hours * 3600 + minutes * 60 + seconds + millis / 1000, " ".join(lines[2:])))
    return cues


def _audio_seconds(video: Path, tmp_path: Path) -> float:
    wav = tmp_path / "audio.wav"
    run_ffmpeg(["-v", "error", "-y", "-i", str(video), "-map", "0:a:0", str(wav)])
    with wave.open(str(wav)) as handle:
        return handle.getnframes() / handle.getframerate()


@pytest.mark.slow
@both_ways
def test_narrated_render_has_voice_timed_captions_and_normalized_loudness(
    api: ApiCaller, tmp_path: Path
) -> None:
    settings = {"resolution": "480p", "fps": 24, "voice": "local"}
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": settings}).body
    api.post(f"/projects/{created['id']}/renders")
    project = wait_for_render(api, created["id"], timeout=120, poll=0.3)
    assert project["status"] == "COMPLETED", project.get("error")

    s3 = boto3.client("s3", region_name="us-east-1")
    bucket = api.cloud.buckets["MediaBucket"]
    keys = output_keys(created["id"], "000001")
    video = tmp_path / "video.mp4"
    s3.download_file(bucket, keys["video"], str(video))
    srt = s3.get_object(Bucket=bucket, Key=keys["subtitles_srt"])["Body"].read().decode()
    manifest = json.loads(
        s3.get_object(Bucket=bucket, Key=manifest_key(created["id"], "000001"))["Body"].read()
    )

    info = probe(video)
    assert info.has_audio and info.audio_codec == "aac"
    assert abs(_audio_seconds(video, tmp_path) - info.duration) <= 0.1
    cues = _srt_cues(srt)
    checked = 0
    for scene in manifest["scenes"]:
        timings = json.loads(
            s3.get_object(Bucket=bucket, Key=narration_keys(created["id"], scene["number"])[1])["Body"].read()
        )
        assert timings["duration"] > 0
        for sentence in timings["sentences"]:
            spoken_at = scene["narration_start"] + sentence["start"]
            first_words = " ".join(sentence["text"].split()[:3])
            starts = [start for start, text in cues if text.startswith(first_words)]
            assert starts, f"no caption starts with {first_words!r}"
            assert abs(starts[0] - spoken_at) <= 0.1
            checked += 1
    assert checked == 3
    assert abs(measure_loudness(video) - (-16.0)) <= 1.0


@both_ways
def test_narration_longer_than_its_fixed_scene_fails_the_render_with_narration_too_long(
    api: ApiCaller,
) -> None:
    # Given a scene fixed at one second whose narration takes several
    script = (
        "## Harbour\nThe harbour wakes before the town, and the gulls argue over the nets for a long while.\n"
        "Duration: 1s\n"
    )
    settings = {"resolution": "480p", "fps": 24, "voice": "local"}
    created = api.post("/projects", {"title": "Too long", "script": script, "settings": settings}).body

    # When it renders
    assert api.post(f"/projects/{created['id']}/renders").status == 202
    project = wait_for_render(api, created["id"], timeout=120)

    # Then it fails with the script error a person can fix, never as an internal error
    assert project["status"] == "FAILED"
    error = project["error"]
    assert error["code"] == "NARRATION_TOO_LONG", error
    assert error["message"].startswith("Scene 1's narration lasts ")
    assert "Shorten the narration or lengthen the scene." in error["message"]
