"""Render benchmark: videogen's assembler against MoviePy 2 and against ffmpeg's own encoding ceiling.

The same 10-scene, 30-second, 1280x720, 30 fps story (pan/zoom, cross-fades, captions) is rendered three
ways, each in its own child process so that peak memory (max RSS) of one way never mixes with another's:

  (a) videogen.media.assemble.assemble_video
  (b) a straightforward MoviePy 2 implementation of the same video
  (c) the ceiling: ffmpeg encoding a synthetic testsrc2 source of the same length, size and x264 settings
  (d) `videogen render` of a script of the same scenes: images, the offline voice, the state machine and
      assembly on the local cloud, as a user runs it

    .venv/bin/python bench/render.py                 # the three ways, 30 s
    .venv/bin/python bench/render.py --minutes 5     # (a) only: 30 s and 5 min, peak memory side by side
    .venv/bin/python bench/render.py --skip-moviepy  # (a) and (c) only (MoviePy takes minutes)

Needs MoviePy 2 for (b): ``pip install --no-deps moviepy==2.2.1 proglog decorator`` plus numpy, imageio,
tqdm, python-dotenv (MoviePy pins Pillow < 12, which it does not actually need).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WIDTH, HEIGHT, FPS = 1280, 720, 30
PRESET, CRF = "veryfast", 23
#: The assembler's cross-fade (videogen.media.timeline.DEFAULT_TRANSITION_SECONDS); the parent process
#: never imports videogen (see ``measure``).
FADE = 0.5
SCENES_PER_30S = 10
PROMPTS = (
    "A lighthouse by the sea at night",
    "A busy city street at sunset",
    "A quiet forest in the morning",
    "Snowy mountain peaks",
    "A desert caravan under the sun",
    "A campfire in the dark woods",
    "The ocean waves crash on the beach",
    "A village castle on a hill",
    "A winter night in the city",
    "Dawn over the harbour",
)
NARRATION = (
    "Once upon a time, in a small village by the sea, there lived an old lighthouse keeper named Tom.",
    "Every evening he walked through the busy streets to buy bread and oil for the lamp.",
    "In the mornings he wandered through the forest, listening to the birds.",
    "Far away, the mountains were white with snow, and the wind came down cold.",
    "Travellers told stories of deserts where the sand sang at noon.",
    "At night they sat by the fire, and Tom listened to every word.",
    "But the sea was his home, and the waves his oldest friends.",
    "Sometimes he dreamed of the castle on the hill, and of the people who lived there.",
    "Winter came, and the city lights shone through the falling snow.",
    "And every dawn, the ships came home safely, guided by his light.",
)


@dataclass(frozen=True)
class Story:
    """What every way renders: images on disk, scene durations, cues."""

    images: list[str]
    duration: float  # of each scene
    fade: float
    cues: list[tuple[float, float, str]]
    total: float


# --- the story ---------------------------------------------------------------------------------------------


def make_story(folder: Path, seconds: float) -> Story:
    """Draw the scene images and time the captions for a story of ``seconds`` (10 scenes per 30 s)."""
    from videogen.media.timeline import SceneToTime, plan
    from videogen.providers.base import ImageRequest
    from videogen.providers.local import LocalImageProvider

    count = max(2, round(seconds / 30 * SCENES_PER_30S))
    # Scene length so that the video lasts exactly ``seconds`` once the fades overlap.
    duration = (seconds + FADE * (count - 1)) / count
    provider = LocalImageProvider()
    images = []
    for index in range(min(count, len(PROMPTS))):
        path = folder / f"scene-{index:02d}.png"
        request = ImageRequest(prompt=PROMPTS[index], width=WIDTH, height=HEIGHT, seed=index)
        path.write_bytes(provider.generate(request).data)
        images.append(str(path))
    images = [images[index % len(images)] for index in range(count)]
    timing = plan(
        [SceneToTime(index + 1, NARRATION[index % len(NARRATION)], fixed=duration) for index in range(count)],
        FPS,
    )
    cues = [(cue.start, cue.end, cue.text) for cue in timing.cues]
    return Story(images, duration, FADE, cues, timing.duration)


# --- the three ways (each runs in a child process) ---------------------------------------------------------


def render_videogen(story: Story, output: Path, workdir: Path) -> None:
    """(a) videogen's assembler: its segments rendered side by side, one per core, as the local cloud does."""
    from videogen.media.assemble import SceneClip, assemble_video
    from videogen.media.captions import Cue

    clips = [
        SceneClip(Path(image), story.duration, transition_duration=story.fade, title=f"Chapter {index + 1}")
        for index, image in enumerate(story.images)
    ]
    cues = [Cue(start, end, text) for start, end, text in story.cues]
    assemble_video(
        clips,
        output,
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        workdir=workdir,
        captions=cues,
        preset=PRESET,
        crf=CRF,
        workers=os.cpu_count() or 1,
    )


def render_moviepy(story: Story, output: Path, workdir: Path) -> None:
    """(b) MoviePy 2, written the way its documentation suggests."""
    import numpy as np
    from moviepy import AudioClip, CompositeVideoClip, ImageClip, TextClip, vfx

    step = story.duration - story.fade
    clips = []
    for index, image in enumerate(story.images):
        clip = ImageClip(image).with_duration(story.duration).with_start(index * step)
        move = index % 4
        if move in (0, 2):  # zoom in, zoom out: a time-varying resize, centred
            grow = 0.15 / story.duration

            def scale(t: float, grow: float = grow, inward: bool = move == 0) -> float:
                return 1 + grow * t if inward else 1.15 - grow * t

            clip = clip.resized(scale).with_position(("center", "center"))
        else:  # pan right or left across an image 15% wider than the frame
            room = WIDTH * 0.15
            speed = room / story.duration

            def position(t: float, speed: float = speed, right: bool = move == 1) -> tuple[float, float]:
                x = -speed * t if right else -WIDTH * 0.15 + speed * t
                return (x, -HEIGHT * 0.075)

            clip = clip.resized(1.15).with_position(position)
        if index > 0:
            clip = clip.with_effects([vfx.CrossFadeIn(story.fade)])
        clips.append(clip)
    captions = [
        TextClip(
            text=text,
            font_size=40,
            color="white",
            stroke_color="black",
            stroke_width=2,
            method="caption",
            size=(WIDTH - 160, None),
            text_align="center",
        )
        .with_start(start)
        .with_duration(end - start)
        .with_position(("center", HEIGHT - 150))
        for start, end, text in story.cues
    ]
    # MoviePy's defaults, as its documentation shows them. (bg_color=(0, 0, 0) would skip compositing over a
    # transparent background and roughly halve its time: measured 47 s instead of ~100 s here.)
    video = CompositeVideoClip([*clips, *captions], size=(WIDTH, HEIGHT))
    video = video.with_duration(story.total)

    def silence(t: Any) -> Any:
        return np.zeros((len(t), 2)) if isinstance(t, np.ndarray) else [0.0, 0.0]

    video = video.with_audio(AudioClip(silence, duration=story.total, fps=44100))
    video.write_videofile(
        str(output),
        fps=FPS,
        codec="libx264",
        preset=PRESET,
        audio_codec="aac",
        threads=os.cpu_count() or 2,
        ffmpeg_params=["-crf", str(CRF), "-pix_fmt", "yuv420p", "-movflags", "+faststart"],
        temp_audiofile_path=str(workdir),
        logger=None,
    )


#: The whole render's script: ten scenes of fixed length (the video lasts exactly the story's 30 s), each
#: narrated by the offline voice in under its length.
WHOLE_LINES = (
    "The keeper climbs the stairs at dusk.",
    "He walks the busy street for bread.",
    "Birds sing in the morning forest.",
    "The far mountains are white with snow.",
    "The desert sand sings at noon.",
    "They sit by the fire at night.",
    "The waves are his oldest friends.",
    "He dreams of the castle on the hill.",
    "Snow falls on the city lights.",
    "At dawn the ships come home.",
)


def render_whole(story: Story, output: Path, workdir: Path) -> None:
    """(d) `videogen render`: the whole local render of a script (images, voice, assembly) on the local
    cloud, as a user runs it."""
    import io

    from videogen_local.process import tune_collector
    from videogen_local.render import run_render_command

    tune_collector()  # as the `videogen` command's process does (videogen_local.cli.run)

    script = workdir / "story.md"
    script.write_text(
        "".join(
            f"## Chapter {n + 1}\n{WHOLE_LINES[n % len(WHOLE_LINES)]}\n"
            f"Image: {PROMPTS[n % len(PROMPTS)]}\nDuration: {story.duration:.4f}s\n\n"
            for n in range(len(story.images))
        ),
        encoding="utf-8",
    )
    settings = {"resolution": "720p", "fps": FPS, "aspect_ratio": "16:9", "voice": "local"}
    status = run_render_command(script, output, settings, io.StringIO(), find_music_beside=False)
    if status != 0:
        raise SystemExit(f"videogen render exited with {status}")


def render_ceiling(story: Story, output: Path, workdir: Path) -> None:
    """(c) ffmpeg encoding a synthetic source: what the encoder alone costs at these settings."""
    from videogen.media.ffmpeg import ffmpeg_exe

    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=s={WIDTH}x{HEIGHT}:r={FPS}:d={story.total}",
         "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
         "-map", "0:v", "-map", "1:a", "-shortest",
         "-c:v", "libx264", "-preset", PRESET, "-crf", str(CRF), "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(output)],
        check=True,
    )  # fmt: skip


WAYS = {
    "videogen": render_videogen,
    "moviepy": render_moviepy,
    "ceiling": render_ceiling,
    "whole": render_whole,
}
LABELS = {
    "videogen": "(a) videogen assembly",
    "moviepy": "(b) MoviePy 2",
    "ceiling": "(c) ffmpeg testsrc2",
    "whole": "(d) videogen render",
}


def worker(way: str, story_file: Path, output: Path, workdir: Path) -> None:
    """Child process: render one way, check the video, print its own and its children's resource use."""
    story = Story(**json.loads(story_file.read_text(encoding="utf-8")))
    WAYS[way](story, output, workdir)
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    from videogen.media.probe import probe

    info = probe(output)
    if abs(info.duration - story.total) > 0.2 or (info.width, info.height) != (WIDTH, HEIGHT):
        raise SystemExit(f"{way} rendered {info}, not {story.total:.1f} s at {WIDTH}x{HEIGHT}")
    usage = {
        "cpu_self": own.ru_utime + own.ru_stime,
        "cpu_children": kids.ru_utime + kids.ru_stime,
        "rss_self_mb": own.ru_maxrss / 1024,
        "rss_children_mb": kids.ru_maxrss / 1024,
    }
    print(json.dumps(usage), flush=True)
    if way == "whole":
        from videogen_local.process import exit_with

        exit_with(0)  # and it ends the way the command's process ends


def story_worker(seconds: float, folder: Path, story_file: Path) -> None:
    """Child process: draw and time the story, so the parent stays small (see ``measure``)."""
    story = make_story(folder, seconds)
    story_file.write_text(json.dumps(story.__dict__), encoding="utf-8")


# --- the parent: runs each way in a child, reports ----------------------------------------------------------


@dataclass
class Measure:
    way: str
    seconds: float  # of video
    wall: float
    cpu: float
    rss_self_mb: float
    rss_children_mb: float

    @property
    def realtime(self) -> float:
        return self.seconds / self.wall

    @property
    def peak_mb(self) -> float:
        # Python and ffmpeg run at the same time: their peaks can add up, so count both (an upper bound).
        return self.rss_self_mb + self.rss_children_mb


def measure_rounds(
    ways: list[str], story: Story, story_file: Path, folder: Path, repeat: int
) -> list[Measure]:
    """Each way's run with the median wall time of ``repeat`` rounds; MoviePy runs in the first round only.

    Rounds interleave the ways (a, b, c, a, c, ...) so that, on a shared machine whose free CPU comes and
    goes, every way sees the same conditions; CPU time is the steadier figure.
    """
    runs: dict[str, list[Measure]] = {way: [] for way in ways}
    for round_number in range(repeat):
        for way in ways:
            if way != "moviepy" or round_number == 0:
                runs[way].append(measure(way, story, story_file, folder))
    medians = []
    for way in ways:
        ordered = sorted(runs[way], key=lambda m: m.wall)
        medians.append(ordered[len(ordered) // 2])
    return medians


def measure(way: str, story: Story, story_file: Path, folder: Path) -> Measure:
    """Render one way in a child process and time it.

    Linux carries a process's peak RSS across exec, so a child starts with its parent's: the parent therefore
    never imports Pillow or videogen, and the numbers are the child's own.
    """
    output = folder / f"{way}-{round(story.total)}s.mp4"
    workdir = folder / f"work-{way}-{round(story.total)}"
    workdir.mkdir(exist_ok=True)
    command = [sys.executable, __file__, "--worker", way, "--story", str(story_file), "--output", str(output)]
    command += ["--workdir", str(workdir)]
    start = time.perf_counter()
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    usage = json.loads(completed.stdout.strip().splitlines()[-1])
    return Measure(
        way,
        story.total,
        wall,
        usage["cpu_self"] + usage["cpu_children"],
        usage["rss_self_mb"],
        usage["rss_children_mb"],
    )


def report(results: list[Measure]) -> None:
    header = ("way", "video", "wall", "cpu", "realtime", "python", "ffmpeg", "peak")
    print(f"{header[0]:22} " + " ".join(f"{name:>8}" for name in header[1:]))
    for r in results:
        print(
            f"{LABELS[r.way]:22} {r.seconds:7.1f}s {r.wall:7.1f}s {r.cpu:7.1f}s {r.realtime:7.2f}x "
            f"{r.rss_self_mb:6.0f}MB {r.rss_children_mb:6.0f}MB {r.peak_mb:6.0f}MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, help="also render this long a video with (a) only")
    parser.add_argument("--skip-moviepy", action="store_true", help="leave out (b), which takes minutes")
    parser.add_argument("--keep", type=Path, help="keep the videos in this folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (c), median reported")
    parser.add_argument("--worker", choices=sorted(WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--make-story", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--story", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.story, args.output, args.workdir)
        return
    if args.make_story:
        story_worker(args.make_story, args.story.parent, args.story)
        return

    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before the run")
    with tempfile.TemporaryDirectory(prefix="videogen-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        lengths = [30.0] + ([args.minutes * 60] if args.minutes else [])
        stories = {}
        for seconds in lengths:
            story_file = folder / f"story-{round(seconds)}.json"
            subprocess.run(
                [sys.executable, __file__, "--make-story", str(seconds), "--story", str(story_file)],
                check=True,
            )
            stories[seconds] = (Story(**json.loads(story_file.read_text(encoding="utf-8"))), story_file)

        if args.minutes:
            results = [measure("videogen", *stories[seconds], folder) for seconds in lengths]
            report(results)
            short, long = results
            verdict = "OK" if long.peak_mb < 500 else "OVER"
            print(
                f"peak memory {long.peak_mb:.0f} MB for {long.seconds / 60:.1f} min, {short.peak_mb:.0f} MB "
                f"for 30 s (target < 500 MB, flat): {verdict}"
            )
        else:
            ways = (
                ["videogen", "whole", "ceiling"]
                if args.skip_moviepy
                else ["videogen", "whole", "moviepy", "ceiling"]
            )
            results = measure_rounds(ways, *stories[30.0], folder, args.repeat)
            report(results)
            by_way = {r.way: r for r in results}
            a, c, d = by_way["videogen"], by_way["ceiling"], by_way["whole"]
            if "moviepy" in by_way:
                b = by_way["moviepy"]
                print(
                    f"(b)/(a) wall time: {b.wall / a.wall:.2f}  (target >= 8); CPU time: {b.cpu / a.cpu:.2f}"
                )
            print(f"(a)/(c) wall time: {a.wall / c.wall:.2f}  (target <= 1.5); CPU time: {a.cpu / c.cpu:.2f}")
            print(f"(d)/(c) wall time: {d.wall / c.wall:.2f}  (target <= 2.5); CPU time: {d.cpu / c.cpu:.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} after the run")


if __name__ == "__main__":
    main()
