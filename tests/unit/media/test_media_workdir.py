"""A render's scratch directory: fresh for each attempt, removed afterwards, never outside its base."""

from __future__ import annotations

from pathlib import Path

import pytest

from videogen.exceptions import VideoAssemblyException
from videogen.media.workdir import render_workdir


def test_render_workdir_is_removed_even_when_the_render_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), render_workdir(tmp_path, "render-1") as work:
        (work / "scratch.bin").write_bytes(b"x")
        raise RuntimeError("boom")

    assert not (tmp_path / "render-1").exists()


def test_render_workdir_clears_a_previous_attempt(tmp_path: Path) -> None:
    (tmp_path / "render-2").mkdir()
    (tmp_path / "render-2" / "stale.mp4").write_bytes(b"old")

    with render_workdir(tmp_path, "render-2") as work:
        assert list(work.iterdir()) == []


@pytest.mark.parametrize("render_id", ["../escape", "a/b", "", ".hidden", "x" * 200])
def test_render_workdir_rejects_ids_that_are_not_plain_names(tmp_path: Path, render_id: str) -> None:
    with pytest.raises(VideoAssemblyException), render_workdir(tmp_path, render_id):
        pass
