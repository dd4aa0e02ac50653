"""What the console's live check costs: POST /v1/scripts/check against creating a project from the same
script (which parses it the same way and then writes it), both through the API function in this process,
on the local cloud; medians and p95 of many calls, and their ratio, measured in one run.

Run: PYTHONPATH=layers/shared:devtools .venv/bin/python bench/script_check.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.paths import load_event  # noqa: E402
from videogen_local.cloud import LocalCloud  # noqa: E402

SENTENCE = "The keeper climbs the stairs and looks out at the sea as the storm comes in. "
CALLS = 60


def script(scenes: int) -> str:
    return "".join(f"## Scene {n}\n{SENTENCE * 3}\nDuration: 6s\n\n" for n in range(1, scenes + 1))


def invoke(cloud: LocalCloud, method: str, path: str, body: Any) -> float:
    event = load_event("apigw_rest_proxy.json")
    event.update(
        httpMethod=method, path=path, pathParameters={"proxy": path.lstrip("/")}, body=json.dumps(body)
    )
    event["requestContext"].update(httpMethod=method, path=f"/v1{path}")
    event["requestContext"]["authorizer"]["claims"]["sub"] = "bench-owner"
    started = time.perf_counter()
    answer = cloud.invoke("ApiFunction", event)
    elapsed = time.perf_counter() - started
    assert answer["statusCode"] in (200, 201), answer
    return elapsed * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as home, LocalCloud() as cloud:
        import os  # noqa: PLC0415

        os.environ["VIDEOGEN_HOME"] = home
        print(
            f"{'scenes':>6} {'KB':>5} {'check p50':>10} {'p95':>7} {'create p50':>11} {'p95':>7} {'ratio':>6}"
        )
        for scenes in (1, 20, 200):
            text = script(scenes)
            checks: list[float] = []
            creates: list[float] = []
            for _ in range(CALLS):  # interleaved, so both see the same machine
                checks.append(invoke(cloud, "POST", "/scripts/check", {"script": text}))
                creates.append(invoke(cloud, "POST", "/projects", {"title": "Bench", "script": text}))
            check = statistics.median(checks)
            create = statistics.median(creates)
            p95 = statistics.quantiles(checks, n=20)[-1]
            create95 = statistics.quantiles(creates, n=20)[-1]
            print(
                f"{scenes:>6} {len(text.encode()) / 1024:>5.1f} {check:>8.1f}ms {p95:>5.1f}ms "
                f"{create:>9.1f}ms {create95:>5.1f}ms {check / create:>6.2f}"
            )


if __name__ == "__main__":
    main()
