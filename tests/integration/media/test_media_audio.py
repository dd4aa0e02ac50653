"""The soundtrack with real ffmpeg: narration track placement, music mix, ducking, loudness, music checks."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import pytest

from videogen.exceptions import ValidationException, VideoAssemblyException
from videogen.media import audio
from videogen.media.audio import (
    MAX_MUSIC_BYTES,
    SAMPLE_RATE,
    TARGET_LUFS,
    TARGET_TRUE_PEAK,
    InvalidMusicException,
    build_narration_track,
    measure_loudness,
    mix,
    validate_music,
)
from videogen.media.ffmpeg import BASE_ARGS, run_ffmpeg
from videogen.media.probe import probe

VOICE_HZ = 1000
MUSIC_HZ = 220


def tone(path: Path, seconds: float, hz: int, *, rate: int = 22_050, volume_db: float = 6.0) -> Path:
    """A mono tone that stands in for a synthesized clip (speech-like level, a known frequency).

    ffmpeg's ``sine`` source plays at 1/8 of full scale; +6 dB makes it about -15 dBFS RMS.
    """
    run_ffmpeg(
        [*BASE_ARGS, "-f", "lavfi", "-i", f"sine=f={hz}:r={rate}:d={seconds}", "-af", f"volume={volume_db}dB",
         "-ac", "1", str(path)]
    )  # fmt: skip
    return path


def band_level(path: Path, hz: int, start: float, length: float) -> float:
    """Mean volume (dB) of the ``hz`` band of ``path`` between ``start`` and ``start + length``."""
    stderr = run_ffmpeg(
        ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-ss", str(start), "-t", str(length),
         "-i", str(path), "-af", f"bandpass=f={hz}:width_type=q:w=8,volumedetect", "-f", "null", "-"]
    )  # fmt: skip
    match = re.search(r"mean_volume:\s*(-?[\d.]+|-inf) dB", stderr)
    assert match, stderr
    return float(match.group(1))


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("clips")
    return {
        "one": tone(work / "one.wav", 1.5, VOICE_HZ),
        "two": tone(work / "two.wav", 1.0, VOICE_HZ, rate=16_000),
        "music": tone(work / "music.wav", 2.5, MUSIC_HZ, rate=44_100, volume_db=12.0),
    }


def test_narration_track_places_each_clip_at_its_start(clips: dict[str, Path], tmp_path: Path) -> None:
    track = build_narration_track(
        [(0.4, clips["one"]), (2.5, None), (3.25, clips["two"])], 5.0, tmp_path / "track.wav"
    )
    info = probe(track)
    assert (info.audio_sample_rate, info.audio_codec) == (SAMPLE_RATE, "pcm_s16le")
    assert wav_seconds(track) == 5.0
    # Silence before, between and after the clips; the tone inside them
    assert band_level(track, VOICE_HZ, 0.0, 0.35) < -80
    assert band_level(track, VOICE_HZ, 0.5, 1.3) > -20
    assert band_level(track, VOICE_HZ, 2.0, 1.2) < -80
    assert band_level(track, VOICE_HZ, 3.3, 0.9) > -20
    assert band_level(track, VOICE_HZ, 4.3, 0.6) < -80


def test_a_track_without_narration_is_silence_of_the_right_length(tmp_path: Path) -> None:
    track = build_narration_track([(0.0, None)], 2.0, tmp_path / "silent.wav")
    assert wav_seconds(track) == 2.0
    assert measure_loudness(track) == -70.0


def test_narration_over_looped_music_is_ducked_normalized_and_exactly_as_long_as_the_video(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    # Given a 7 s video with speech from 1 to 2.5 s and 4 to 5 s, and 2.5 s of music to loop
    total = 7.0
    track = build_narration_track([(1.0, clips["one"]), (4.0, clips["two"])], total, tmp_path / "t.wav")
    # When they are mixed
    result = mix(track, clips["music"], total, tmp_path / "mix.wav")
    # Then the mix lasts the video's length and measures -16 LUFS within 1 LU
    assert result.duration == total
    assert probe(result.path).duration == pytest.approx(total, abs=0.1)
    assert wav_seconds(result.path) == total
    assert measure_loudness(result.path) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert result.loudness == pytest.approx(TARGET_LUFS, abs=1.0)
    # And the music plays on after the 2.5 s file ended (looped), ducked under the speech
    under_speech = band_level(result.path, MUSIC_HZ, 1.3, 1.0)
    between = band_level(result.path, MUSIC_HZ, 3.0, 0.8)
    assert between > -45
    assert between - under_speech > 6
    # And it fades out at the end
    assert band_level(result.path, MUSIC_HZ, 6.7, 0.3) < between - 10


def test_music_alone_is_trimmed_and_normalized(clips: dict[str, Path], tmp_path: Path) -> None:
    result = mix(None, clips["music"], 1.5, tmp_path / "music-only.flac")
    assert probe(result.path).duration == pytest.approx(1.5, abs=0.05)
    assert measure_loudness(result.path) == pytest.approx(TARGET_LUFS, abs=1.0)


def test_narration_alone_is_normalized_to_aac(clips: dict[str, Path], tmp_path: Path) -> None:
    track = build_narration_track([(0.5, clips["one"])], 3.0, tmp_path / "t.wav")
    result = mix(track, None, 3.0, tmp_path / "voice.m4a")
    info = probe(result.path)
    assert (info.audio_codec, info.audio_sample_rate) == ("aac", SAMPLE_RATE)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    assert measure_loudness(result.path) == pytest.approx(TARGET_LUFS, abs=1.0)


def test_nothing_to_mix_gives_silence(tmp_path: Path) -> None:
    silent = build_narration_track([], 1.0, tmp_path / "t.wav")
    result = mix(silent, None, 1.0, tmp_path / "mix.wav")
    assert result.loudness is None
    assert wav_seconds(result.path) == 1.0


def test_mix_rejects_missing_inputs_and_bad_lengths(tmp_path: Path) -> None:
    with pytest.raises(VideoAssemblyException):
        mix(tmp_path / "missing.wav", None, 1.0, tmp_path / "mix.wav")
    with pytest.raises(VideoAssemblyException):
        build_narration_track([], 0.0, tmp_path / "t.wav")
    with pytest.raises(VideoAssemblyException):
        build_narration_track([(-1.0, tmp_path / "x.wav")], 1.0, tmp_path / "t.wav")
    with pytest.raises(VideoAssemblyException):
        mix(None, None, 1.0, tmp_path / "mix.mp4")


def test_valid_music_returns_its_length(clips: dict[str, Path]) -> None:
    assert validate_music(clips["music"]) == pytest.approx(2.5, abs=0.05)


def test_a_text_file_is_not_music(tmp_path: Path) -> None:
    fake = tmp_path / "song.mp3"
    fake.write_text("definitely not an mp3\n" * 50, encoding="utf-8")
    with pytest.raises(InvalidMusicException, match="not an audio file") as caught:
        validate_music(fake)
    assert isinstance(caught.value, ValidationException) and caught.value.status_code == 422


def test_an_image_is_not_music(tmp_path: Path) -> None:
    image = tmp_path / "cover.png"
    run_ffmpeg([*BASE_ARGS, "-f", "lavfi", "-i", "color=c=red:s=16x16:d=0.04", "-frames:v", "1", str(image)])
    with pytest.raises(InvalidMusicException, match="not an audio file"):
        validate_music(image)


def test_an_empty_file_is_not_music(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.touch()
    with pytest.raises(InvalidMusicException, match="not an audio file"):
        validate_music(empty)


def test_music_over_50_mb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.wav"
    with big.open("wb") as handle:
        handle.truncate(MAX_MUSIC_BYTES + 1)  # sparse: no 50 MB written
    with pytest.raises(InvalidMusicException, match="50 MB"):
        validate_music(big)


def test_music_over_30_minutes_is_refused(tmp_path: Path) -> None:
    long = tmp_path / "long.wav"
    with wave.open(str(long), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(bytes([128]) * (8000 * (30 * 60 + 5)))
    with pytest.raises(InvalidMusicException, match="30:05.*30 minutes"):
        validate_music(long)


def true_peak(path: Path) -> float:
    """The true peak of ``path`` in dBTP, as ebur128 measures it."""
    stderr = run_ffmpeg(
        ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-i", str(path),
         "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"]
    )  # fmt: skip
    match = re.findall(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS", stderr)
    assert match, stderr
    return float(match[-1])


def test_a_mix_whose_peaks_allow_it_gets_one_gain_and_keeps_its_dynamics(tmp_path: Path) -> None:
    # Given speech that is loud for 1.5 s, then 12 dB quieter for 1.5 s
    loud = tone(tmp_path / "loud.wav", 1.5, VOICE_HZ)
    quiet = tone(tmp_path / "quiet.wav", 1.5, VOICE_HZ, volume_db=-6.0)
    track = build_narration_track([(0.0, loud), (1.5, quiet)], 3.0, tmp_path / "t.wav")

    result = mix(track, None, 3.0, tmp_path / "mix.wav")

    # Then it measures the target, its peaks stay under the ceiling, and the two parts are still 12 dB
    # apart: one gain, no compression
    assert measure_loudness(result.path) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert true_peak(result.path) <= TARGET_TRUE_PEAK + 0.1
    difference = band_level(result.path, VOICE_HZ, 0.2, 1.1) - band_level(result.path, VOICE_HZ, 1.7, 1.1)
    assert difference == pytest.approx(12.0, abs=0.3)


def test_a_mix_whose_peaks_one_gain_would_clip_is_limited_instead(tmp_path: Path) -> None:
    # Given quiet speech with near full-scale clicks: the gain to -16 LUFS would push the clicks over 0 dBTP
    clicky = tmp_path / "clicky.wav"
    source = "aevalsrc=exprs='0.03*sin(2*PI*1000*t)+if(lt(mod(t\\,0.5)\\,0.0004)\\,0.95\\,0)':s=22050:d=3"
    run_ffmpeg([*BASE_ARGS, "-f", "lavfi", "-i", source, "-ac", "1", str(clicky)])
    track = build_narration_track([(0.0, clicky)], 3.0, tmp_path / "t.wav")
    assert true_peak(track) - measure_loudness(track) > -TARGET_TRUE_PEAK - TARGET_LUFS

    result = mix(track, None, 3.0, tmp_path / "mix.wav")

    # Then loudnorm's dynamic mode keeps the peaks under the ceiling while it reaches the target
    assert true_peak(result.path) <= TARGET_TRUE_PEAK + 0.5
    assert measure_loudness(result.path) == pytest.approx(TARGET_LUFS, abs=1.5)
    assert result.loudness == pytest.approx(TARGET_LUFS, abs=1.5)


def _peaky_track(tmp_path: Path) -> Path:
    """Speech-like tone with short bursts that one gain to the target would push over the ceiling, by
    little: loudnorm's limiter then leaves its result ~0.2 LU under the target."""
    peaky = tmp_path / "peaky.wav"
    source = (
        "aevalsrc=exprs='0.05*sin(2*PI*1000*t)*(0.6+0.4*sin(2*PI*3*t))"
        "+if(lt(mod(t\\,0.25)\\,0.002)\\,0.22*sin(2*PI*3000*t)\\,0)':s=22050:d=3"
    )
    run_ffmpeg([*BASE_ARGS, "-f", "lavfi", "-i", source, "-ac", "1", str(peaky)])
    return build_narration_track([(0.0, peaky)], 3.0, tmp_path / "t.wav")


def _loudnorm_passes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """Each loudnorm run of the mix: its filter and the loudness it reports reaching."""
    passes: list[tuple[str, float]] = []
    real = audio.run_ffmpeg

    def counting(args: list[str], **kwargs: object) -> str:
        log = real(args, **kwargs)  # type: ignore[arg-type]
        for graph in (arg for arg in args if "loudnorm=" in arg):
            passes.append((graph, float(re.findall(r'"output_i" : "([^"]+)"', log)[-1])))
        return log

    monkeypatch.setattr(audio, "run_ffmpeg", counting)
    return passes


def test_loudnorm_runs_once_on_the_mix_measurement_when_it_ends_within_the_tolerance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a mix that needs loudnorm's dynamic mode, whose limiter costs it a little loudness
    track = _peaky_track(tmp_path)
    passes = _loudnorm_passes(monkeypatch)

    result = mix(track, None, 3.0, tmp_path / "mix.wav")

    # Then loudnorm runs once, on ebur128's measurement (no measuring pass of its own), within EBU R 128
    assert len(passes) == 1 and "measured_I=" in passes[0][0]
    assert result.loudness == passes[0][1]
    assert 0.05 < TARGET_LUFS - result.loudness <= audio.LOUDNESS_TOLERANCE_LU
    assert measure_loudness(result.path) == pytest.approx(result.loudness, abs=0.1)
    assert true_peak(result.path) <= TARGET_TRUE_PEAK + 0.1


def test_loudnorm_runs_again_offset_by_what_it_missed_past_the_tolerance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the same mix, and a tolerance its first loudnorm run misses
    track = _peaky_track(tmp_path)
    passes = _loudnorm_passes(monkeypatch)
    monkeypatch.setattr(audio, "LOUDNESS_TOLERANCE_LU", 0.05)

    result = mix(track, None, 3.0, tmp_path / "mix.wav")

    # Then it runs again with the offset it missed by, and ends nearer the target
    assert len(passes) == 2
    (_, first), (again, second) = passes
    assert f":offset={TARGET_LUFS - first:g}" in again
    assert result.loudness == second
    assert abs(TARGET_LUFS - second) < abs(TARGET_LUFS - first)
    assert true_peak(result.path) <= TARGET_TRUE_PEAK + 0.1
