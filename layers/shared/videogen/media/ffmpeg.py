"""Running the ffmpeg binary: where it is, how a run fails, and how a value enters a filtergraph safely."""

from __future__ import annotations

import functools
import logging
import os
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from videogen.exceptions import VideoAssemblyException
from videogen.processes import Failures, run_process

logger = logging.getLogger(__name__)

#: The environment variable naming the ffmpeg binary (template.yaml: the ffmpeg layer's /opt/bin/ffmpeg).
FFMPEG_BINARY: Final = "FFMPEG_BINARY"
#: Quiet, non-interactive, overwrite: errors still reach stderr, progress lines never do.
BASE_ARGS: Final = ("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y")
#: Characters the filtergraph parser treats specially around a filter's argument string.
_GRAPH_SPECIAL: Final = frozenset("\\'[],;")


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: the one ``FFMPEG_BINARY`` names, else imageio-ffmpeg's.

    Deployed, the functions that run ffmpeg get it from the ffmpeg layer, and template.yaml names it in
    ``FFMPEG_BINARY``; locally (the CLI, the local cloud, tests) it comes from the imageio-ffmpeg wheel,
    which also honours its own ``IMAGEIO_FFMPEG_EXE``.

    The variable is read here rather than through ``videogen.config``: where a binary lives is a fact of
    the machine, like ``PATH``, not a setting of a deployment, and media/ also runs where no ``Config``
    can be built (the benchmarks and tests call it directly, with no TABLE_NAME or MEDIA_BUCKET, which
    ``Config`` requires). The answer is cached per value of the variable, so a process pays for the
    checks once, and a test that changes the variable gets a fresh answer.

    Raises:
        VideoAssemblyException: ``FFMPEG_BINARY`` names no executable file, or it is unset and
            imageio-ffmpeg is not installed (or has no binary for this platform).
    """
    return _resolve_ffmpeg(os.environ.get(FFMPEG_BINARY) or None)


@functools.lru_cache(maxsize=4)
def _resolve_ffmpeg(configured: str | None) -> str:
    if configured is not None:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            # The path goes to the log only: the message reaches a project's error, the path is ours.
            logger.error("%s=%s is not an executable file", FFMPEG_BINARY, configured)
            raise VideoAssemblyException(f"ffmpeg is not available: {FFMPEG_BINARY} names no executable file")
        return str(path)
    try:
        import imageio_ffmpeg  # noqa: PLC0415 - optional: deployed, FFMPEG_BINARY names the layer's binary

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise VideoAssemblyException(
            f"ffmpeg is not available: set {FFMPEG_BINARY} to the path of an ffmpeg binary, "
            "or install imageio-ffmpeg"
        ) from exc


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
        VideoAssemblyException: ffmpeg failed or ran out of time (its stderr tail goes to the log only).
    """
    budget = None if deadline is None else deadline.seconds
    failures = Failures(
        timed_out=lambda: VideoAssemblyException("Video assembly timed out", {"timeout_seconds": budget}),
        not_started=lambda: VideoAssemblyException("ffmpeg could not be started"),
        failed=lambda code: VideoAssemblyException(
            f"Video assembly failed during {what}", {"details": f"ffmpeg exited with code {code}"}
        ),
    )
    timeout = None if deadline is None else deadline.remaining()
    return run_process([ffmpeg_exe(), *args], failures, program="ffmpeg", what=what, timeout=timeout).stderr


@functools.lru_cache(maxsize=4)
def ffmpeg_version(executable: str | None = None) -> str:
    """The first line of ``ffmpeg -version`` (e.g. "ffmpeg version 7.1 Copyright ..."), for manifests."""
    completed = subprocess.run(  # noqa: S603 - our own binary, an argument list
        [executable or ffmpeg_exe(), "-hide_banner", "-version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return (completed.stdout.splitlines() or ["ffmpeg (version unknown)"])[0].strip()
