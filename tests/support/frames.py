"""What a video holds, frame by frame, read with the ffmpeg binary: presentation times, decoded lengths,
and each frame's PSNR against another video."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from videogen.media.ffmpeg import ffmpeg_exe


def frame_times(video: Path) -> list[float]:
    """Presentation time (seconds) of every decoded video frame, in output order."""
    finished = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(video), "-map", "0:v:0",
         "-vf", "showinfo", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [float(value) for value in re.findall(r"\bpts_time:\s*(-?[\d.]+)", finished.stderr)]


def decoded_seconds(video: Path, stream: str) -> float:
    """How long the first ``stream`` ("v" or "a") lasts once decoded (the end of its last frame)."""
    finished = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(video), "-map", f"0:{stream}:0",
         "-f", "null", "-progress", "pipe:1", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(re.findall(r"^out_time_us=(\d+)$", finished.stdout, re.MULTILINE)[-1]) / 1e6


def psnr_per_frame(video: Path, reference: Path, stats: Path) -> list[float]:
    """Each frame's PSNR (average of Y, U and V, in dB; inf where identical) against ``reference``."""
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(video), "-i", str(reference),
         "-lavfi", f"[0:v][1:v]psnr=stats_file={stats.name}", "-f", "null", "-"],
        check=True, cwd=stats.parent,
    )  # fmt: skip
    values = re.findall(r"psnr_avg:(\S+)", stats.read_text(encoding="utf-8"))
    return [float("inf") if value == "inf" else float(value) for value in values]
