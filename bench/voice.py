"""Measure the local voice and the audio mix: Piper start-up, speed against realtime, mix time and loudness.

Run: .venv/bin/python bench/voice.py [--repeat 3]. Prints medians; needs the voice extra installed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from videogen.domain.voices import DEFAULT_LOCAL_VOICE
from videogen.media.audio import build_narration_track, measure_loudness, mix
from videogen.media.ffmpeg import BASE_ARGS, run_ffmpeg
from videogen.voice.piper import PiperVoiceProvider

SHORT = "Hello."
LONG = (
    "The lighthouse keeper climbed the spiral stairs every evening at dusk. "
    "He wound the great clock, trimmed the wick and polished the lens until it shone. "
    "Ships far out at sea saw the beam sweep across the water, once every ten seconds. "
    "In winter the storms came from the north, and the waves broke over the rocks below. "
    "Still the light turned, night after night, for forty years. "
    "When he retired, the town gave him a small brass telescope and a party in the square."
)


def main() -> None:
    """Time Piper on a one-word and a ~30 s narration, and the mix of that narration with music."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    provider = PiperVoiceProvider()
    short_times: list[float] = []
    long_times: list[float] = []
    mix_times: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for run in range(args.repeat):
            started = time.monotonic()
            short = provider.synthesize(SHORT, DEFAULT_LOCAL_VOICE, work / f"short-{run}")
            short_times.append(time.monotonic() - started)
            started = time.monotonic()
            narration = provider.synthesize(LONG, DEFAULT_LOCAL_VOICE, work / f"long-{run}")
            long_times.append(time.monotonic() - started)
        assert narration.audio_path is not None
        total = narration.duration + 1.0
        music = work / "music.wav"
        run_ffmpeg([*BASE_ARGS, "-f", "lavfi", "-i", f"sine=f=220:d={total / 2:.3f}", str(music)])
        for run in range(args.repeat):
            started = time.monotonic()
            track = build_narration_track([(0.4, narration.audio_path)], total, work / f"track-{run}.wav")
            result = mix(track, music, total, work / f"mix-{run}.wav")
            mix_times.append(time.monotonic() - started)
        loudness = measure_loudness(result.path)

    long_median = statistics.median(long_times)
    print(f"piper one word: {statistics.median(short_times):.2f} s for {short.duration:.2f} s of audio")
    print(
        f"piper {len(LONG)} chars: {long_median:.2f} s for {narration.duration:.2f} s of audio "
        f"({narration.duration / long_median:.1f}x realtime, start-up included)"
    )
    speech_only = long_median - statistics.median(short_times)
    print(f"piper speech only: {narration.duration / speech_only:.1f}x realtime")
    mixing = statistics.median(mix_times)
    print(f"narration track + mix of {total:.1f} s: {mixing:.2f} s; loudness {loudness} LUFS")


if __name__ == "__main__":
    main()
