"""The offline illustrator: time per image, how often it draws the subject a prompt names, and what it
draws for the examples' scenes.

What is measured: ``LocalImageProvider.generate`` (plan, paint, style, PNG encoding) at 1280x720 and
1920x1080, median of --runs over a set of prompts in every style (target: under 0.5 s each); the
fraction of 100 generated prompts naming one known subject (varied sentences, synonyms, plurals) whose
``videogen:motifs`` lists it (target: at least 95%); and the motifs of every scene of examples/.

    .venv/bin/python bench/illustrator.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from videogen.providers.base import ImageRequest
from videogen.providers.illustrator.lexicon import Style
from videogen.providers.local import LocalImageProvider
from videogen_local.illustrator_checks import example_motifs, recognition_rate

PROMPTS = (
    "A lighthouse on a rocky coast at night, its beam sweeping the sea",
    "Interior, station concourse, continuous. She runs past a coffee stand.",
    "A volcano erupting at dusk, a towering ash column lit orange from below",
    "A crowd gathered in the town square in the rain",
    "A steam train crossing a bridge over a river at dawn",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    provider = LocalImageProvider()
    root = Path(__file__).resolve().parent.parent
    for width, height in ((1280, 720), (1920, 1080)):
        print(f"{width}x{height}:")
        for style in Style:
            times = []
            for run in range(args.runs):
                for seed, prompt in enumerate(PROMPTS):
                    started = time.perf_counter()
                    provider.generate(ImageRequest(prompt, width, height, seed + run, style.value))
                    times.append(time.perf_counter() - started)
            print(f"  {style.value:<10} median {statistics.median(times):.3f} s  max {max(times):.3f} s")
    rate, missed = recognition_rate()
    print(f"recognition: {rate:.0%} of 100 prompts list the subject they name")
    for miss in missed:
        print(f"  missed {miss}")
    print("examples:")
    for scene in example_motifs(root / "examples"):
        print(f"  {scene.script} #{scene.number} {scene.title!r}: {scene.motifs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
