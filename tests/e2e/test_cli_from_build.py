"""`videogen render|serve|watch --from-build` as a person runs them: a clear message without a build, and
no worker left behind when the command stops."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.build import required_build
from tests.support.paths import ROOT
from tests.support.waiting import wait_until

VIDEOGEN = str(Path(sys.executable).with_name("videogen"))


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    pending = [pid]
    while pending:
        current = pending.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found.update(children)
            pending.extend(children)
    return found


def alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "zombie" not in status.read_text().lower()
    except OSError:
        return False


@pytest.mark.parametrize(
    "command", [["render", "examples/lighthouse.md"], ["serve", "--port", "0"], ["watch"]]
)
def test_from_build_without_a_build_says_to_run_make_sam_build(tmp_path: Path, command: list[str]) -> None:
    env = {**os.environ, "VIDEOGEN_HOME": str(tmp_path)}
    completed = subprocess.run(  # noqa: S603
        [VIDEOGEN, *command, "--from-build", str(tmp_path / "nothing")],
        cwd=ROOT if command[0] == "render" else tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )

    assert completed.returncode == 2
    said = completed.stderr + completed.stdout
    assert f"No build at {tmp_path / 'nothing'}: run `make sam-build` first" in said
    assert "Traceback" not in said


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ctrl_c_on_serve_from_build_ends_every_worker(tmp_path: Path) -> None:
    build = required_build()
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [VIDEOGEN, "serve", "--port", str(port), "--from-build", str(build)],
        cwd=tmp_path,
        env={**os.environ, "VIDEOGEN_HOME": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Given the server answering through a built ApiFunction worker
        def answered() -> dict[str, Any] | None:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=10) as response:
                    return dict(json.loads(response.read()))
            except OSError:
                return None

        health = wait_until(answered, 60, 0.2, "the server to answer")
        assert health["status"] == "ok"
        workers = descendants(process.pid)
        assert workers, "no worker process was started"

        # When the user presses Ctrl-C
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # Then the command has ended, and every worker with it
    assert process.returncode == 0
    output = process.stdout.read() if process.stdout else ""
    assert "Stopped." in output
    assert f"Functions run from {build}" in output
    wait_until(lambda: not any(alive(pid) for pid in workers), 10, 0.1, "the workers to end")
    assert not [pid for pid in workers if alive(pid)]
