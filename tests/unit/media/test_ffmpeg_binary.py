"""Which ffmpeg runs: FFMPEG_BINARY (deployed, the ffmpeg layer's), else imageio-ffmpeg's (local), else a
clear error; and a music check that cannot run ffmpeg is a failure of ours, not a verdict on the file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from videogen.exceptions import InvalidMusicException, UnreadableMediaException, VideoAssemblyException
from videogen.media import ffmpeg
from videogen.media.audio import validate_music
from videogen.media.ffmpeg import ffmpeg_exe, run_ffmpeg
from videogen.media.probe import probe

#: Says which arguments it got, on stderr, as ffmpeg's messages go.
ECHO_FFMPEG = '#!/bin/sh\necho "fake ffmpeg $*" >&2\n'
#: What ffmpeg -i prints for a file that is no media, and its exit code.
REFUSING_FFMPEG = '#!/bin/sh\necho "upload: Invalid data found when processing input" >&2\nexit 1\n'


@pytest.fixture(autouse=True)
def fresh_resolution() -> Iterator[None]:
    """Each test resolves ffmpeg anew (the answer is cached per process); later tests do too."""
    ffmpeg._resolve_ffmpeg.cache_clear()
    yield
    ffmpeg._resolve_ffmpeg.cache_clear()


def _script(path: Path, text: str, mode: int = 0o755) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_ffmpeg_binary_wins_over_the_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("imageio_ffmpeg")  # the wheel is there, and still the variable wins
    binary = _script(tmp_path / "ffmpeg", ECHO_FFMPEG)
    monkeypatch.setenv("FFMPEG_BINARY", str(binary))

    assert ffmpeg_exe() == str(binary)
    assert run_ffmpeg(["-version"]).strip() == "fake ffmpeg -version"


def test_without_ffmpeg_binary_the_wheel_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    monkeypatch.delenv("FFMPEG_BINARY", raising=False)

    assert ffmpeg_exe() == imageio_ffmpeg.get_ffmpeg_exe()


def test_an_empty_ffmpeg_binary_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    monkeypatch.setenv("FFMPEG_BINARY", "")

    assert ffmpeg_exe() == imageio_ffmpeg.get_ffmpeg_exe()


def test_the_answer_follows_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _script(tmp_path / "first", ECHO_FFMPEG)
    second = _script(tmp_path / "second", ECHO_FFMPEG)

    monkeypatch.setenv("FFMPEG_BINARY", str(first))
    assert ffmpeg_exe() == str(first)
    monkeypatch.setenv("FFMPEG_BINARY", str(second))
    assert ffmpeg_exe() == str(second)


@pytest.mark.parametrize("problem", ["missing", "not executable", "a folder"])
def test_ffmpeg_binary_that_names_no_executable_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, problem: str
) -> None:
    target = {
        "missing": tmp_path / "opt" / "bin" / "ffmpeg",
        "not executable": _script(tmp_path / "ffmpeg", ECHO_FFMPEG, mode=0o644),
        "a folder": tmp_path,
    }[problem]
    monkeypatch.setenv("FFMPEG_BINARY", str(target))

    with pytest.raises(VideoAssemblyException) as caught:
        ffmpeg_exe()

    # Not the wheel's ffmpeg instead: a deployment that names a binary must have that binary.
    assert "FFMPEG_BINARY" in caught.value.message
    # The path is for the operator's log, not for the project's error message.
    assert str(target) not in caught.value.message
    assert str(target) in caplog.text


def test_with_neither_the_message_names_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FFMPEG_BINARY", raising=False)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if it were not installed

    with pytest.raises(VideoAssemblyException) as caught:
        ffmpeg_exe()

    assert "set FFMPEG_BINARY" in caught.value.message
    assert "install imageio-ffmpeg" in caught.value.message


@pytest.fixture
def not_a_song(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An upload that is no media file, and an ffmpeg that says so."""
    upload = tmp_path / "upload"
    upload.write_bytes(b"<html>not a song</html>\n")
    monkeypatch.setenv("FFMPEG_BINARY", str(_script(tmp_path / "ffmpeg", REFUSING_FFMPEG)))
    return upload


def test_probe_tells_an_unreadable_file_from_a_missing_ffmpeg(
    not_a_song: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = not_a_song
    with pytest.raises(UnreadableMediaException):
        probe(upload)

    monkeypatch.setenv("FFMPEG_BINARY", str(tmp_path / "no-ffmpeg"))
    with pytest.raises(VideoAssemblyException) as caught:
        probe(upload)
    assert not isinstance(caught.value, UnreadableMediaException)


def test_music_that_ffmpeg_cannot_read_is_invalid_music(not_a_song: Path) -> None:
    with pytest.raises(InvalidMusicException, match="not an audio file"):
        validate_music(not_a_song)


def test_music_checked_without_ffmpeg_is_an_internal_failure_not_invalid_music(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = tmp_path / "upload"
    upload.write_bytes(b"ID3" + bytes(2000))
    monkeypatch.setenv("FFMPEG_BINARY", str(tmp_path / "opt" / "bin" / "ffmpeg"))

    with pytest.raises(VideoAssemblyException) as caught:
        validate_music(upload)

    assert not isinstance(caught.value, InvalidMusicException)
    assert caught.value.status_code == 500
