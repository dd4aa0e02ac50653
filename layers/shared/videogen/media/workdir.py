"""A render's scratch directory under /tmp: one per render, always removed afterwards (STYLE rule 12).

Light on purpose (no media libraries): the pipeline steps open it before they load anything heavy.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from videogen.exceptions import VideoAssemblyException

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@contextmanager
def render_workdir(base: Path, render_id: str) -> Iterator[Path]:
    """A fresh ``base/render_id`` directory for one render's temporary files, always removed afterwards.

    A directory left by an earlier attempt with the same id (a retried step) is cleared first.

    Raises:
        VideoAssemblyException: ``render_id`` is not a plain name (it could escape ``base``).
    """
    if not _SAFE_ID.fullmatch(render_id) or ".." in render_id:
        raise VideoAssemblyException("The render id is not a valid directory name")
    path = base / render_id
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
