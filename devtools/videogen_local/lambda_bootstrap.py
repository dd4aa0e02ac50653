"""The runtime loop of one local Lambda "container": run as ``python3.13 -I -S lambda_bootstrap.py SPEC``.

It plays the part of Lambda's Python runtime interface client, with only the standard library: no
site-packages, ``sys.path`` = the function's code folder, then its layers' ``python/`` folders, then the
interpreter's standard library. It imports the handler once (the init phase), then answers invokes that
the parent sends over a pipe, one at a time, until the pipe closes.

Frames on both pipes are a 4-byte big-endian length and that many bytes of JSON. A request is
``{"request_id", "event", "deadline_ms"}``; an answer is ``{"ok": true, "result": ...}`` or
``{"ok": false, "error": {"errorType", "errorMessage", "stackTrace"}}``, the shape Lambda gives Step
Functions. The handler's own output (logs, metrics) goes to stdout/stderr, never to the pipes.

This file must not import videogen or anything outside the standard library: it runs before ``sys.path``
holds anything else, exactly like the runtime Lambda provides.
"""

from __future__ import annotations

import importlib
import json
import os
import struct
import sys
import time
import traceback
from typing import Any

_LENGTH = struct.Struct(">I")


def read_frame(fd: int) -> Any | None:
    """One JSON frame from ``fd``, or None when the other end has closed it."""
    header = _read_exactly(fd, _LENGTH.size)
    if header is None:
        return None
    (size,) = _LENGTH.unpack(header)
    body = _read_exactly(fd, size)
    if body is None:
        return None
    return json.loads(body)


def write_frame(fd: int, value: Any) -> None:
    """``value`` as one JSON frame on ``fd``."""
    body = json.dumps(value).encode()
    data = _LENGTH.pack(len(body)) + body
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = os.read(fd, size - len(chunks))
        if not chunk:
            return None
        chunks.extend(chunk)
    return bytes(chunks)


class LambdaContext:
    """The context object Lambda hands a Python handler (the attributes handlers read)."""

    def __init__(self, request_id: str, deadline_ms: int) -> None:
        self.aws_request_id = request_id
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.invoked_function_arn = os.environ.get("VIDEOGEN_LOCAL_FUNCTION_ARN", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _error(error_type: str, exc: BaseException) -> dict[str, Any]:
    return {
        "errorType": error_type,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def _load_handler(handler: str) -> Any:
    """Import the handler as Lambda does; failures get the runtime's error types."""
    module_name, _, attribute = handler.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        # Lambda: "Unable to import module 'app': No module named 'PIL'" (Runtime.ImportModuleError).
        raise _InitError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
        ) from exc
    try:
        return getattr(module, attribute)
    except AttributeError as exc:
        raise _InitError(
            "Runtime.HandlerNotFound", f"Handler '{attribute}' missing on module '{module_name}'"
        ) from exc


class _InitError(Exception):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def main() -> int:
    spec = json.loads(sys.argv[1])
    requests, answers = int(spec["request_fd"]), int(spec["answer_fd"])
    # Lambda's order: the task root first, then the layers; the standard library stays last.
    sys.path[:0] = list(spec["python_path"])
    os.chdir(os.environ["LAMBDA_TASK_ROOT"])
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except _InitError as exc:
        traceback.print_exc()
        # Lambda reports an init failure as the answer to the invoke that started the container.
        request = read_frame(requests)
        if request is not None:
            write_frame(answers, {"ok": False, "error": _error(exc.error_type, exc)})
        return 1
    while (request := read_frame(requests)) is not None:
        context = LambdaContext(request["request_id"], int(request["deadline_ms"]))
        print(f"START RequestId: {context.aws_request_id} Version: $LATEST", flush=True)
        try:
            result = handler(request["event"], context)
            answer: dict[str, Any] = {"ok": True, "result": result}
            try:
                json.dumps(result)
            except (TypeError, ValueError) as exc:
                answer = {"ok": False, "error": _error("Runtime.MarshalError", exc)}
        except Exception as exc:
            # Lambda logs the traceback and answers with the exception's class name as errorType: that
            # name is what a state machine's Retry and Catch match.
            traceback.print_exc()
            answer = {"ok": False, "error": _error(type(exc).__name__, exc)}
        sys.stdout.flush()
        sys.stderr.flush()
        write_frame(answers, answer)
        print(f"END RequestId: {context.aws_request_id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
