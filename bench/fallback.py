"""The images step of a 10-scene render when the first image provider is down, against all providers up.

What is measured: the wall time of GenerateImage's work for every scene of a new 10-scene project
(``videogen.pipeline.images.generate_scene_image`` for scenes 1..10; sequentially, and with a pool of 4
threads as the state machine's Map runs several at once), on the local cloud in this process (moto: the
table and the bucket of template.yaml), with the project's ``image_providers`` = stability, bedrock:

  all up          the fake Stability server (tests/support/stability_fake.py, real HTTP, the real REST
                  client) draws every image;
  stability down  it answers 503 to everything, so each scene spends Stability's two attempts (one
                  full-jitter backoff of at most 0.5 s between them) and is then drawn by Bedrock: the
                  real bedrock-runtime client, answered by botocore's Stubber with a recorded response.

Both fakes answer at once unless --latency gives them a drawing time (seconds per image, slept before an
image is answered; a 503 is answered at once, as a load balancer in front of a dead service would). So
with the default 0 the figures are the fallback's own cost (the refused round trips, the backoff, and
fitting and storing the image), not a provider's drawing time. Every run uses a new project, so nothing
comes from the cache. Medians of --runs runs; the ratio is stability down / all up.

    .venv/bin/python bench/fallback.py [--runs 3] [--latency 0] [--scenes 10]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The fake Stability server is the tests' own (one fake, not a second one here).
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "shared"), str(ROOT / "devtools")]

BEDROCK_SUCCESS = ROOT / "tests" / "events" / "bedrock" / "stability_success.json"
OWNER = "bench-owner"


def _script(scenes: int) -> str:
    places = [
        "harbour",
        "lighthouse",
        "market",
        "train",
        "volcano",
        "forest",
        "city",
        "desert",
        "sea",
        "hall",
    ]
    return "\n".join(
        f"## Scene {n}\nA quiet morning at the {places[(n - 1) % len(places)]}.\nDuration: 1s\n"
        for n in range(1, scenes + 1)
    )


@contextmanager
def _bedrock_stub(latency: float) -> Iterator[Callable[[int], None]]:
    """Bedrock's provider on a stubbed real client; yields a function queueing n successful answers."""
    from botocore.response import StreamingBody  # noqa: PLC0415
    from botocore.stub import Stubber  # noqa: PLC0415

    from tests.support.stubs import aws_client  # noqa: PLC0415
    from videogen.providers import bedrock  # noqa: PLC0415

    client = aws_client("bedrock-runtime")
    if latency:
        client.meta.events.register(
            "provide-client-params.bedrock-runtime.InvokeModel", lambda **_: time.sleep(latency)
        )
    original = bedrock._default_client
    bedrock._default_client = lambda region: client  # type: ignore[assignment]
    raw = BEDROCK_SUCCESS.read_bytes()

    def queue(times: int) -> None:
        for _ in range(times):
            body = StreamingBody(io.BytesIO(raw), len(raw))
            stubber.add_response("invoke_model", {"body": body, "contentType": "application/json"})

    try:
        with Stubber(client) as stubber:
            yield queue
    finally:
        bedrock._default_client = original  # type: ignore[assignment]


def _images_step(settings: Any, scenes: int, workers: int) -> float:
    """Seconds to make every image of a new project of ``scenes`` scenes."""
    from videogen.domain.enums import ScriptFormat  # noqa: PLC0415
    from videogen.domain.models import NewProject  # noqa: PLC0415
    from videogen.logic.projects import create_project  # noqa: PLC0415
    from videogen.pipeline.images import generate_scene_image  # noqa: PLC0415

    request = NewProject(
        title="Fallback bench",
        script=_script(scenes),
        settings={"resolution": "480p", "voice": "none", "image_providers": ["stability", "bedrock"]},
        script_format=ScriptFormat.MARKDOWN,
    )
    project = create_project(OWNER, request)
    # No render is claimed: the step's progress write finds no current render and counts nothing.
    started = time.perf_counter()
    if workers == 1:
        for number in range(1, scenes + 1):
            generate_scene_image(project.id, "000001", number, settings)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(
                pool.map(
                    lambda n: generate_scene_image(project.id, "000001", n, settings), range(1, scenes + 1)
                )
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenes", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each fake takes to draw an image")
    args = parser.parse_args()

    import os  # noqa: PLC0415

    # Outside a handler nothing flushes the metrics: none are published, and each run starts with none.
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "videogen-bench")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    from tests.support.stability_fake import KEY, error_reply, image_reply, serving_stability  # noqa: PLC0415
    from videogen.handlers import config_with_table  # noqa: PLC0415
    from videogen.observability import logger, metrics  # noqa: PLC0415
    from videogen_local.cloud import LocalCloud  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as home:
        os.environ["VIDEOGEN_HOME"] = home
        with (
            LocalCloud(ROOT / "template.yaml"),
            serving_stability() as (stability, base_url),
            _bedrock_stub(args.latency) as queue_bedrock,
        ):
            logger.setLevel("ERROR")  # each refused Stability call logs a warning
            settings = config_with_table().model_copy(
                update={"stability_api_key": KEY, "stability_base_url": base_url}
            )

            def up(received: Any) -> Any:
                time.sleep(args.latency)
                return image_reply()

            def down(received: Any) -> Any:
                return error_reply(503, "service_unavailable")

            results: dict[tuple[str, int], list[float]] = {}
            for workers in (1, 4):
                for case, respond, bedrock_images in (
                    ("all up", up, 0),
                    ("stability down", down, args.scenes),
                ):
                    stability.respond = respond
                    times = []
                    for _ in range(args.runs + 1):  # the first run warms imports and clients: dropped
                        queue_bedrock(bedrock_images)
                        stability.received.clear()
                        times.append(_images_step(settings, args.scenes, workers))
                        metrics.clear_metrics()
                    results[(case, workers)] = times[1:]
                    expected = args.scenes * (2 if bedrock_images else 1)
                    assert len(stability.received) == expected, (case, len(stability.received))

    print(f"images step of a {args.scenes}-scene render, image_providers = stability, bedrock")
    print(f"fake drawing time {args.latency:g} s per image; median of {args.runs} runs (each: a new project)")
    print(f"{'':<14}{'all up':>10}{'stab. down':>12}{'ratio':>8}")
    for workers in (1, 4):
        up_s = statistics.median(results[("all up", workers)])
        down_s = statistics.median(results[("stability down", workers)])
        mode = "sequential" if workers == 1 else f"{workers} threads"
        print(f"{mode:<14}{up_s:>9.2f}s{down_s:>11.2f}s{down_s / up_s:>7.2f}x")
    sequential = [statistics.median(results[(case, 1)]) for case in ("all up", "stability down")]
    print(f"the fallback adds {(sequential[1] - sequential[0]) / args.scenes:.2f} s per scene (sequential)")


if __name__ == "__main__":
    main()
