"""Load on the local HTTP API: concurrent clients on loopback, then list pagination over 10,000 projects.

Part 1, mixed load. `LocalApiServer` (what `videogen serve` runs) on 127.0.0.1 at an ephemeral port, with
its API Gateway emulation and bearer keys; --clients threads (64), each with its own keep-alive HTTP
connection and seeded random choices, send requests for --seconds and stop. The mix, per request:

    list    50%   GET /projects?limit=20
    get     30%   GET /projects/{id} of a random project of the owner
    create  10%   POST /projects with a two-scene script
    patch   10%   PATCH /projects/{id} with If-Match of the version this client last saw of it

Printed: requests/s, p50/p95/p99 latency (overall and per kind), answers by status, and the connections:
how many were opened (a client reconnects when an answer says `Connection: close`, which the server says
while other connections wait for one of its 32 workers), how many were reset, and any other connection
error. A reset or error is counted, the client reconnects and goes on. A 412 is a stale If-Match that
another client's PATCH made stale: the API working as documented, counted apart from errors. The local
API runs one warm container of the API function, as `videogen serve` does (Lambda would scale out), so
throughput is one container's and latency includes waiting for it.

Bounded: at most 256 clients, 300 s of load and 100,000 projects; the server listens on loopback only.

Part 2, pagination depth. --projects projects (10,000) of one owner are written straight through the
data layer (videogen.dal.projects.put_new_project: no API, no script parsing), then every project is
listed once by following GET /projects cursors (pages of 100, the API's maximum, to need fewer requests:
a cursor is a position, good for any page size) and checked to appear exactly once. Pages of
--page-size at several depths (first, second, ..., middle, ..., last) are then fetched --repeats times
each, reached by following cursors, and printed: the median and p95 latency, the part of it spent in the
DynamoDB Query, the rest (the API function, the local API Gateway, HTTP), and how many items DynamoDB read
(Query's ScannedCount). A cursor is DynamoDB's LastEvaluatedKey, not an offset, so DynamoDB reads limit+1
items for every page at any depth and the rest stays flat: last/first ~ 1. moto, though, answers an index
Query by sorting the whole index in memory, so here each page costs O(table) inside "DynamoDB" at any
depth: that column is moto's, not DynamoDB's.

    .venv/bin/python bench/load.py [--seconds 20] [--clients 64] [--projects 10000] [--page-size 20]
                                   [--repeats 5]
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "## Dawn\nThe sea wakes up.\n\n## Noon\nGulls circle the lamp room.\n"
MIX = (("list", 50), ("get", 30), ("create", 10), ("patch", 10))
EXPECTED_REFUSALS = {412}  # a PATCH whose If-Match another client made stale
MAX_CLIENTS, MAX_SECONDS, MAX_PROJECTS = 256, 300.0, 100_000


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class CountedConnection(http.client.HTTPConnection):
    """An HTTP connection that counts its connects (it reconnects by itself after `Connection: close`)."""

    opened = 0
    lock = threading.Lock()

    def connect(self) -> None:
        super().connect()
        with CountedConnection.lock:
            CountedConnection.opened += 1


class Client:
    """One keep-alive HTTP/1.1 connection to the local API, with a bearer key."""

    def __init__(self, base_url: str, key: str) -> None:
        split = urlsplit(base_url)
        self.prefix = split.path
        self.connection = CountedConnection(split.hostname or "127.0.0.1", split.port, timeout=30)
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        data = json.dumps(body).encode() if body is not None else None
        self.connection.request(
            method, self.prefix + path, body=data, headers={**self.headers, **(headers or {})}
        )
        response = self.connection.getresponse()
        text = response.read()
        return Answer(response.status, dict(response.getheaders()), json.loads(text) if text else None)

    def close(self) -> None:
        self.connection.close()


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # connection errors by exception name
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[(kind, status)] += 1

    def fail(self, error: Exception) -> None:
        with self.lock:
            self.failures[type(error).__name__] += 1

    @property
    def resets(self) -> int:
        # RemoteDisconnected (closed without an answer) is a ConnectionResetError too.
        return sum(
            n for name, n in self.failures.items() if name in {"ConnectionResetError", "RemoteDisconnected"}
        )


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (no interpolation) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


@contextmanager
def local_api() -> Iterator[tuple[Any, str, str]]:
    """The local cloud and its HTTP API on loopback: (cloud, base URL, a key of owner "bench")."""
    os.environ["VIDEOGEN_HOME"] = tempfile.mkdtemp(prefix="videogen-bench-")
    from videogen_local.api_keys import KeyStore
    from videogen_local.cloud import LocalCloud
    from videogen_local.server import LocalApiGateway, LocalApiServer

    with LocalCloud(ROOT / "template.yaml") as cloud:
        keys = KeyStore()
        key = keys.add("bench")
        server = LocalApiServer(LocalApiGateway(cloud, keys), "127.0.0.1", 0)
        if not ipaddress.ip_address(str(server.server_address[0])).is_loopback:
            raise SystemExit("the load benchmark runs on loopback only")
        server.start_background()
        try:
            yield cloud, server.base_url, key
        finally:
            server.shutdown()
            server.server_close()


# ------------------------------------------------------------------ part 1: mixed load


def run_client(base_url: str, key: str, seed: int, *, deadline: float, pool: list[str], tally: Tally) -> None:
    chooser = random.Random(seed)
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    seen: dict[str, str] = {}  # project id -> the ETag this client last saw
    client = Client(base_url, key)
    try:
        while time.monotonic() < deadline:
            kind = chooser.choices(kinds, weights)[0]
            project_id = chooser.choice(pool)
            started = time.perf_counter()
            try:
                if kind == "list":
                    answer = client.request("GET", "/projects?limit=20")
                elif kind == "get":
                    answer = client.request("GET", f"/projects/{project_id}")
                elif kind == "create":
                    body = {"title": f"load {seed}-{chooser.random():.6f}", "script": SCRIPT}
                    answer = client.request("POST", "/projects", body)
                else:
                    if_match = {"If-Match": seen[project_id]} if project_id in seen else {}
                    answer = client.request(
                        "PATCH", f"/projects/{project_id}", {"title": f"t{seed}"}, if_match
                    )
            except (OSError, http.client.HTTPException) as error:
                # Reset, refused, timed out: counted; the next request opens a new connection.
                tally.fail(error)
                client.connection.close()
                continue
            tally.add(kind, time.perf_counter() - started, answer.status)
            if kind == "create" and answer.status == 201:
                pool.append(answer.body["id"])  # list.append is atomic: other clients pick it up
            if "ETag" in answer.headers and isinstance(answer.body, dict) and "id" in answer.body:
                seen[answer.body["id"]] = answer.headers["ETag"]
    finally:
        client.close()


def mixed_load(base_url: str, key: str, seconds: float, clients: int) -> None:
    setup = Client(base_url, key)
    CountedConnection.opened = 0
    pool = [
        setup.request("POST", "/projects", {"title": f"seed {i}", "script": SCRIPT}).body["id"]
        for i in range(50)
    ]
    setup.close()
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=run_client,
            args=(base_url, key, seed),
            kwargs={"deadline": deadline, "pool": pool, "tally": tally},
            daemon=True,
        )
        for seed in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - started
    everything = [value for values in tally.latencies.values() for value in values]
    print(f"\n== mixed load: {clients} clients for {seconds:g} s on {base_url}")
    print(f"requests  {len(everything)} in {elapsed:.1f} s = {len(everything) / elapsed:.1f} requests/s")
    print(f"{'kind':<8}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for kind in [*(k for k, _ in MIX), "all"]:
        values = everything if kind == "all" else tally.latencies.get(kind, [])
        if values:
            print(
                f"{kind:<8}{len(values):>8}{percentile(values, 0.50) * 1000:>10.1f}"
                f"{percentile(values, 0.95) * 1000:>10.1f}{percentile(values, 0.99) * 1000:>10.1f}"
            )
    by_status = Counter[int]()
    for (_, status), count in tally.statuses.items():
        by_status[status] += count
    print(
        "answers by status: " + ", ".join(f"{status}: {count}" for status, count in sorted(by_status.items()))
    )
    errors = {
        f"{kind} {status}": count
        for (kind, status), count in sorted(tally.statuses.items())
        if status >= 400 and status not in EXPECTED_REFUSALS
    }
    refused = sum(count for (_, status), count in tally.statuses.items() if status in EXPECTED_REFUSALS)
    print(f"errors: {errors or 'none'}; stale If-Match (412, expected under concurrent PATCHes): {refused}")
    others = {
        name: n
        for name, n in tally.failures.items()
        if name not in {"ConnectionResetError", "RemoteDisconnected"}
    }
    print(
        f"connections: {CountedConnection.opened} opened by {clients} clients, {tally.resets} reset, "
        f"other connection errors: {others or 'none'}"
    )


# ------------------------------------------------------------------ part 2: pagination depth


class DynamoQueries:
    """Each DynamoDB Query this process makes (the local API runs in it): its duration and ScannedCount."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, int]] = []

    def install(self) -> None:
        from botocore.client import BaseClient

        original: Callable[..., Any] = BaseClient._make_api_call  # type: ignore[attr-defined]
        calls = self.calls

        def make_api_call(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
            if operation_name != "Query":
                return original(client, operation_name, api_params)
            began = time.perf_counter()
            result = original(client, operation_name, api_params)
            calls.append((time.perf_counter() - began, int(result.get("ScannedCount", 0))))
            return result

        BaseClient._make_api_call = make_api_call  # type: ignore[attr-defined]


def seed_projects(count: int) -> None:
    from videogen.config import get_config
    from videogen.dal import projects
    from videogen.dal.tables import bind_table
    from videogen.domain.enums import ProjectStatus
    from videogen.domain.models import Project
    from videogen.domain.settings import ProjectSettings

    bind_table(get_config().table_name, get_config().aws_region)  # as the API function does at start
    settings = ProjectSettings()
    first = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(count):
        created = first + timedelta(milliseconds=number)
        projects.put_new_project(
            Project(
                id=uuid.uuid4().hex,
                owner_id="bench",
                title=f"Project {number}",
                settings=settings,
                status=ProjectStatus.DRAFT,
                version=0,
                created_at=created,
                updated_at=created,
                script=SCRIPT,
                scene_count=2,
                scene_set="s",
            )
        )


def _page(client: Client, limit: int, cursor: str | None) -> Answer:
    query = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
    answer = client.request("GET", f"/projects?{urlencode(query)}")
    if answer.status != 200:
        raise SystemExit(f"GET /projects?{urlencode(query)}: {answer.status} {answer.body}")
    return answer


def pagination_depth(base_url: str, key: str, total: int, page_size: int, repeats: int) -> None:
    began = time.perf_counter()
    seed_projects(total)
    print(f"\n== list pagination: {total} projects of one owner, pages of {page_size}")
    print(f"seeded through the data layer in {time.perf_counter() - began:.1f} s")
    queries = DynamoQueries()
    queries.install()
    client = Client(base_url, key)
    # Walk every project once, following cursors with the largest page the API allows (fewer requests:
    # moto sorts the whole index for each). A cursor is a position, valid for any page size.
    from videogen.domain.limits import MAX_PAGE_SIZE

    stride = MAX_PAGE_SIZE
    cursors: dict[int, str | None] = {0: None}  # offset -> the cursor that starts there
    listed: list[str] = []
    began = time.perf_counter()
    while True:
        answer = _page(client, stride, cursors[len(listed)])
        listed.extend(item["id"] for item in answer.body["items"])
        if answer.body["next_cursor"] is None:
            break
        cursors[len(listed)] = answer.body["next_cursor"]
    print(
        f"followed {len(cursors)} cursors in {time.perf_counter() - began:.1f} s: {len(listed)} projects "
        f"listed, each exactly once: {len(listed) == len(set(listed)) == total}"
    )

    def cursor_at(offset: int) -> str | None:
        # From the walk's cursor just before, one more page of the missing length leads to `offset`.
        below = offset - offset % stride
        if offset == below:
            return cursors[below]
        return str(_page(client, offset - below, cursors[below]).body["next_cursor"])

    pages = -(-total // page_size)
    offsets = sorted({0, page_size, stride, total // 10, total // 2, 3 * total // 4, total - 5 * page_size})
    offsets = [o - o % page_size for o in offsets] + [(pages - 2) * page_size, (pages - 1) * page_size]
    print(
        f"{'page':>6}{'of':>5}{'median ms':>11}{'p95 ms':>8}{'in DynamoDB':>13}{'rest':>7}{'items read':>12}"
    )
    medians: dict[int, tuple[float, float]] = {}
    for offset in dict.fromkeys(offsets):
        cursor = cursor_at(offset)
        times: list[float] = []
        inside: list[float] = []
        reads: set[int] = set()
        for _ in range(repeats):
            before = len(queries.calls)
            began = time.perf_counter()
            _page(client, page_size, cursor)
            times.append(time.perf_counter() - began)
            made = queries.calls[before:]
            inside.append(sum(seconds for seconds, _ in made))
            reads.update(scanned for _, scanned in made)
        page = offset // page_size + 1
        rest = [t - i for t, i in zip(times, inside, strict=True)]
        medians[page] = (statistics.median(times), statistics.median(rest))
        print(
            f"{page:>6}{pages:>5}{medians[page][0] * 1000:>11.1f}{percentile(times, 0.95) * 1000:>8.1f}"
            f"{statistics.median(inside) * 1000:>13.1f}{medians[page][1] * 1000:>7.1f}"
            f"{'/'.join(map(str, sorted(reads))):>12}"
        )
    client.close()
    first = medians[1]
    for label, page in (("last", pages), ("last but one", pages - 1)):
        ratio = medians[page][0] / first[0], medians[page][1] / first[1]
        print(f"{label}/first page: {ratio[0]:.2f} end to end, {ratio[1]:.2f} outside DynamoDB")
    print(f"DynamoDB read at most {page_size + 1} items per page (limit + 1: is there a next page?)")


def bounded(kind: Callable[[str], Any], low: float, high: float) -> Callable[[str], Any]:
    """An argparse type: ``kind`` of the text, refused outside [low, high]."""

    def parse(text: str) -> Any:
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:g} to {high:g}")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds",
        type=bounded(float, 0, MAX_SECONDS),
        default=20,
        help="mixed load duration; 0 skips it (20)",
    )
    parser.add_argument(
        "--clients", type=bounded(int, 1, MAX_CLIENTS), default=64, help="concurrent clients (64)"
    )
    parser.add_argument(
        "--projects",
        type=bounded(int, 0, MAX_PROJECTS),
        default=10_000,
        help="to paginate over; 0 skips it (10000)",
    )
    parser.add_argument("--page-size", type=int, default=20, help="GET /projects?limit= (20)")
    parser.add_argument("--repeats", type=int, default=5, help="fetches of each measured page (5)")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.seconds > 0:
        with local_api() as (_, base_url, key):
            mixed_load(base_url, key, args.seconds, args.clients)
    if args.projects > 0:
        # A fresh cloud, so the pagination owner has exactly --projects projects.
        with local_api() as (_, base_url, key):
            pagination_depth(base_url, key, args.projects, args.page_size, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
