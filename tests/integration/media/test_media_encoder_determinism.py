"""The encoder's settings make the same bytes on any machine: x264's frame threads decide how frames are
coded, so their number is fixed rather than x264's 1.5 per core."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from videogen.media.assemble import _x264_args
from videogen.media.ffmpeg import ffmpeg_exe
from videogen.media.segments import Encoding


def _encode(output: Path, args: list[str], cpus: str | None) -> str:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
               "-f", "lavfi", "-i", "testsrc2=s=320x240:r=24:d=3", *args, str(output)]  # fmt: skip
    if cpus is not None:
        command = ["taskset", "-c", cpus, *command]
    subprocess.run(command, check=True)
    return hashlib.sha256(output.read_bytes()).hexdigest()


@pytest.mark.skipif(
    shutil.which("taskset") is None or len(os.sched_getaffinity(0)) < 2, reason="needs taskset and 2 CPUs"
)
def test_a_segment_encodes_to_the_same_bytes_on_one_core_and_on_two(tmp_path: Path) -> None:
    args = _x264_args(Encoding(320, 240, 24))
    all_cpus = ",".join(str(cpu) for cpu in sorted(os.sched_getaffinity(0)))

    one_core = _encode(tmp_path / "one.mp4", args, "0")
    every_core = _encode(tmp_path / "all.mp4", args, all_cpus)

    assert one_core == every_core
    # and the fixed count is what makes it so: x264's own default differs between the two
    at = args.index("-threads")
    default = args[:at] + args[at + 2 :]
    assert _encode(tmp_path / "one-default.mp4", default, "0") != _encode(
        tmp_path / "all-default.mp4", default, all_cpus
    )
