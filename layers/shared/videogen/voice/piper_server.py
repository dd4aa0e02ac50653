"""One Piper process per voice, loaded once, forking a child to speak each narration.

Piper's command line costs ~0.45 s of CPU before it speaks a word: Python starts, onnxruntime is imported
(0.25 s) and the voice model is loaded (0.2 s). A render speaks one narration per scene, so a 10-scene
video spent ~4.5 s of its CPU on that, more than on the speech itself. Here one process per voice does that
work once and then forks: each child runs Piper's command line (``python -m piper``, as before; videogen
still never imports piper) on one narration, with the model already loaded.

The forked children also make the audio reproducible whatever the order of the narrations. Piper's model
draws noise from a generator that onnxruntime seeds when the model is loaded; every child starts from the
same, untouched generator, so the same lines in the same voice are the same audio, whether they are the
first narration this process speaks or the tenth. (One long-lived process speaking one narration after
another would instead make each narration's noise depend on what was spoken before it.)

The server speaks JSON lines: ``{"id", "text", "out_dir"}`` asks for a narration (the server answers
``{"id", "status", "log"}`` when its child exits) and ``{"kill": id}`` stops one that ran out of time. When
this process goes away the server reads end-of-file, kills the children it still has, and exits.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from videogen.processes import stderr_tail

logger = logging.getLogger(__name__)


class SpeakerFailed(Exception):
    """The server did not start or stopped; ``code`` is its exit code when it exited on its own."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class SpeakerTimedOut(Exception):
    """The server or a narration's child did not finish in time (a child is killed)."""


@dataclass(frozen=True, slots=True)
class SpeakerKey:
    """What one server is for: the interpreter, the voice model, its seed and the module path."""

    python: str
    model: str
    seed: int
    pythonpath: str


class PiperServer:
    """One running Piper server for one voice. Thread-safe: narrations may be asked for at once."""

    def __init__(self, key: SpeakerKey, env: Mapping[str, str], timeout: float) -> None:
        """Start the server and wait until its model is loaded.

        Raises:
            OSError: the interpreter could not be started.
            SpeakerFailed: the server exited before it was ready (``code`` set).
            SpeakerTimedOut: it was not ready within ``timeout`` seconds (it is stopped).
        """
        self.key = key
        self._lock = threading.Lock()
        self._waiting: dict[int, Future[dict[str, Any]]] = {}
        self._next_id = 0
        self._stopped: str | None = None
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        self._process = subprocess.Popen(  # noqa: S603 - an argument list, no shell
            [key.python, "-c", SERVER_SOURCE, str(key.seed), key.model],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=dict(env),
            start_new_session=True,
        )  # fmt: skip
        self._ready: Future[dict[str, Any]] = Future()
        self._reader = threading.Thread(
            target=self._read, name=f"piper-server-{self._process.pid}", daemon=True
        )
        self._reader.start()
        try:
            self._ready.result(timeout=timeout)
        except FutureTimeout as exc:
            self.stop()
            raise SpeakerTimedOut("the voice was not loaded in time") from exc
        except SpeakerFailed:
            self._process.wait()
            self._stderr.close()
            raise

    @property
    def alive(self) -> bool:
        return self._stopped is None and self._process.poll() is None

    def speak(self, text: str, out_dir: Path, timeout: float) -> tuple[int, str]:
        """Have a child speak ``text`` (one sentence per line) into ``out_dir``: its exit code, stderr tail.

        Raises:
            SpeakerTimedOut: the child did not finish within ``timeout`` seconds (it is killed).
            SpeakerFailed: the server stopped.
        """
        answer: Future[dict[str, Any]] = Future()
        with self._lock:
            if self._stopped is not None:
                raise SpeakerFailed(self._stopped)
            ident = self._next_id
            self._next_id += 1
            self._waiting[ident] = answer
            self._send({"id": ident, "text": text, "out_dir": str(out_dir)})
        try:
            reply = answer.result(timeout=timeout)
        except FutureTimeout as exc:
            with self._lock:
                self._waiting.pop(ident, None)
                if self._stopped is None:
                    self._send({"kill": ident})
            raise SpeakerTimedOut("the narration was not spoken in time") from exc
        return int(reply["status"]), stderr_tail(str(reply.get("log", "")))

    def stop(self) -> None:
        """End the server (it kills the children it still has) and fail whatever still waits."""
        with self._lock:
            self._fail_waiting("the voice server was stopped")
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()

    def _send(self, message: dict[str, Any]) -> None:
        """Write one request (under ``_lock``); a server that is gone fails everything that waits."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(message).encode() + b"\n")
            self._process.stdin.flush()
        except OSError:
            self._fail_waiting("the voice server stopped")
            raise SpeakerFailed("the voice server stopped") from None

    def _read(self) -> None:
        """The server's answers, to whoever waits for them; at its end, fail everything that still waits."""
        assert self._process.stdout is not None
        for line in self._process.stdout:
            try:
                reply = json.loads(line)
            except ValueError:
                reply = None
            if not isinstance(reply, dict) or not ("ready" in reply or "id" in reply):
                logger.warning("the piper server wrote a line that is not an answer: %r", line[:200])
                continue
            if "ready" in reply:
                if not self._ready.done():
                    self._ready.set_result(reply)
                continue
            with self._lock:
                waiting = self._waiting.pop(int(reply["id"]), None)
            if waiting is not None:
                waiting.set_result(reply)
        code = self._process.wait()
        with self._lock:
            self._fail_waiting(f"the voice server exited with code {code}", code)

    def _fail_waiting(self, reason: str, code: int | None = None) -> None:
        """(Under ``_lock``.) Mark the server stopped and fail the readiness and every narration waiting.

        Only a server that never got ready fails with its exit code (a broken model fails the same way
        every time); one that stops later fails its narrations without one, as worth another try.
        """
        if self._stopped is None:
            self._stopped = reason
        if not self._ready.done():
            self._ready.set_exception(SpeakerFailed(reason, code))
            self._log_stderr(reason)
        for waiting in self._waiting.values():
            waiting.set_exception(SpeakerFailed(reason))
        self._waiting.clear()

    def _log_stderr(self, reason: str) -> None:
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", errors="replace")
        except (OSError, ValueError):
            text = ""
        logger.error("the piper server failed (%s); stderr tail:\n%s", reason, stderr_tail(text))


_servers: dict[SpeakerKey, PiperServer] = {}
_servers_lock = threading.Lock()


def server_for(key: SpeakerKey, env: Mapping[str, str], timeout: float) -> PiperServer:
    """The running server for ``key``, started (and waited for) if there is none or it stopped.

    Raises:
        OSError, SpeakerFailed, SpeakerTimedOut: as ``PiperServer``.
    """
    with _servers_lock:
        server = _servers.get(key)
        if server is None or not server.alive:
            if server is not None:
                server.stop()
            server = PiperServer(key, env, timeout)
            _servers[key] = server
        return server


def stop_servers() -> None:
    """Stop every server this process started (the next narration starts a new one)."""
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.stop()


#: The server: argv[1] the seed, argv[2] the model. It loads the model once with onnxruntime's generator
#: seeded, then forks one child per request; the child answers Piper's ``InferenceSession`` for this model
#: with the loaded one and runs Piper's command line on the request's text. Its replies go straight to a
#: copy of fd 1 (unbuffered, so a child never inherits half a reply; fd 1 itself then points at stderr, so
#: that nothing a library prints can pass for an answer); children write their output to a log file.
#:
#: The model is loaded without onnxruntime's graph optimisations (they cost more than they save for a
#: short narration: the model loads in 0.2 s instead of 0.45-0.55 s, and speaks as fast) on one thread that
#: never spins: the default pool (one thread per core, spinning while it waits) burned 2.1 s of CPU on ten
#: narrations that one thread speaks with 1.4 s, and narrations run several at once beside the images.
SERVER_SOURCE: Final = """\
import ctypes, io, json, os, runpy, selectors, signal, sys, tempfile, traceback, warnings
import onnxruntime

# onnxruntime keeps one idle thread; the children use none of it (Python warns of fork with threads).
warnings.filterwarnings("ignore", message=".*multi-threaded.*fork", category=DeprecationWarning)

seed, model = int(sys.argv[1]), sys.argv[2]
onnxruntime.set_seed(seed)


class _Lean(onnxruntime.SessionOptions):
    def __init__(self):
        super().__init__()
        self.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        self.intra_op_num_threads = 1
        self.add_session_config_entry("session.intra_op.allow_spinning", "0")


# Answers go out on their own descriptor; whatever a library prints to stdout lands in stderr instead.
answers = os.dup(1)
os.dup2(2, 1)
onnxruntime.SessionOptions = _Lean
loaded = onnxruntime.InferenceSession(model, sess_options=_Lean(), providers=["CPUExecutionProvider"])
_Session = onnxruntime.InferenceSession
canonical = os.path.realpath(model)


def _session(path, *args, **kwargs):
    if os.path.realpath(str(path)) == canonical:
        return loaded
    return _Session(path, *args, **kwargs)


onnxruntime.InferenceSession = _session
import piper  # the package's own imports, once; its command line runs in each child

def reply(message):
    data = (json.dumps(message) + "\\n").encode()
    while data:
        data = data[os.write(answers, data):]


def child(text, out_dir, log, alive, server):
    code = 1
    try:
        # The child dies with the server (Linux), so a narration never writes on after its server is gone.
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (AttributeError, OSError):
            pass
        if os.getppid() != server:
            return
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
            if int(name) > 2 and int(name) != alive:  # ``alive`` closes when this child exits
                try:
                    os.close(int(name))
                except OSError:
                    pass
        sys.stdin = io.StringIO(text)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        os.chdir(out_dir)
        sys.argv = ["piper", "--model", model, "--output-dir", out_dir, "--output-dir-naming", "timestamp"]
        runpy.run_module("piper", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def read_log(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            text = log.read()
        os.unlink(path)
    except OSError:
        return ""
    return text


server = os.getpid()
running = {}  # request id -> (pid, read end of its exit pipe, log)
selector = selectors.DefaultSelector()
selector.register(0, selectors.EVENT_READ, None)
reply({"ready": True})
pending = b""
while True:
    for key, _ in selector.select():
        if key.data is not None:
            ident = key.data
            pid, done, log = running.pop(ident)
            selector.unregister(done)
            os.close(done)
            status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            reply({"id": ident, "status": status, "log": read_log(log)})
            continue
        chunk = os.read(0, 65536)
        if not chunk:
            for pid, _, log in running.values():
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                read_log(log)
            sys.exit(0)
        pending += chunk
        while b"\\n" in pending:
            line, pending = pending.split(b"\\n", 1)
            request = json.loads(line)
            if "kill" in request:
                if request["kill"] in running:
                    os.kill(running[request["kill"]][0], signal.SIGKILL)
                continue
            fd, log = tempfile.mkstemp(prefix="piper-", suffix=".log")
            os.close(fd)
            done, alive = os.pipe()
            pid = os.fork()
            if pid == 0:
                child(request["text"], request["out_dir"], log, alive, server)
            os.close(alive)
            running[request["id"]] = (pid, done, log)
            selector.register(done, selectors.EVENT_READ, request["id"])
"""
