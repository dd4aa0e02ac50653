"""Webhooks end to end on the local cloud: how long from a render's completion to its signed delivery, and a
receiver that fails three times.

Part 1: --renders renders (10) of a two-scene 480p script without voice, one after the other, by one owner
with a webhook on a loopback receiver for render.completed. Latency of each: from the event's
``occurred_at`` (FinishRender publishing it) to the receiver reading the POST: EventBridge delivery to
DispatchWebhooks, the delivery written and queued, the queue poll (the local poller looks every 0.2 s;
Lambda's SQS poller is long-polling), DeliverWebhook and the HTTP POST. Printed: p50, p90 and max, and
that every delivery's signature verifies.

Part 2: a receiver answering 500 three times, then 200, with the retry wait scaled down to 1 s
(WebhookRetryBaseSeconds=1: 1, 2, 4 s instead of 30 s, 1 min, 2 min). Printed: the attempts the
receiver saw, the ones the delivery recorded, how many it accepted (must be 1), and the waits.

    .venv/bin/python bench/webhooks.py [--renders 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Gulls\nGulls follow the boats.\nDuration: 1s\n"
SETTINGS = {"resolution": "480p", "fps": 24, "voice": "none"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=10)
    args = parser.parse_args()
    renders = max(1, min(100, args.renders))

    import os  # noqa: PLC0415 - the cloud sets the environment the layer reads

    os.environ.setdefault("VIDEOGEN_HOME", tempfile.mkdtemp(prefix="videogen-bench-"))
    from tests.support.api import ApiCaller, wait_for_render  # noqa: PLC0415
    from tests.support.waiting import wait_until  # noqa: PLC0415
    from tests.support.webhooks import receiving  # noqa: PLC0415
    from videogen.webhooks import signing  # noqa: PLC0415
    from videogen_local.cloud import LocalCloud  # noqa: PLC0415

    with LocalCloud(ROOT / "template.yaml", parameters={"WebhookRetryBaseSeconds": "1"}) as cloud:
        api = ApiCaller(cloud, "owner-bench")

        def render() -> str:
            created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS})
            project_id = str(created.body["id"])
            api.post(f"/projects/{project_id}/renders")
            assert wait_for_render(api, project_id)["status"] == "COMPLETED"
            return project_id

        # Part 1
        latencies, verified = [], 0
        with receiving() as receiver:
            secret = api.post("/webhooks", {"url": receiver.url(), "events": ["render.completed"]}).body[
                "secret"
            ]
            for number in range(renders):
                render()
                wait_until(lambda n=number: len(receiver.received) > n, 30, 0.01, "the delivery")
                arrived = receiver.received[number]
                document = json.loads(arrived.body)
                occurred = datetime.fromisoformat(document["data"]["occurred_at"].replace("Z", "+00:00"))
                latencies.append((arrived.at - occurred.timestamp()) * 1000)
                header = arrived.headers[signing.SIGNATURE_HEADER]
                verified += signing.verify(secret, arrived.body, header, now=time.time())
        latencies.sort()
        p90 = latencies[min(len(latencies) - 1, round(0.9 * (len(latencies) - 1)))]
        print(f"completion -> signed delivery received, {renders} renders:")
        print(
            f"  p50 {statistics.median(latencies):7.0f} ms   p90 {p90:7.0f} ms   max {latencies[-1]:7.0f} ms"
        )
        print(f"  signatures verified: {verified}/{renders}")

        # Part 2
        with receiving(statuses=[500, 500, 500]) as receiver:
            hook = api.as_owner("owner-bench-2").post(
                "/webhooks", {"url": receiver.url(), "events": ["render.completed"]}
            )
            api2 = api.as_owner("owner-bench-2")
            created = api2.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS})
            api2.post(f"/projects/{created.body['id']}/renders")
            wait_until(receiver.accepted, 60, 0.05, "the accepted delivery")
            time.sleep(2)  # a wrongly repeated send would arrive meanwhile
            (delivery,) = api2.get(f"/webhooks/{hook.body['id']}/deliveries").body["items"]
            seen = [item.answered for item in receiver.received]
            waits = [
                later.at - earlier.at
                for earlier, later in zip(receiver.received, receiver.received[1:], strict=False)
            ]
        print("receiver answering 500, 500, 500, then 200 (retry waits scaled to 1 s):")
        print(f"  attempts seen by the receiver: {seen}")
        print(f"  attempts recorded:            {[a['status_code'] for a in delivery['attempts']]}")
        print(f"  accepted deliveries:          {sum(1 for code in seen if 200 <= code < 300)}")
        print(f"  waits between attempts (s):   {[round(wait, 2) for wait in waits]}")


if __name__ == "__main__":
    main()
