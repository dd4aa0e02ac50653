"""Built functions run the way Lambda runs them: one worker process per warm container.

``--from-build`` runs each function from its ``sam build`` folder (``.aws-sam/build/<LogicalId>/``), in a
fresh ``python3.13 -I -S`` (no site-packages) whose ``sys.path`` is only the function's code folder and
its layers' ``python/`` folders, with exactly the environment template.yaml gives it plus what Lambda
sets. So a dependency that only the development venv provides fails here as it would deployed.

A worker is a warm container: it is reused across invokes, and more are started under concurrency, up to
a cap per function. A worker that exceeds the function's ``Timeout`` or ``MemorySize``, or dies, is killed
(with everything it started) and the caller gets the error Lambda reports; the next invoke gets a fresh
worker.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from videogen_local import lambda_bootstrap

#: Warm containers one function may have at once (Lambda scales much further; two cores do not).
DEFAULT_WORKERS_PER_FUNCTION = 4
#: How often a busy worker's memory is measured.
_MEMORY_POLL_SECONDS = 0.2
#: Lines of a worker's output kept to explain a crash.
_TAIL_LINES = 40
#: Where Lambda mounts layers; a template value under it names a file of one of the function's layers.
LAYER_MOUNT = "/opt"
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class FunctionError(Exception):
    """An invoke that failed, in Lambda's words: ``errorType`` and ``errorMessage``."""

    error_type: str
    message: str

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}"

    def payload(self) -> dict[str, str]:
        return {"errorType": self.error_type, "errorMessage": self.message}


@dataclass(frozen=True)
class BuiltFunction:
    """One function of the build, and everything Lambda would give it."""

    logical_id: str
    name: str
    arn: str
    code_dir: Path
    layer_dirs: tuple[Path, ...]
    handler: str
    timeout: int
    memory: int
    environment: Mapping[str, str]

    @property
    def python_path(self) -> list[str]:
        """The function's code folder, then each layer's ``python/`` folder, in template order."""
        layers = [layer / "python" for layer in self.layer_dirs]
        return [str(self.code_dir), *(str(path) for path in layers if path.is_dir())]

    @property
    def bin_path(self) -> list[str]:
        return [str(layer / "bin") for layer in self.layer_dirs if (layer / "bin").is_dir()]

    def host_path(self, value: str) -> str:
        """A template value that names a file under /opt, mapped to the layer folder that holds it."""
        if not value.startswith(LAYER_MOUNT + "/"):
            return value
        relative = value[len(LAYER_MOUNT) + 1 :]
        # Later layers overwrite earlier ones in /opt.
        for layer in reversed(self.layer_dirs):
            if (layer / relative).exists():
                return str(layer / relative)
        return value

    def process_environment(self, extra: Mapping[str, str], tmp_dir: Path) -> dict[str, str]:
        """Exactly the template's variables (with /opt paths mapped), plus Lambda's own, plus ``extra``."""
        env = {name: self.host_path(value) for name, value in self.environment.items()}
        region = extra.get("AWS_REGION", "us-east-1")
        env.update(
            {
                # What the Lambda service itself sets in every python3.13 container.
                "AWS_LAMBDA_FUNCTION_NAME": self.name,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory),
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name}",
                "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{uuid.uuid4().hex}",
                "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
                "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
                "AWS_REGION": region,
                "AWS_DEFAULT_REGION": region,
                "LAMBDA_TASK_ROOT": str(self.code_dir),
                "LAMBDA_RUNTIME_DIR": str(Path(lambda_bootstrap.__file__).parent),
                "_HANDLER": self.handler,
                "TZ": ":UTC",
                "LANG": "en_US.UTF-8",
                "PATH": os.pathsep.join([*self.bin_path, "/usr/local/bin", "/usr/bin", "/bin"]),
                # Lambda's /tmp is private to the container; the functions write to tempfile.gettempdir().
                "TMPDIR": str(tmp_dir),
                "HOME": str(tmp_dir),
                # What `sam local` sets: Powertools then skips X-Ray, which has no daemon here.
                "AWS_SAM_LOCAL": "true",
                "VIDEOGEN_LOCAL_FUNCTION_ARN": self.arn,
            }
        )
        env.update(extra)
        return env


def signal_description(returncode: int) -> str:
    """How Lambda words a runtime's exit: "signal: segmentation fault", "exit status 3"."""
    if returncode < 0:
        try:
            name = signal.strsignal(-returncode) or f"signal {-returncode}"
        except ValueError:
            name = f"signal {-returncode}"
        return f"signal: {name.lower()}"
    return f"exit status {returncode}"


@dataclass
class Worker:
    """One warm container: a process running lambda_bootstrap for one function."""

    function: BuiltFunction
    process: subprocess.Popen[bytes]
    requests: int
    answers: int
    tmp_dir: Path
    log: TextIO | None
    tail: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=_TAIL_LINES))
    #: The pool's environment generation the worker was started with (see FunctionPool).
    generation: int = 0
    _reader: threading.Thread | None = None
    _killed: bool = False

    @classmethod
    def start(
        cls, function: BuiltFunction, python: str, extra_env: Mapping[str, str], log: TextIO | None
    ) -> Worker:
        tmp_dir = Path(tempfile.mkdtemp(prefix=f"videogen-{function.logical_id}-"))
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        spec = {"request_fd": request_read, "answer_fd": answer_write, "python_path": function.python_path}
        try:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and bootstrap, no shell
                [python, "-I", "-S", lambda_bootstrap.__file__, json.dumps(spec)],
                cwd=function.code_dir,
                env=function.process_environment(extra_env, tmp_dir),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(request_read, answer_write),
                # Its own process group: a timeout kills the worker and whatever it started (ffmpeg).
                start_new_session=True,
            )
        finally:
            os.close(request_read)
            os.close(answer_write)
        worker = cls(function, process, request_write, answer_read, tmp_dir, log)
        worker._reader = threading.Thread(
            target=worker._read_output, name=f"worker-log-{function.logical_id}", daemon=True
        )
        worker._reader.start()
        return worker

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        prefix = f"[{self.function.logical_id} {self.process.pid}] "
        for raw in self.process.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            self.tail.append(line)
            if self.log is not None:
                with contextlib.suppress(ValueError, OSError):
                    self.log.write(prefix + line + "\n")
                    self.log.flush()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def invoke(self, event: Any, request_id: str) -> Any:
        """Run one invoke; the handler's result, or FunctionError as Lambda would report it."""
        timeout = float(self.function.timeout)
        deadline = time.monotonic() + timeout
        deadline_ms = int((time.time() + timeout) * 1000)
        try:
            lambda_bootstrap.write_frame(
                self.requests, {"request_id": request_id, "event": event, "deadline_ms": deadline_ms}
            )
        except OSError:
            return self._crashed(request_id)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise FunctionError(
                    "Sandbox.Timedout",
                    f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
                )
            try:
                ready, _, _ = select.select([self.answers], [], [], min(remaining, _MEMORY_POLL_SECONDS))
                answer = lambda_bootstrap.read_frame(self.answers) if ready else None
            except (OSError, ValueError):
                # The pool was closed under this invoke (its pipes with it): the worker was killed.
                return self._crashed(request_id)
            if ready:
                if answer is None:
                    return self._crashed(request_id)
                if answer["ok"]:
                    return answer["result"]
                error = answer["error"]
                if str(error["errorType"]).startswith("Runtime."):
                    # An init failure ends the container; Lambda starts a new one on the next invoke.
                    self.kill()
                raise FunctionError(str(error["errorType"]), str(error["errorMessage"]))
            if self.memory_used() > self.function.memory * 2**20:
                self.kill()
                raise FunctionError(
                    "Runtime.OutOfMemory",
                    f"RequestId: {request_id} Error: Runtime exited with error: signal: killed "
                    f"(more than the function's MemorySize of {self.function.memory} MB)",
                )

    def _crashed(self, request_id: str) -> Any:
        returncode = self.process.wait(timeout=10)
        self.kill()
        tail = "\n".join(list(self.tail)[-5:])
        raise FunctionError(
            "Runtime.ExitError",
            f"RequestId: {request_id} Error: Runtime exited with error: {signal_description(returncode)}"
            + (f"\n{tail}" if tail else ""),
        )

    def memory_used(self) -> int:
        """Resident bytes of the worker and every process it started (what Lambda's limit counts)."""
        return sum(_resident_bytes(pid) for pid in _process_tree(self.process.pid))

    def kill(self) -> None:
        """End the worker and everything it started; remove its private /tmp. Once: after that its
        process group id may belong to another process."""
        if self._killed:
            return
        self._killed = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        for fd in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.requests = self.answers = -1
        if self._reader is not None:
            self._reader.join(timeout=5)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)


def _process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc (Linux)."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                pending.extend(int(child) for child in (task / "children").read_text().split())
    return found


def _resident_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


class FunctionPool:
    """The warm containers of one function: reused, started on demand up to ``limit``."""

    def __init__(
        self,
        function: BuiltFunction,
        python: str,
        extra_env: Mapping[str, str],
        *,
        limit: int = DEFAULT_WORKERS_PER_FUNCTION,
        log: TextIO | None = None,
    ) -> None:
        self.function = function
        self.python = python
        self.extra_env = dict(extra_env)
        self.limit = limit
        self.log = log
        self._idle: list[Worker] = []
        self._starting = 0
        self._workers: dict[int, Worker] = {}
        self._available = threading.Condition()
        self._closed = False
        #: Bumped when the environment changes: a worker of an older generation is not reused.
        self._generation = 0
        self.started = 0  # workers ever started: a crash or timeout costs a new one

    def invoke(self, event: Any, request_id: str | None = None) -> Any:
        """Run the function on ``event`` in a warm worker (or a new one)."""
        worker = self._acquire()
        try:
            return worker.invoke(event, request_id or str(uuid.uuid4()))
        finally:
            self._release(worker)

    def _acquire(self) -> Worker:
        with self._available:
            while True:
                if self._closed:
                    raise FunctionError("Runtime.Unavailable", "the local cloud is stopping")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive and worker.generation == self._generation:
                        return worker
                    self._forget(worker)
                if len(self._workers) + self._starting < self.limit:
                    break
                self._available.wait()
            # The slot is taken before the slow start, which runs outside the lock.
            self._starting += 1
            generation, extra_env = self._generation, self.extra_env
        try:
            worker = Worker.start(self.function, self.python, extra_env, self.log)
            worker.generation = generation
        finally:
            with self._available:
                self._starting -= 1
                self._available.notify()
        with self._available:
            if self._closed:
                worker.kill()
                raise FunctionError("Runtime.Unavailable", "the local cloud is stopping")
            self._workers[id(worker)] = worker
            self.started += 1
        return worker

    def set_extra_environment(self, extra_env: Mapping[str, str]) -> None:
        """Workers started from now on get ``extra_env``; none started with the old one is reused (idle
        ones end at once, busy ones when their invoke returns)."""
        with self._available:
            self.extra_env = dict(extra_env)
            self._generation += 1
            idle, self._idle = self._idle, []
            for worker in idle:
                self._forget(worker)

    def _release(self, worker: Worker) -> None:
        with self._available:
            if worker.alive and not self._closed and worker.generation == self._generation:
                self._idle.append(worker)
            else:
                self._forget(worker)
            self._available.notify()

    def _forget(self, worker: Worker) -> None:
        self._workers.pop(id(worker), None)
        worker.kill()

    def close(self) -> None:
        """Kill every worker (a busy one too: its invoke then fails)."""
        with self._available:
            self._closed = True
            workers = list(self._workers.values())
            self._workers.clear()
            self._idle.clear()
            self._available.notify_all()
        for worker in workers:
            worker.kill()

    @property
    def worker_count(self) -> int:
        with self._available:
            return len(self._workers)

    def pids(self) -> list[int]:
        with self._available:
            return [worker.process.pid for worker in self._workers.values()]


def lambda_python() -> str:
    """The interpreter workers run: this one's base Python 3.13 (a venv's python would do the same with
    -I -S; the base one says plainly that no venv is involved)."""
    if sys.version_info[:2] != (3, 13):
        raise RuntimeError("--from-build needs Python 3.13, the functions' runtime.")
    return str(getattr(sys, "_base_executable", None) or sys.executable)
