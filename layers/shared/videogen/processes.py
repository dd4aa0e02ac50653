"""Running a helper program (ffmpeg, Piper) as a child process, the one way videogen does it.

An argument list, never a shell string; a time limit; and a failure turned into the caller's own error
(each layer names its failures: an assembly error for ffmpeg, a voice error for Piper). The stderr tail
goes to the log only: it holds file paths and other internals that must not reach a caller.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

logger = logging.getLogger(__name__)

STDERR_TAIL_LINES: Final = 20


@dataclass(frozen=True, slots=True)
class Failures:
    """The errors a caller raises for a run that did not end well."""

    #: The run outlived its time limit.
    timed_out: Callable[[], Exception]
    #: The program could not be started (missing, not executable).
    not_started: Callable[[], Exception]
    #: The program exited with this non-zero code; None when the caller reads the exit code itself.
    failed: Callable[[int], Exception] | None = None


def run_process(
    command: Sequence[str],
    failures: Failures,
    *,
    program: str,
    what: str,
    timeout: float | None = None,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to its end and return what it left, its output decoded as UTF-8.

    Args:
        failures: the caller's errors for a timeout, a failed start and (optionally) a non-zero exit.
        program: its name in log lines ("ffmpeg", "piper").
        what: what the run is for, in log lines ("the final mux").
        timeout: seconds; None for no limit.

    Raises:
        Exception: whichever of ``failures`` applies, chained to the cause.
    """
    try:
        completed = subprocess.run(  # noqa: S603 - an argument list, no shell
            list(command), input=stdin, capture_output=True, timeout=timeout, check=False, env=env, cwd=cwd,
            encoding="utf-8", errors="replace",
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        logger.error("%s timed out during %s; stderr tail:\n%s", program, what, stderr_tail(exc.stderr))
        raise failures.timed_out() from exc
    except OSError as exc:
        raise failures.not_started() from exc
    if completed.returncode != 0 and failures.failed is not None:
        logger.error(
            "%s exited with code %s during %s; stderr tail:\n%s",
            program,
            completed.returncode,
            what,
            stderr_tail(completed.stderr),
        )
        raise failures.failed(completed.returncode)
    return completed


def stderr_tail(stderr: bytes | str | None) -> str:
    """The last ``STDERR_TAIL_LINES`` lines of a program's stderr, for the log."""
    if stderr is None:
        return ""
    text = stderr.decode("utf-8", errors="replace") if isinstance(stderr, bytes) else stderr
    return "\n".join(text.splitlines()[-STDERR_TAIL_LINES:])
