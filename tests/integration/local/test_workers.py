"""Built functions run in worker processes the way Lambda runs them: isolated, reused, and killed and
reported as Lambda reports it when they crash, time out or use too much memory."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.waiting import wait_until
from videogen_local.build import BuildError, check_build
from videogen_local.template import Template
from videogen_local.workers import (
    BuiltFunction,
    FunctionError,
    FunctionPool,
    lambda_python,
    signal_description,
)

HANDLERS = textwrap.dedent(
    """
    import ctypes
    import json
    import os
    import sys
    import tempfile
    import time

    CONTAINER = os.getpid()

    def echo(event, context):
        return {
            "event": event,
            "pid": CONTAINER,
            "request_id": context.aws_request_id,
            "remaining_ms": context.get_remaining_time_in_millis(),
            "function_name": context.function_name,
            "memory": context.memory_limit_in_mb,
        }

    def environment(event, context):
        probe = os.path.join(tempfile.gettempdir(), "probe")
        with open(probe, "w") as handle:
            handle.write("x")
        return {"env": dict(os.environ), "path": sys.path, "tmp": tempfile.gettempdir(),
                "no_site": "site" not in sys.modules, "flags": [sys.flags.isolated, sys.flags.no_site],
                "layer_module": __import__("layered").WHERE}

    def fail(event, context):
        raise ValueError("the event is wrong")

    def segfault(event, context):
        ctypes.string_at(0)

    def exit_now(event, context):
        os._exit(3)

    def sleep(event, context):
        if "started" in event:
            open(event["started"], "w").close()
        time.sleep(event.get("seconds", 30))
        return "woke"

    def hog(event, context):
        block = bytearray(300 * 2**20)
        for offset in range(0, len(block), 4096):
            block[offset] = 1
        time.sleep(5)
        return len(block)

    def not_json(event, context):
        return {1, 2}
    """
)


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A miniature sam build: one function folder and two layers (python/ and bin/)."""
    code = tmp_path / "build" / "Fn"
    code.mkdir(parents=True)
    (code / "app.py").write_text(HANDLERS, encoding="utf-8")
    (code / "broken.py").write_text("import PIL  # not shipped\n", encoding="utf-8")
    first = tmp_path / "build" / "FirstLayer"
    (first / "python").mkdir(parents=True)
    (first / "python" / "layered.py").write_text("WHERE = 'first'\n", encoding="utf-8")
    second = tmp_path / "build" / "ToolLayer"
    (second / "bin").mkdir(parents=True)
    tool = second / "bin" / "tool"
    tool.write_text("#!/bin/sh\necho tool\n", encoding="utf-8")
    tool.chmod(0o755)
    return tmp_path / "build"


def function(build: Path, handler: str, *, timeout: int = 10, memory: int = 256) -> BuiltFunction:
    return BuiltFunction(
        logical_id="Fn",
        name="stack-Fn",
        arn="arn:aws:lambda:us-east-1:123456789012:function:stack-Fn",
        code_dir=build / "Fn",
        layer_dirs=(build / "FirstLayer", build / "ToolLayer"),
        handler=handler,
        timeout=timeout,
        memory=memory,
        environment={"TABLE_NAME": "table", "TOOL_BINARY": "/opt/bin/tool"},
    )


@pytest.fixture
def pools() -> Iterator[list[FunctionPool]]:
    started: list[FunctionPool] = []
    yield started
    for pool in started:
        pool.close()


def pool_for(pools: list[FunctionPool], fn: BuiltFunction, limit: int = 2) -> FunctionPool:
    pool = FunctionPool(fn, lambda_python(), {"AWS_REGION": "eu-west-1"}, limit=limit)
    pools.append(pool)
    return pool


def test_worker_answers_and_is_reused_like_a_warm_container(build: Path, pools: list[FunctionPool]) -> None:
    pool = pool_for(pools, function(build, "app.echo"))

    first = pool.invoke({"n": 1}, "req-1")
    second = pool.invoke({"n": 2}, "req-2")

    assert first["event"] == {"n": 1}
    assert first["request_id"] == "req-1"
    assert first["function_name"] == "stack-Fn"
    assert first["memory"] == 256
    assert 0 < first["remaining_ms"] <= 10_000
    assert second["pid"] == first["pid"]
    assert pool.started == 1


def test_worker_sees_only_its_code_layers_and_template_environment(
    build: Path, pools: list[FunctionPool]
) -> None:
    pool = pool_for(pools, function(build, "app.environment"))

    seen = pool.invoke({})

    # -I -S: no site-packages, no user site, no PYTHONPATH; the code folder first, then the layers.
    assert seen["flags"] == [1, 1]
    assert seen["path"][:2] == [str(build / "Fn"), str(build / "FirstLayer" / "python")]
    assert not any("site-packages" in entry for entry in seen["path"])
    assert seen["layer_module"] == "first"
    env = seen["env"]
    assert env["TABLE_NAME"] == "table"
    assert env["TOOL_BINARY"] == str(build / "ToolLayer" / "bin" / "tool")  # /opt mapped to the layer
    assert env["PATH"].split(os.pathsep)[0] == str(build / "ToolLayer" / "bin")
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "stack-Fn"
    assert env["AWS_REGION"] == "eu-west-1"
    assert env["_HANDLER"] == "app.environment"
    assert env["LAMBDA_TASK_ROOT"] == str(build / "Fn")
    assert "VIRTUAL_ENV" not in env
    assert "PYTHONPATH" not in env
    # A private /tmp, removed with the worker.
    tmp = Path(seen["tmp"])
    assert (tmp / "probe").is_file()
    pool.close()
    assert not tmp.exists()


def test_handler_exception_gets_the_shape_step_functions_catches(
    build: Path, pools: list[FunctionPool]
) -> None:
    pool = pool_for(pools, function(build, "app.fail"))

    with pytest.raises(FunctionError) as caught:
        pool.invoke({})

    assert caught.value.payload() == {"errorType": "ValueError", "errorMessage": "the event is wrong"}
    # An exception does not end the container.
    with pytest.raises(FunctionError):
        pool.invoke({})
    assert pool.started == 1


@pytest.mark.parametrize(
    ("handler", "says"),
    [("app.segfault", "signal: segmentation fault"), ("app.exit_now", "exit status 3")],
)
def test_crashed_worker_is_reported_as_lambda_does_and_replaced(
    build: Path, pools: list[FunctionPool], handler: str, says: str
) -> None:
    pool = pool_for(pools, function(build, handler))

    with pytest.raises(FunctionError) as caught:
        pool.invoke({}, "req-crash")

    assert caught.value.error_type == "Runtime.ExitError"
    assert f"RequestId: req-crash Error: Runtime exited with error: {says}" in caught.value.message
    assert pool.worker_count == 0
    with pytest.raises(FunctionError):
        pool.invoke({})
    assert pool.started == 2  # the next invoke got a fresh container


def test_timeout_kills_the_worker_and_reports_sandbox_timedout(
    build: Path, pools: list[FunctionPool]
) -> None:
    pool = pool_for(pools, function(build, "app.sleep", timeout=1))
    started = time.monotonic()

    with pytest.raises(FunctionError) as caught:
        pool.invoke({"seconds": 30}, "req-slow")

    assert time.monotonic() - started < 10
    assert caught.value.error_type == "Sandbox.Timedout"
    assert caught.value.message == "RequestId: req-slow Error: Task timed out after 1.00 seconds"
    assert pool.worker_count == 0
    assert pool.invoke({"seconds": 0}) == "woke"  # a fresh worker


def test_memory_beyond_memory_size_is_out_of_memory(build: Path, pools: list[FunctionPool]) -> None:
    pool = pool_for(pools, function(build, "app.hog", memory=128))

    with pytest.raises(FunctionError) as caught:
        pool.invoke({})

    assert caught.value.error_type == "Runtime.OutOfMemory"
    assert pool.worker_count == 0


def test_import_failure_is_runtime_import_module_error(build: Path, pools: list[FunctionPool]) -> None:
    pool = pool_for(pools, function(build, "broken.handler"))

    with pytest.raises(FunctionError) as caught:
        pool.invoke({})

    assert caught.value.error_type == "Runtime.ImportModuleError"
    assert "Unable to import module 'broken': No module named 'PIL'" in caught.value.message


def test_unserializable_result_is_a_marshal_error(build: Path, pools: list[FunctionPool]) -> None:
    pool = pool_for(pools, function(build, "app.not_json"))

    with pytest.raises(FunctionError) as caught:
        pool.invoke({})

    assert caught.value.error_type == "Runtime.MarshalError"


def test_concurrent_invokes_start_more_workers_up_to_the_limit(
    build: Path, pools: list[FunctionPool]
) -> None:
    pool = pool_for(pools, function(build, "app.echo"), limit=2)
    results: list[int] = []

    def call() -> None:
        results.append(pool.invoke({})["pid"])

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 6
    assert 1 <= len(set(results)) <= 2
    assert pool.started <= 2


def test_close_ends_every_worker(build: Path, pools: list[FunctionPool]) -> None:
    pool = pool_for(pools, function(build, "app.sleep"), limit=2)
    failures: list[FunctionError] = []

    def call() -> None:
        try:
            pool.invoke({"seconds": 30})
        except FunctionError as exc:
            failures.append(exc)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    wait_until(lambda: pool.worker_count >= 2, 20, what="a second worker")
    pids = pool.pids()

    pool.close()
    for thread in threads:
        thread.join(timeout=20)

    assert len(pids) == 2
    assert len(failures) == 2
    for pid in pids:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )


def test_missing_or_stale_build_says_to_run_make_sam_build(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Fn: {Type: AWS::Serverless::Function}\n"
        "  Other: {Type: AWS::Serverless::LayerVersion}\n",
        encoding="utf-8",
    )
    template = Template.load(tmp_path / "template.yaml")
    build_dir = tmp_path / ".aws-sam" / "build"

    with pytest.raises(BuildError, match="run `make sam-build` first"):
        check_build(template, build_dir)

    (build_dir / "Fn").mkdir(parents=True)
    (build_dir / "template.yaml").write_text("{}", encoding="utf-8")
    with pytest.raises(BuildError, match="lacks Other"):
        check_build(template, build_dir)
    (build_dir / "Other").mkdir()
    check_build(template, build_dir)

    (tmp_path / "functions").mkdir()
    source = tmp_path / "functions" / "app.py"
    source.write_text("x = 1\n", encoding="utf-8")
    future = time.time() + 60
    os.utime(source, (future, future))
    with pytest.raises(BuildError, match=r"older than functions/app.py: run `make sam-build` again"):
        check_build(template, build_dir)


def test_signal_description_reads_like_lambda() -> None:
    assert signal_description(-11) == "signal: segmentation fault"
    assert signal_description(-9) == "signal: killed"
    assert signal_description(1) == "exit status 1"


def test_bootstrap_imports_nothing_but_the_standard_library() -> None:
    # The bootstrap runs before sys.path holds anything else: a videogen import there would hide a
    # missing dependency of the function, exactly what --from-build is for.
    source = Path(sys.modules[FunctionPool.__module__].__file__ or "").with_name("lambda_bootstrap.py")
    imported = [
        line.split()[1]
        for line in source.read_text(encoding="utf-8").splitlines()
        if line.startswith(("import ", "from "))
    ]
    assert imported
    assert all(name.split(".")[0] in sys.stdlib_module_names | {"__future__"} for name in imported), imported


def test_a_worker_busy_while_the_environment_changes_is_not_reused(
    build: Path, pools: list[FunctionPool], tmp_path: Path
) -> None:
    pool = pool_for(pools, function(build, "app.environment"), limit=1)
    first = pool.invoke({})

    # Given an invoke in flight (run in a thread) when the pool's environment changes
    slow = pool_for(pools, function(build, "app.sleep"), limit=1)
    slow.invoke({"seconds": 0})
    (busy_pid,) = slow.pids()
    started = tmp_path / "started"
    thread = threading.Thread(target=slow.invoke, args=({"seconds": 1, "started": str(started)},))
    thread.start()
    wait_until(started.exists, timeout=20, what="the invoke to be in flight")
    slow.set_extra_environment({"AWS_REGION": "eu-central-1"})
    pool.set_extra_environment({"AWS_REGION": "eu-central-1"})
    thread.join(timeout=30)

    # Then the busy worker ends when its invoke returns, and the next invoke sees the new environment
    assert busy_pid not in slow.pids()
    assert slow.invoke({"seconds": 0}) == "woke"
    assert slow.started == 2
    second = pool.invoke({})
    assert second["env"]["AWS_REGION"] == "eu-central-1"
    assert first["env"]["AWS_REGION"] == "eu-west-1"
