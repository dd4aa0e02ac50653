"""The last of assembly, with ffmpeg alone (no Pillow): the soundtrack encoded to the video's exact length,
and the segments' fragments joined under it without re-encoding either."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from videogen.exceptions import VideoAssemblyException
from videogen.media.ffmpeg import BASE_ARGS, Deadline, expr_number, run_ffmpeg

AUDIO_SAMPLE_RATE: Final = 48_000
AUDIO_BITRATE: Final = "128k"


def encode_soundtrack(
    audio: Path | None, output: Path, duration: float, *, deadline: Deadline | None = None
) -> Path:
    """``audio`` (None: silence) as AAC in an .m4a of exactly ``duration`` seconds, cut or padded."""
    if audio is not None and not audio.is_file():
        raise VideoAssemblyException("The audio track is missing")
    source = (
        ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_SAMPLE_RATE}:cl=stereo"]
        if audio is None
        else ["-i", str(audio.resolve())]
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    args = [
        *BASE_ARGS, *source, "-map", "0:a:0", "-vn",
        # Padded with silence, then cut: the track lasts exactly as long as the picture.
        "-af", f"aresample={AUDIO_SAMPLE_RATE},apad,atrim=end={expr_number(duration)}",
        "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2", str(output.resolve()),
    ]  # fmt: skip
    run_ffmpeg(args, deadline=deadline, what="the soundtrack")
    return output


def join_segments(
    fragments: Sequence[Path],
    soundtrack: Path,
    output: Path,
    *,
    workdir: Path,
    deadline: Deadline | None = None,
) -> Path:
    """Join the fragments and lay the soundtrack (``encode_soundtrack``'s) under them, both without
    re-encoding, with the index first (``+faststart``) so a player starts before the download ends."""
    listing = workdir / "fragments.txt"
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_text(
        "".join("file '" + str(path.resolve()).replace("'", "'\\''") + "'\n" for path in fragments),
        encoding="utf-8",
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    args = [
        *BASE_ARGS, "-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(soundtrack.resolve()),
        "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-movflags", "+faststart", str(output.resolve()),
    ]  # fmt: skip
    run_ffmpeg(args, deadline=deadline, what="the join")
    return output
