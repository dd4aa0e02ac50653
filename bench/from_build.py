"""What running the deployable form costs: `videogen render --from-build` against the in-process render.

Both render the same script with the same settings (examples/lighthouse.md: narrated by the offline voice,
captions burned in, its music mixed in), each as a fresh `videogen render` command, alternating, so
both see the same machine. --from-build runs every function from `.aws-sam/build` in its own worker
processes (python3.13 -I -S, cold starts included), as Lambda would.

Run: make sam-build && .venv/bin/python bench/from_build.py [--repeat 3] [--script examples/lighthouse.md]
Prints each run's wall time, the medians, and the ratio from-build / in-process (the goal: at most 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIDEOGEN = Path(sys.executable).with_name("videogen")


def render(script: Path, output: Path, from_build: bool) -> float:
    """Wall seconds of one `videogen render` command (raises if it fails)."""
    command = [str(VIDEOGEN), "render", str(script), "-o", str(output)]
    if from_build:
        command.append("--from-build")
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--script", type=Path, default=ROOT / "examples" / "lighthouse.md")
    args = parser.parse_args()
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="videogen-bench-") as scratch:
        for run in range(args.repeat):
            for from_build in (False, True):
                output = Path(scratch) / f"{'built' if from_build else 'inproc'}-{run}.mp4"
                seconds = render(args.script, output, from_build)
                times[from_build].append(seconds)
                way = "--from-build" if from_build else "in process  "
                print(f"run {run + 1} {way}: {seconds:6.1f} s", flush=True)
    in_process = statistics.median(times[False])
    built = statistics.median(times[True])
    medians = f"in process {in_process:.1f} s, --from-build {built:.1f} s"
    print(f"{args.script.name}: {medians} (medians of {args.repeat})")
    print(f"ratio from-build / in-process: {built / in_process:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
