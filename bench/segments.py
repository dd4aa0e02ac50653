"""Segment benchmark: what assembly costs per segment, what an edit costs, and what the cloud would take.

A story of 3-second scenes (pan/zoom, cross-fades, captions, titles) is planned into segment jobs exactly
as PlanSegments plans them, then:

  1. every segment is rendered and its frames counted, one after another (the per-segment time and peak
     memory a RenderSegment Lambda would see), and joined (ConcatVideo's stream copy, and its count of the
     joined frames);
  2. every segment is rendered again, one per core at once (what `videogen render` does locally), and joined;
  3. one scene's image changes: only the segments whose digest changed are rendered, then all are joined
     (a re-render after an edit), against (2);
  4. the cloud's wall time is modelled from (1): planning, then ceil(segments / concurrency) waves of the
     slowest segment, then the join.

    .venv/bin/python bench/segments.py                           # 30 s at 720p (10 scenes)
    .venv/bin/python bench/segments.py --seconds 60 --resolution 1080p
    .venv/bin/python bench/segments.py --seconds 600 --resolution 1080p --concurrency 40   # takes a while
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SIZES = {"480p": (854, 480), "720p": (1280, 720), "1080p": (1920, 1080)}
FPS = 30
SCENE_SECONDS = 3.0
PROMPTS = (
    "A lighthouse by the sea at night",
    "A busy city street at sunset",
    "A quiet forest in the morning",
    "Snowy mountain peaks",
    "A desert caravan under the sun",
    "A campfire in the dark woods",
    "The ocean waves crash on the beach",
    "A village castle on a hill",
)
NARRATION = "The keeper climbs the stairs, lights the lamp, and watches the ships come home."


def plan_jobs(images: list[Path], width: int, height: int) -> tuple[list, int]:  # type: ignore[type-arg]
    """Segment jobs for one scene per image, as PlanSegments makes them; and the video's frames."""
    from videogen.domain.enums import Transition
    from videogen.media.segments import Encoding, Overlay, frame_spans, motion_for_index, video_segments
    from videogen.media.timeline import SceneToTime, plan

    timing = plan([SceneToTime(n + 1, NARRATION, fixed=SCENE_SECONDS) for n in range(len(images))], FPS)
    starts, ends = frame_spans(timing.spans, FPS)
    encoding = Encoding(width, height, FPS)
    titles = [f"Chapter {n + 1}" for n in range(len(images))]
    overlay = Overlay.for_video(timing.cues, titles, (starts, ends), encoding)
    jobs = video_segments(
        starts,
        ends,
        images=[str(path) for path in images],
        motions=[motion_for_index(n) for n in range(len(images))],
        transitions=[Transition.FADE] * len(images),
        encoding=encoding,
        overlay=overlay,
    )
    return jobs, ends[-1]


def render_one(job_file: Path, output: Path, workdir: Path) -> None:
    """Child process: render one segment job and count its frames, as RenderSegment does."""
    from videogen.media.assemble import check_fragment, render_segment
    from videogen.media.segments import SegmentJob

    job = SegmentJob.from_document(json.loads(job_file.read_text(encoding="utf-8")))
    render_segment(job, [Path(clip.image) for clip in job.clips], output, workdir=workdir)
    check_fragment(job, output)


def _tree_resident_mb(pid: int) -> float:
    """Resident memory of a process and everything it started (what Lambda's MemorySize counts)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text(encoding="utf-8")
            total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total / 1024


def run_segment(job, folder: Path) -> tuple[float, float, Path]:  # type: ignore[no-untyped-def]
    """Render one job in a child process: (wall seconds, peak MB of the worker's process tree, fragment)."""
    folder.mkdir(parents=True, exist_ok=True)
    job_file = folder / f"job-{job.digest()[:16]}.json"
    job_file.write_text(json.dumps(job.to_document()), encoding="utf-8")
    output = folder / f"fragment-{job.digest()[:16]}.mp4"
    command = [sys.executable, __file__, "--render-one", str(job_file), str(output), str(folder / "work")]
    started = time.perf_counter()
    child = subprocess.Popen(command)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, _tree_resident_mb(child.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"segment {job.index} failed ({child.returncode})")
    return wall, peak, output


def join(fragments: list[Path], folder: Path, seconds: float) -> float:
    from videogen.media.join import encode_soundtrack, join_segments
    from videogen.media.probe import count_video_frames

    soundtrack = encode_soundtrack(None, folder / "soundtrack.m4a", seconds)
    started = time.perf_counter()
    join_segments(fragments, soundtrack, folder / "video.mp4", workdir=folder)
    count_video_frames(folder / "video.mp4")  # ConcatVideo's check of the joined frames
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--resolution", choices=sorted(SIZES), default="720p")
    parser.add_argument("--concurrency", type=int, default=40, help="the cloud's SegmentConcurrency")
    parser.add_argument("--render-one", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render_one:
        render_one(*args.render_one)
        return
    from videogen.providers.base import ImageRequest
    from videogen.providers.local import LocalImageProvider

    width, height = SIZES[args.resolution]
    folder = Path(tempfile.mkdtemp(prefix="bench-segments-"))
    count = max(2, round(args.seconds / (SCENE_SECONDS - 0.5)))
    drawn = []
    for index, prompt in enumerate(PROMPTS):
        path = folder / f"image-{index}.png"
        path.write_bytes(LocalImageProvider().generate(ImageRequest(prompt, width, height, index)).data)
        drawn.append(path)
    images = [drawn[index % len(drawn)] for index in range(count)]
    started = time.perf_counter()
    jobs, frames = plan_jobs(images, width, height)
    planning = time.perf_counter() - started
    seconds = frames / FPS
    print(f"{count} scenes, {seconds:.1f} s of {width}x{height} at {FPS} fps: {len(jobs)} segments")

    # 1. one after another: what each RenderSegment would take
    sequential = [run_segment(job, folder / "seq") for job in jobs]
    times = [wall for wall, _, _ in sequential]
    peaks = [peak for _, peak, _ in sequential]
    join_seconds = join([fragment for _, _, fragment in sequential], folder / "seq", seconds)
    busy = sum(times)
    print(f"segments one at a time: {busy:.1f} s in all, {busy / seconds:.3f} s per second of video")
    print(f"  per segment: mean {busy / len(times):.2f} s, slowest {max(times):.2f} s")
    print(f"  peak memory of one segment worker (Python and its ffmpeg): {max(peaks):.0f} MB (target < 500)")
    print(f"  join by stream copy: {join_seconds:.2f} s")

    # 2. one per core at once: `videogen render` locally
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=cores) as pool:
        parallel = list(pool.map(lambda job: run_segment(job, folder / "par"), jobs))
    fragments = [fragment for _, _, fragment in parallel]
    full = time.perf_counter() - started + join(fragments, folder / "par", seconds)
    print(f"all segments, {cores} at once, and the join: {full:.1f} s ({seconds / full:.2f}x realtime)")

    # 3. an edit: one scene gets another image; a segment's first scene, and a scene that also fades into
    #    the next segment (its last)
    # (the cross-fade at a cut is a segment of its own, two clips that fade all along: the scenes' own
    # segments are the others, and their first clip is their first scene)
    bodies = [
        job for job in jobs if not (len(job.clips) == 2 and job.clips[1].overlap == job.clips[1].frames)
    ]
    firsts = [job.clips[0].scene for job in bodies[1:]]
    middle_first = firsts[len(firsts) // 2] if firsts else 1
    cases = {
        "the first scene of a segment": middle_first,
        "the last scene of a segment": max(1, middle_first - 1),
    }
    for label, number in cases.items():
        edited_images = list(images)
        edited_images[number - 1] = next(path for path in drawn if path != images[number - 1])
        edited, _ = plan_jobs(edited_images, width, height)
        known = {job.digest() for job in jobs}
        changed = [job for job in edited if job.digest() not in known]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=cores) as pool:
            list(pool.map(lambda job: run_segment(job, folder / "edit"), changed))
        by_digest = {job.digest(): fragment for job, (_, _, fragment) in zip(jobs, parallel, strict=True)}
        by_digest |= {job.digest(): folder / "edit" / f"fragment-{job.digest()[:16]}.mp4" for job in changed}
        again = time.perf_counter() - started
        again += join([by_digest[job.digest()] for job in edited], folder / "edit", seconds)
        print(
            f"re-render after editing scene {number} ({label}): {len(changed)} of {len(edited)} segments, "
            f"{again:.1f} s = {again / full:.2f}x the full assembly (target <= 0.3)"
        )

    # 4. the cloud, modelled from (1)
    waves = math.ceil(len(jobs) / args.concurrency)
    cloud = planning + waves * max(times) + join_seconds
    print(
        f"cloud model at concurrency {args.concurrency}: plan {planning:.2f} s + {waves} wave(s) x "
        f"{max(times):.2f} s + join {join_seconds:.2f} s = {cloud:.1f} s (Lambda start-up and S3 transfers "
        "not included)"
    )


if __name__ == "__main__":
    os.environ.setdefault("VIDEOGEN_LOG_LEVEL", "ERROR")
    main()
