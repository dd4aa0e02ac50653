"""Synthesize examples/lighthouse.ogg: a slow, quiet four-chord pad, made here so its license is ours.

Run: .venv/bin/python infra/scripts/make_example_music.py  (needs only the standard library and the ffmpeg
of the imageio-ffmpeg wheel). The output is deterministic.
"""

from __future__ import annotations

import math
import struct
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg

RATE = 22_050
CHORD_SECONDS = 6.0
#: A minor, F major, C major, G major: fundamental frequencies of each chord's three notes (Hz).
CHORDS = [(220.0, 261.63, 329.63), (174.61, 220.0, 261.63), (130.81, 164.81, 196.0), (196.0, 246.94, 293.66)]
OUT = Path(__file__).resolve().parents[2] / "examples" / "lighthouse.ogg"


def envelope(t: float) -> float:
    """Swell in over 1.5 s, fade out over the last 2 s of the chord: the chords overlap softly."""
    return min(1.0, t / 1.5, max(0.0, (CHORD_SECONDS + 1.0 - t) / 2.0))


def samples() -> bytes:
    frames = []
    length = int(RATE * (CHORD_SECONDS * len(CHORDS)))
    for n in range(length):
        t = n / RATE
        value = 0.0
        for index, chord in enumerate(CHORDS):
            local = t - index * CHORD_SECONDS
            if not -1.0 <= local <= CHORD_SECONDS + 1.0:
                continue
            gain = envelope(max(local, 0.0))
            for hz in chord:
                # A little second harmonic and a slow shimmer keep the pad from sounding like a test tone.
                shimmer = 1.0 + 0.15 * math.sin(2 * math.pi * 0.25 * t + hz)
                value += (
                    gain * shimmer * (math.sin(2 * math.pi * hz * t) + 0.3 * math.sin(4 * math.pi * hz * t))
                )
        frames.append(struct.pack("<h", int(max(-1.0, min(1.0, value * 0.09)) * 32767)))
    return b"".join(frames)


def main() -> int:
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "-",
        "-af", "afade=t=in:d=1,afade=t=out:st=22:d=2", "-c:a", "libvorbis", "-q:a", "1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact", str(OUT),
    ]  # fmt: skip
    subprocess.run(command, input=samples(), check=True)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
