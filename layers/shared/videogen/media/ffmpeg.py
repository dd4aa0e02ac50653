"""Running the ffmpeg binary: where it is, how a run fails, and how a value enters a filtergraph safely."""

from __future__ import annotations

import functools
import logging
import subprocess
import time
from collections.abc import Sequence
from typing import Final

from videogen.exceptions import VideoAssemblyException

logger = logging.getLogger(__name__)

STDERR_TAIL_LINES: Final = 20
#: Quiet, non-interactive, overwrite: errors still reach stderr, progress lines never do.
BASE_ARGS: Final = ("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y")
#: Characters the filtergraph parser treats specially around a filter's argument string.
_GRAPH_SPECIAL: Final = frozenset("\\'[],;")


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled by imageio-ffmpeg (or named by IMAGEIO_FFMPEG_EXE).

    Raises:
        VideoAssemblyException: no usable ffmpeg binary is installed.
    """
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise VideoAssemblyException("ffmpeg is not available") from exc


def filter_value(value: str) -> str:
    """``value`` escaped to stand as one option value inside a filtergraph string.

    A filtergraph is unescaped twice: once when the graph is split into filters (``[],;`` and quotes are
    special), once when a filter's ``key=value:...`` arguments are split (``:`` and quotes). So: quote the
    value for the second level, then backslash-escape the result for the first.
    """
    quoted = "'" + value.replace("'", "'\\''") + "'"
    return "".join("\\" + char if char in _GRAPH_SPECIAL else char for char in quoted)


def expr_number(value: float) -> str:
    """A float as ffmpeg expressions and options read it: plain decimals, no exponent, ten places at most."""
    return f"{value:.10f}".rstrip("0").rstrip(".") or "0"


class Deadline:
    """What is left of an overall time budget shared by several ffmpeg runs."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        """Seconds left (at least a tiny positive amount), or None without a budget."""
        if self._end is None:
            return None
        return max(0.001, self._end - time.monotonic())


def run_ffmpeg(args: Sequence[str], *, deadline: Deadline | None = None, what: str = "ffmpeg") -> str:
    """Run ffmpeg with ``args`` (an argument list, never a shell string) and return its stderr.

    Raises:
        VideoAssemblyException: ffmpeg failed or ran out of time. The stderr tail goes to the log only: it
            holds file paths and other internals that must not reach a caller.
    """
    command = [ffmpeg_exe(), *args]
    timeout = None if deadline is None else deadline.remaining()
    try:
        completed = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired as exc:
        logger.error("ffmpeg timed out during %s; stderr tail:\n%s", what, _tail(exc.stderr))
        budget = None if deadline is None else deadline.seconds
        raise VideoAssemblyException("Video assembly timed out", {"timeout_seconds": budget}) from exc
    except OSError as exc:
        raise VideoAssemblyException("ffmpeg could not be started") from exc
    stderr = completed.stderr.decode("utf-8", errors="replace")
    if completed.returncode != 0:
        logger.error(
            "ffmpeg exited with code %s during %s; stderr tail:\n%s",
            completed.returncode,
            what,
            _tail(stderr),
        )
        raise VideoAssemblyException(
            f"Video assembly failed during {what}",
            {"details": f"ffmpeg exited with code {completed.returncode}"},
        )
    return stderr


def _tail(stderr: bytes | str | None) -> str:
    if stderr is None:
        return ""
    text = stderr.decode("utf-8", errors="replace") if isinstance(stderr, bytes) else stderr
    return "\n".join(text.splitlines()[-STDERR_TAIL_LINES:])
