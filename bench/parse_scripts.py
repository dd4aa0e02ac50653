"""Parse throughput per script format, for 10 KB and 100 KB scripts: linear parsing shows as a flat rate.

The second table does the same for adversarial inputs (one pattern repeated), refused or not.

Run: .venv/bin/python bench/parse_scripts.py
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from videogen.domain.enums import ScriptFormat
from videogen.domain.limits import MAX_SCRIPT_BYTES
from videogen.exceptions import ScriptParsingException
from videogen.scripts.parser import parse_script

SENTENCE = (
    "The keeper climbs the *stairs* and looks out at the [sea](https://example.com) as the storm comes in. "
)


def markdown(size: int) -> str:
    head = "---\ntitle: Bench\nstyle: ink\nfps: 30\n---\n"
    scene = "## Scene\nDuration: 4s\nTransition: crossfade\n\n" + SENTENCE * 10 + "\n\n"
    return head + scene * ((size - len(head)) // len(scene))


def plaintext(size: int) -> str:
    scene = SENTENCE * 10 + "\n\n"
    return scene * (size // len(scene))


def fountain(size: int) -> str:
    head = "Title: Bench\nStyle: ink\n\n"
    scene = (
        "INT. LIGHTHOUSE - NIGHT #1#\n\n"
        + SENTENCE * 5
        + "[[a note]]\n\nKEEPER (V.O.)\n(quietly)\n"
        + SENTENCE * 5
        + "\n\n"
    )
    return head + scene * ((size - len(head)) // len(scene))


def json_script(size: int) -> str:
    scene = {"title": "Scene", "narration": SENTENCE * 10, "duration": "4s", "transition": "cut"}
    per_scene = len(json.dumps(scene)) + 2
    return json.dumps({"title": "Bench", "scenes": [scene] * min(200, size // per_scene)})


BUILDERS: dict[ScriptFormat, Callable[[int], str]] = {
    ScriptFormat.MARKDOWN: markdown,
    ScriptFormat.TEXT: plaintext,
    ScriptFormat.FOUNTAIN: fountain,
    ScriptFormat.JSON: json_script,
}


#: Inputs built to make a careless parser quadratic: each is one pattern repeated to the size asked.
ADVERSARIAL: dict[str, str] = {
    "unclosed [[": "[[ ",
    "unclosed /*": "/* ",
    "brackets": "[",
    "quote-escapes": '"\\',
    "emphasis runs": "*a _",
    "link starts": "[](",
    "quote marks": ">",
}


def throughput(source: bytes, script_format: ScriptFormat, rounds: int = 20) -> tuple[float, int]:
    """Best-of-rounds throughput in MB/s, and the scene count (0 when the script is refused)."""
    best = float("inf")
    scenes = 0
    for _ in range(rounds):
        started = time.perf_counter()
        try:
            scenes = len(parse_script(source, script_format).scenes)
        except ScriptParsingException:
            scenes = 0
        best = min(best, time.perf_counter() - started)
    return len(source) / best / 1e6, scenes


def main() -> None:
    print(f"{'format':<10}{'size':>10}{'scenes':>8}{'MB/s':>10}")
    for script_format, build in BUILDERS.items():
        for size in (10 * 1024, MAX_SCRIPT_BYTES):
            source = build(size).encode()
            rate, scenes = throughput(source, script_format)
            print(f"{script_format.value:<10}{len(source):>10,}{scenes:>8}{rate:>10.2f}")
    print(f"\n{'adversarial':<16}{'format':<10}{'10 KB MB/s':>12}{'100 KB MB/s':>13}")
    for name, pattern in ADVERSARIAL.items():
        for script_format in ScriptFormat:
            rates = [
                throughput((pattern * (size // len(pattern))).encode(), script_format, rounds=5)[0]
                for size in (10 * 1024, MAX_SCRIPT_BYTES - 8)
            ]
            print(f"{name:<16}{script_format.value:<10}{rates[0]:>12.2f}{rates[1]:>13.2f}")


if __name__ == "__main__":
    main()
