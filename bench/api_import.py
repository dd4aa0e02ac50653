"""Cold import time of the API function against a minimal Powertools resolver, each in a fresh process.

What is measured: the time of `import app` (functions/api/app.py) in a new Python process, the way the
Lambda runtime loads the handler module: PYTHONPATH is the shared layer then the function folder, and
the environment is a Lambda one with dummy values (TABLE_NAME, MEDIA_BUCKET, region, credentials,
LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_NAME). POWERTOOLS_TRACE_DISABLED is left unset and LAMBDA_TASK_ROOT
is set, so the Tracer is *enabled* as on Lambda: it imports the X-Ray SDK and patches botocore, pynamodb,
http.client... at import time, which is part of the real cold start. No X-Ray daemon is needed for that
(nothing is sent before a segment closes); the SDK only touches /tmp/.aws-xray/initialized, as on Lambda.

The baseline is a module with `APIGatewayRestResolver(enable_validation=True)` and one POST route with a
pydantic body, imported the same way, in the same environment, by the same interpreter, interleaved with
the API runs. Timings are perf_counter around the import inside the child (interpreter start-up excluded;
the whole process's wall time is shown beside it). The OS file cache is warm after a first discarded
run, so this is the CPU part of a cold start, not the download of the code.

Layouts:
  source (default)  layers/shared + functions/api, run by the dev venv's python with bytecode caches (a
                    caller's PYTHONDONTWRITEBYTECODE is dropped; the discarded first run fills __pycache__).
                    The venv holds more than the layer: the Tracer's patch_all also imports and patches
                    what it finds there (e.g. requests, which the layer does not ship).
  build             .aws-sam/build as deployed (run `make sam-build` first): a copy whose files all get
                    the 1980-01-01 mtime that `sam package` writes into its zips, run by the bare
                    interpreter (no venv, no user site) with -B, since /opt and /var/task are read-only on
                    Lambda. Exactly the layer's packages; timestamp-checked .pyc files count as stale, so
                    only the unchecked-hash bytecode `make sam-build` adds is used. Without it every cold
                    start compiles each imported module from source.

Then -X importtime runs of both modules name the heaviest imports, the third-party imports that videogen
code triggers (what could be made lazy) and the packages the API loads beyond the baseline. The output
asserts that PIL, ffmpeg, imageio_ffmpeg, stability_sdk and grpc are not in sys.modules after the import;
the exit status is 1 when one is, or when an import fails.

    .venv/bin/python bench/api_import.py [--runs 15] [--importtime-runs 5] [--layout source|build]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PIL", "ffmpeg", "imageio_ffmpeg", "stability_sdk", "grpc")
TARGET_RATIO = 1.3
FIRST_PARTY = ("app", "videogen")
# `sam package` zips with zipfile.ZipInfo's default date: every deployed file is from 1980-01-01.
SAM_ZIP_MTIME = time.mktime((1980, 1, 1, 0, 0, 0, 0, 1, -1))

BASELINE_MODULE = '''\
"""The smallest useful Powertools REST API: one validated route."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from pydantic import BaseModel, Field

app = APIGatewayRestResolver(enable_validation=True)


class CreateItem(BaseModel):
    name: str = Field(description="The item's name.", min_length=1, max_length=100)


@app.post("/items")
def create_item(body: CreateItem) -> dict:
    return {"name": body.name}


def lambda_handler(event, context):
    return app.resolve(event, context)
'''

# Runs in the child. Only `time` and `sys` (both already loaded by start-up) come before the import.
PROBE = """\
import sys
from time import perf_counter
marker, module = sys.argv[1], sys.argv[2]
sys.stderr.write(marker + "\\n")
sys.stderr.flush()
start = perf_counter()
__import__(module)
elapsed = perf_counter() - start
import importlib.util, json
roots = {name.partition(".")[0] for name in sys.modules}
forbidden = sys.argv[3].split(",")
print(json.dumps({
    "seconds": elapsed,
    "modules": len(sys.modules),
    "loaded": sorted(name for name in forbidden if name in roots),
    "installed": sorted(name for name in forbidden if importlib.util.find_spec(name) is not None),
    "tracer_enabled": any(name == "aws_xray_sdk" for name in roots),
}))
"""
MARKER = "--- videogen bench: import starts ---"
IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)$")


@dataclass(frozen=True)
class Subject:
    """One module to import, with the sys.path it is imported from."""

    label: str
    module: str
    pythonpath: tuple[Path, ...]
    task_root: Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    process_seconds: float
    result: dict


@dataclass(frozen=True)
class Imported:
    """One line of -X importtime: a module, its cost, and the module whose import triggered it."""

    name: str
    self_us: int
    cumulative_us: int
    depth: int
    parent: str | None


def lambda_environment(subject: Subject) -> dict[str, str]:
    """A Lambda-like environment with dummy values; nothing inherited that could change the result."""
    dropped = ("AWS_", "POWERTOOLS_", "PYTHON", "LAMBDA_", "_X_AMZN", "COVERAGE_", "VIDEOGEN_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(str(path) for path in subject.pythonpath),
            "LAMBDA_TASK_ROOT": str(subject.task_root),
            "AWS_LAMBDA_FUNCTION_NAME": "videogen-api-bench",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "AWS_LAMBDA_LOG_FORMAT": "JSON",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
            # What template.yaml gives the API function (prod values).
            "TABLE_NAME": "bench-table",
            "MEDIA_BUCKET": "bench-bucket",
            "ENVIRONMENT": "prod",
            "LOG_LEVEL": "INFO",
            "POWERTOOLS_SERVICE_NAME": "videogen-api",
            "POWERTOOLS_METRICS_NAMESPACE": "videogen",
            "POWERTOOLS_LOGGER_LOG_EVENT": "false",
        }
    )
    return env


def run_once(python: list[str], subject: Subject, *, importtime: bool = False) -> tuple[Sample, str]:
    """Import the subject's module in a fresh process; returns the sample and the child's stderr."""
    command = [*python, *(["-X", "importtime"] if importtime else []), "-c", PROBE]
    command += [MARKER, subject.module, ",".join(FORBIDDEN)]
    started = time.perf_counter()
    finished = subprocess.run(
        command,
        env=lambda_environment(subject),
        cwd=subject.task_root,
        capture_output=True,
        text=True,
        check=False,
    )
    process_seconds = time.perf_counter() - started
    if finished.returncode != 0:
        sys.stderr.write(finished.stderr[-4000:])
        raise SystemExit(f"importing {subject.module} ({subject.label}) failed")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    return Sample(result["seconds"], process_seconds, result), finished.stderr


def parse_importtime(stderr: str) -> list[Imported]:
    """The imports after the marker, each with the module that imported it."""
    lines = stderr.split(MARKER, 1)[-1].splitlines()
    rows = []
    for line in lines:
        found = IMPORTTIME_LINE.match(line)
        if found:
            self_us, cumulative_us, indent, name = found.groups()
            rows.append((name.strip(), int(self_us), int(cumulative_us), (len(indent) - 1) // 2))
    # A module is printed after its own imports, so read backwards: a parent comes before its children.
    parsed: list[Imported] = []
    stack: list[tuple[int, str]] = []
    for name, self_us, cumulative_us, depth in reversed(rows):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        parsed.append(Imported(name, self_us, cumulative_us, depth, parent))
        stack.append((depth, name))
    parsed.reverse()
    return parsed


def median_imports(runs: list[list[Imported]]) -> dict[str, Imported]:
    """Per module, the median self and cumulative time over several -X importtime runs."""
    by_name: dict[str, list[Imported]] = defaultdict(list)
    for run in runs:
        for row in run:
            by_name[row.name].append(row)
    return {
        name: Imported(
            name,
            int(statistics.median(row.self_us for row in rows)),
            int(statistics.median(row.cumulative_us for row in rows)),
            rows[0].depth,
            rows[0].parent,
        )
        for name, rows in by_name.items()
    }


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def is_first_party(name: str | None) -> bool:
    return name is not None and name.partition(".")[0] in FIRST_PARTY


def package_self_ms(imports: dict[str, Imported]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for row in imports.values():
        totals[row.name.partition(".")[0]] += row.self_us / 1000
    return totals


def prepare_subjects(layout: str, workdir: Path) -> tuple[Subject, Subject, list[str]]:
    """The API and the baseline subjects, and the interpreter command line, for one layout."""
    baseline_dir = workdir / "baseline"
    baseline_dir.mkdir()
    (baseline_dir / "baseline_app.py").write_text(BASELINE_MODULE, encoding="utf-8")
    if layout == "source":
        layer, function = ROOT / "layers" / "shared", ROOT / "functions" / "api"
        python = [sys.executable]
    else:
        build = ROOT / ".aws-sam" / "build"
        if not (build / "SharedLayer" / "python").is_dir() or not (build / "ApiFunction").is_dir():
            raise SystemExit("no .aws-sam/build with SharedLayer and ApiFunction: run `make sam-build` first")
        layer = workdir / "opt" / "python"
        function = workdir / "task"
        shutil.copytree(build / "SharedLayer" / "python", layer)
        shutil.copytree(build / "ApiFunction", function)
        for folder in (layer, function):
            for path in folder.rglob("*"):
                os.utime(path, (SAM_ZIP_MTIME, SAM_ZIP_MTIME), follow_symlinks=False)
        # The bare interpreter: no venv site-packages, no user site; -B writes no bytecode, as on Lambda.
        python = [getattr(sys, "_base_executable", sys.executable), "-s", "-B"]
    api = Subject("API (functions/api/app.py)", "app", (layer, function), function)
    baseline = Subject("baseline (resolver + 1 route)", "baseline_app", (baseline_dir, layer), baseline_dir)
    return api, baseline, python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed imports per module (default 15)")
    parser.add_argument("--importtime-runs", type=int, default=5, help="-X importtime runs per module")
    parser.add_argument("--layout", choices=("source", "build"), default="source")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="videogen-bench-") as tmp:
        api, baseline, python = prepare_subjects(args.layout, Path(tmp))
        version = subprocess.run(
            [*python, "-c", "import sys; print(sys.version.split()[0])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"interpreter: {python[0]} (Python {version}); layout: {args.layout}; runs: {args.runs}")

        for subject in (api, baseline):  # warm the OS file cache; not counted
            run_once(python, subject)
        samples: dict[str, list[Sample]] = {api.label: [], baseline.label: []}
        for index in range(args.runs):
            order = (api, baseline) if index % 2 == 0 else (baseline, api)
            for subject in order:
                samples[subject.label].append(run_once(python, subject)[0])
        traces = {
            subject.label: [
                parse_importtime(run_once(python, subject, importtime=True)[1])
                for _ in range(args.importtime_runs)
            ]
            for subject in (api, baseline)
        }

    print()
    print(f"{'cold import (fresh process each)':34} {'median':>9} {'p90':>9} {'process':>9} {'modules':>8}")
    medians = {}
    for label, runs in samples.items():
        seconds = [sample.seconds * 1000 for sample in runs]
        process = [sample.process_seconds * 1000 for sample in runs]
        medians[label] = statistics.median(seconds)
        print(
            f"{label:34} {medians[label]:7.1f}ms {p90(seconds):7.1f}ms "
            f"{statistics.median(process):7.1f}ms {runs[0].result['modules']:8d}"
        )
    ratio = medians[api.label] / medians[baseline.label]
    verdict = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    print(f"ratio API / baseline (medians): {ratio:.2f}  (target <= {TARGET_RATIO}: {verdict})")
    print("  'process' = whole child process wall time, interpreter start-up included (median)")
    tracer = samples[api.label][0].result["tracer_enabled"]
    print(f"  Tracer in the API process: {'enabled (X-Ray SDK loaded)' if tracer else 'disabled'}")

    api_result = samples[api.label][0].result
    loaded = sorted({name for sample in samples[api.label] for name in sample.result["loaded"]})
    print()
    for name in FORBIDDEN:
        state = "LOADED" if name in loaded else "not loaded"
        installed = "installed" if name in api_result["installed"] else "not installed (check is vacuous)"
        print(f"  {name:16} {state:11} {installed}")
    if loaded:
        print(f"ASSERT FAILED: the API module imports {', '.join(loaded)}")
    else:
        print(f"ASSERT OK: none of {', '.join(FORBIDDEN)} in sys.modules after importing the API module")

    api_imports = median_imports(traces[api.label])
    base_imports = median_imports(traces[baseline.label])
    print()
    print(f"Top 10 heaviest imports of the API module (-X importtime, median of {args.importtime_runs}):")
    print(f"  {'cumulative':>10} {'self':>8}  module  <- imported by")
    heaviest = sorted(
        (row for row in api_imports.values() if row.name != api.module),
        key=lambda row: row.cumulative_us,
        reverse=True,
    )
    for row in heaviest[:10]:
        print(
            f"  {row.cumulative_us / 1000:8.1f}ms {row.self_us / 1000:6.1f}ms  "
            f"{'  ' * row.depth}{row.name}  <- {row.parent or '-'}"
        )

    print()
    print("Top 10 third-party imports made by videogen code (candidates to make lazy):")
    entries = sorted(
        (
            row
            for row in api_imports.values()
            if is_first_party(row.parent) and not is_first_party(row.name) and row.name != api.module
        ),
        key=lambda row: row.cumulative_us,
        reverse=True,
    )
    for row in entries[:10]:
        print(f"  {row.cumulative_us / 1000:8.1f}ms  {row.name}  <- {row.parent}")

    print()
    print("Top 10 packages the API loads beyond the baseline (self time summed per top-level package):")
    api_packages, base_packages = package_self_ms(api_imports), package_self_ms(base_imports)
    extra = sorted(
        ((name, ms - base_packages.get(name, 0.0)) for name, ms in api_packages.items()),
        key=lambda item: item[1],
        reverse=True,
    )
    for name, ms in extra[:10]:
        note = "" if name in base_packages else "  (not in the baseline at all)"
        print(f"  {ms:8.1f}ms  {name}{note}")
    total_extra = sum(api_packages.values()) - sum(base_packages.values())
    print(f"  total self time over the baseline: {total_extra:.1f}ms (-X importtime inflates times)")
    return 1 if loaded else 0


if __name__ == "__main__":
    raise SystemExit(main())
