"""The soundtrack: scene narrations laid on one track, background music under it, loudness-normalized.

* **Narration track.** Each scene's narration is resampled to 48 kHz and delayed by a whole number of
  samples to its start, then the clips are summed (they never overlap, so nothing is scaled) and padded or
  cut to the video's exact length.
* **Music.** Looped or trimmed to the video, faded out over its last seconds, set a fixed distance below
  the voice (both stems are measured with ``ebur128`` first, so a loud or quiet upload mixes the same), and
  ducked further under speech by a sidechain compressor keyed by the narration.
* **Loudness.** To -16 LUFS integrated (-1.5 dBTP): ``ebur128`` measures the mix, and one linear gain
  brings it there where the true peaks allow; else ``loudnorm`` in its dynamic mode, given that measurement,
  once more only if it ends further from the target than EBU R 128 allows (0.5 LU).

ffmpeg runs with argument lists only; paths never enter a filtergraph (they are ``-i`` inputs).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple

from videogen.domain.limits import MAX_MUSIC_BYTES, MAX_MUSIC_SECONDS
from videogen.exceptions import InvalidMusicException, UnreadableMediaException, VideoAssemblyException
from videogen.media.ffmpeg import Deadline, expr_number, run_ffmpeg
from videogen.media.probe import probe

SAMPLE_RATE: Final = 48_000
TARGET_LUFS: Final = -16.0
TARGET_TRUE_PEAK: Final = -1.5
#: How far the result may miss TARGET_LUFS: EBU R 128's permitted deviation from its target level.
LOUDNESS_TOLERANCE_LU: Final = 0.5
#: Loudness range allowed before loudnorm leaves linear mode; speech with music between scenes is wide.
TARGET_LRA: Final = 20.0
FADE_OUT_SECONDS: Final = 2.0
#: Integrated loudness of the music bed below the voice, before ducking takes it lower under speech.
MUSIC_BELOW_VOICE_LU: Final = 14.0
#: What ebur128 reports for silence (its absolute gate); anything at or below it has no loudness.
SILENCE_LUFS: Final = -70.0
#: Logged at info level so that ebur128's and loudnorm's summaries reach stderr.
_ARGS: Final = ("-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-y")
_CODECS: Final = {
    ".wav": ["-c:a", "pcm_s16le"],
    ".flac": ["-c:a", "flac", "-sample_fmt", "s16"],
    ".m4a": ["-c:a", "aac", "-b:a", "192k"],
}
#: Encoders such as FLAC take their block size from the first frame; atrim/loudnorm frames can be huge.
_FRAMES: Final = "asetnsamples=n=4096:p=0"
_FORMAT: Final = f"aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}"
_INTEGRATED = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf|nan)\s*LUFS", re.IGNORECASE)
_GATE = re.compile(
    r"Integrated loudness:\s*I:\s*(?:-?[\d.]+|-inf|nan)\s*LUFS\s*Threshold:\s*(-?[\d.]+|-inf|nan)\s*LUFS",
    re.IGNORECASE,
)
_RANGE = re.compile(r"Loudness range:\s*LRA:\s*(-?[\d.]+|-inf|nan)\s*LU", re.IGNORECASE)
_TRUE_PEAK = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf|nan)\s*dBFS", re.IGNORECASE)
_JSON_BLOCK = re.compile(r"\{[^{}]*\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class MixResult:
    """The mixed soundtrack: where it is, its length, and its loudness as loudnorm measured it."""

    path: Path
    duration: float
    loudness: float | None


def validate_music(path: Path) -> float:
    """Check a music upload and return its length in seconds.

    A video file with an audio track is accepted (its audio is used).

    Raises:
        InvalidMusicException: the file is over 50 MB, is not audio ffmpeg can read, has no length, or
            lasts more than 30 minutes.
        VideoAssemblyException: ffmpeg is missing or could not be run: no verdict on the file.
    """
    size = path.stat().st_size if path.is_file() else 0
    if size > MAX_MUSIC_BYTES:
        raise InvalidMusicException.too_large(size)
    not_audio = InvalidMusicException("The music file is not an audio file (MP3, AAC, WAV, FLAC or Ogg).")
    if size == 0:
        raise not_audio
    try:
        info = probe(path)
    except UnreadableMediaException as exc:
        # Only ffmpeg's verdict on the file is the uploader's fault; a missing or failing ffmpeg is ours,
        # and raises on (a 500), rather than telling them their file is not audio.
        raise not_audio from exc
    if not info.has_audio:
        raise not_audio
    if info.duration <= 0:
        raise InvalidMusicException("The music file's length cannot be read; it may be damaged.")
    if info.duration > MAX_MUSIC_SECONDS:
        minutes, seconds = divmod(round(info.duration), 60)
        raise InvalidMusicException(
            f"The music lasts {minutes}:{seconds:02d}; the limit is {MAX_MUSIC_SECONDS // 60} minutes.",
            {"duration_seconds": round(info.duration, 3), "max_seconds": MAX_MUSIC_SECONDS},
        )
    return info.duration


def measure_loudness(path: Path, *, deadline: Deadline | None = None) -> float:
    """Integrated loudness of ``path`` in LUFS, as ffmpeg's ``ebur128`` filter measures it (-70 for silence).

    Raises:
        VideoAssemblyException: ffmpeg could not read the file or printed no summary.
    """
    if not path.is_file():
        raise VideoAssemblyException("The audio file to measure is missing")
    stderr = run_ffmpeg(
        [
            *_ARGS,
            "-i",
            str(path.resolve()),
            "-map",
            "0:a:0",
            "-af",
            "ebur128=framelog=quiet",
            "-f",
            "null",
            "-",
        ],
        deadline=deadline,
        what="a loudness measurement",
    )
    return _integrated(stderr)


def build_narration_track(
    scene_audio: Sequence[tuple[float, Path | None]],
    total: float,
    out: Path,
    *,
    deadline: Deadline | None = None,
) -> Path:
    """One mono 48 kHz track of ``total`` seconds with each scene's narration at its start, silence elsewhere.

    Args:
        scene_audio: (start in the video, narration file or None for a silent scene) per scene.
        total: the video's length; audio past it is cut.
        out: the file to write (.wav, .flac or .m4a).

    Raises:
        VideoAssemblyException: a bad start or length, a missing clip, or ffmpeg failing.
    """
    samples = _samples(total)
    clips = [(start, path) for start, path in scene_audio if path is not None]
    for start, path in clips:
        if not (math.isfinite(start) and start >= 0):
            raise VideoAssemblyException("A narration starts at an invalid time", {"start": start})
        if not path.is_file():
            raise VideoAssemblyException("A narration clip is missing")
    args = [*_ARGS]
    if not clips:
        args += ["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=mono"]
        graph = f"[0:a]atrim=end_sample={samples},{_FRAMES}[out]"
    else:
        chains = []
        for index, (start, path) in enumerate(clips):
            args += ["-i", str(path.resolve())]
            # Delayed by whole samples at the output rate: the start is exact, and never drifts.
            delay = round(start * SAMPLE_RATE)
            chains.append(
                f"[{index}:a]{_FORMAT}:channel_layouts=mono,adelay=delays={delay}S:all=1[clip{index}]"
            )
        labels = "".join(f"[clip{index}]" for index in range(len(clips)))
        summed = (
            f"{labels}amix=inputs={len(clips)}:normalize=0:duration=longest," if len(clips) > 1 else labels
        )
        graph = ";".join([*chains, f"{summed}apad,atrim=end_sample={samples},{_FRAMES}[out]"])
    out.parent.mkdir(parents=True, exist_ok=True)
    run_ffmpeg(
        [
            *args,
            "-filter_complex",
            graph,
            "-map",
            "[out]",
            "-ar",
            str(SAMPLE_RATE),
            *_codec(out),
            str(out.resolve()),
        ],
        deadline=deadline,
        what="the narration track",
    )
    return out


def mix(
    narration: Path | None,
    music: Path | None,
    total: float,
    out: Path,
    *,
    target: float = TARGET_LUFS,
    fade_out: float = FADE_OUT_SECONDS,
    deadline: Deadline | None = None,
) -> MixResult:
    """The stereo 48 kHz soundtrack of ``total`` seconds: narration over ducked music, at ``target`` LUFS.

    Args:
        narration: the narration track (``build_narration_track``), or None.
        music: a music file (checked with ``validate_music``), or None.
        total: the video's length.
        out: the file to write (.wav, .flac or .m4a); the assembler muxes it as AAC.
        target: integrated loudness of the result.
        fade_out: seconds of fade at the end of the music.

    Raises:
        VideoAssemblyException: a missing input or ffmpeg failing.
    """
    samples = _samples(total)
    for path in (narration, music):
        if path is not None and not path.is_file():
            raise VideoAssemblyException("An audio input of the mix is missing")
    voice_level = measure_loudness(narration, deadline=deadline) if narration is not None else SILENCE_LUFS
    music_level = _music_loudness(music, samples, deadline) if music is not None else SILENCE_LUFS
    # A silent input (a narration of unspeakable text, a silent upload) is left out, not normalized up.
    voice = narration if voice_level > SILENCE_LUFS else None
    tune = music if music_level > SILENCE_LUFS else None
    out.parent.mkdir(parents=True, exist_ok=True)
    if voice is None and tune is None:
        run_ffmpeg(
            [*_ARGS, "-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo",
             "-af", f"atrim=end_sample={samples},{_FRAMES}", *_codec(out), str(out.resolve())],
            deadline=deadline,
            what="a silent soundtrack",
        )  # fmt: skip
        return MixResult(out, samples / SAMPLE_RATE, None)

    inputs: list[str] = []
    chains: list[str] = []
    stereo = f"{_FORMAT}:channel_layouts=stereo"
    if voice is not None:
        inputs += ["-i", str(voice.resolve())]
        # The voice is brought to the target on its own, so the music can be set relative to it.
        voice_gain = expr_number(target - voice_level)
        chains.append(f"[0:a]{stereo},apad,atrim=end_sample={samples},volume={voice_gain}dB[voice]")
    if tune is not None:
        index = 0 if voice is None else 1
        inputs += ["-stream_loop", "-1", "-i", str(tune.resolve())]
        bed = target if voice is None else target - MUSIC_BELOW_VOICE_LU
        fade = min(fade_out, total)
        chains.append(
            f"[{index}:a]{stereo},atrim=end_sample={samples},asetpts=N/SR/TB,"
            f"volume={expr_number(bed - music_level)}dB,"
            f"afade=t=out:st={expr_number(max(0.0, total - fade))}:d={expr_number(fade)}[bed]"
        )
    if voice is not None and tune is not None:
        chains += [
            "[voice]asplit=2[speech][key]",
            # Music dips ~10 dB within 20 ms of speech and comes back over 0.4 s once it stops.
            "[bed][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400:makeup=1[ducked]",
            "[speech][ducked]amix=inputs=2:normalize=0:duration=first[mixed]",
        ]
    else:
        chains.append(f"{'[bed]' if voice is None else '[voice]'}anull[mixed]")
    graph = ";".join(chains)

    # The mix measured at 48 kHz by ebur128 (integrated loudness, range, true peak). Where one gain brings
    # it to the target with its peaks below the ceiling, that gain is all (what loudnorm's linear mode
    # does, without its 192 kHz round trip: measured 0.18 against 0.85 s of CPU a pass for 30 s).
    level = _loudness_summary(_run_mix(inputs, graph, "ebur128=peak=true:framelog=quiet", None, deadline))
    gain = target - level.integrated
    if level.peak + gain <= TARGET_TRUE_PEAK and level.range <= TARGET_LRA:
        tail = f"volume={expr_number(gain)}dB,apad,atrim=end_sample={samples},{_FRAMES}"
        _run_mix(inputs, graph, tail, out, deadline)
        return MixResult(out, samples / SAMPLE_RATE, target)
    # Else loudnorm in its dynamic mode, given ebur128's measurement of this same mix instead of a first
    # pass of its own (which works at 192 kHz: 0.9 s of CPU for 30 s, the soundtrack's largest cost). Its
    # true-peak limiter leaves the result a little under the target (0.3 LU for the local voice); only
    # past EBU R 128's tolerance does it run again, offset by what it missed.
    loudnorm = (
        f"loudnorm=I={expr_number(target)}:TP={expr_number(TARGET_TRUE_PEAK)}:LRA={expr_number(TARGET_LRA)}"
        f":print_format=json:measured_I={expr_number(level.integrated)}:measured_TP={expr_number(level.peak)}"
        f":measured_LRA={expr_number(level.range)}:measured_thresh={expr_number(level.threshold)}"
    )
    result = _run_loudnorm(inputs, graph, loudnorm, samples, out, deadline=deadline)
    reached = _number(result.get("output_i"))
    if reached is not None and abs(target - reached) > LOUDNESS_TOLERANCE_LU:
        offset = expr_number(target - reached)
        result = _run_loudnorm(inputs, graph, f"{loudnorm}:offset={offset}", samples, out, deadline=deadline)
        reached = _number(result.get("output_i"))
    return MixResult(out, samples / SAMPLE_RATE, reached)


def _run_loudnorm(
    inputs: Sequence[str], graph: str, loudnorm: str, samples: int, out: Path, *, deadline: Deadline | None
) -> dict[str, str]:
    """The mix through ``loudnorm`` into ``out``; returns loudnorm's summary. loudnorm works at 192 kHz
    internally: back to 48 kHz, and to the exact sample count."""
    tail = f"{loudnorm},aresample={SAMPLE_RATE},apad,atrim=end_sample={samples},{_FRAMES}"
    return _loudnorm_stats(_run_mix(inputs, graph, tail, out, deadline))


def _run_mix(
    inputs: Sequence[str], graph: str, tail: str, out: Path | None, deadline: Deadline | None
) -> str:
    """ffmpeg over the mix's ``graph`` with ``tail`` after its ``[mixed]`` output: written to ``out`` (48 kHz
    stereo), or only measured (None). Returns ffmpeg's log (the filters' summaries)."""
    destination = (
        ["-ar", str(SAMPLE_RATE), "-ac", "2", *_codec(out), str(out.resolve())]
        if out is not None
        else ["-f", "null", "-"]
    )
    return run_ffmpeg(
        [*_ARGS, *inputs, "-filter_complex", f"{graph};[mixed]{tail}[out]", "-map", "[out]", *destination],
        deadline=deadline,
        what="the audio mix" if out is not None else "the audio mix (measuring)",
    )


def _music_loudness(music: Path, samples: int, deadline: Deadline | None) -> float:
    """Loudness of the music as it will play: looped or trimmed to the video's length."""
    stderr = run_ffmpeg(
        [*_ARGS, "-stream_loop", "-1", "-i", str(music.resolve()), "-map", "0:a:0",
         "-af", f"{_FORMAT},atrim=end_sample={samples},ebur128=framelog=quiet", "-f", "null", "-"],
        deadline=deadline,
        what="measuring the music",
    )  # fmt: skip
    return _integrated(stderr)


def _integrated(stderr: str) -> float:
    matches = _INTEGRATED.findall(stderr)
    if not matches:
        raise VideoAssemblyException("The loudness of the audio could not be measured")
    value = _number(matches[-1])
    return SILENCE_LUFS if value is None else max(SILENCE_LUFS, value)


class _Loudness(NamedTuple):
    integrated: float  # LUFS
    range: float  # LU
    peak: float  # dBTP
    threshold: float  # LUFS: the relative gate of the integrated loudness


def _loudness_summary(stderr: str) -> _Loudness:
    """ebur128's summary (with ``peak=true``): integrated loudness, loudness range, true peak and gate."""
    values = [_number(match[-1]) if match else None for match in (
        _INTEGRATED.findall(stderr), _RANGE.findall(stderr), _TRUE_PEAK.findall(stderr), _GATE.findall(stderr)
    )]  # fmt: skip
    integrated, spread, peak, gate = values
    if integrated is None or spread is None or peak is None or gate is None:
        raise VideoAssemblyException("The loudness of the mix could not be measured")
    return _Loudness(integrated, spread, peak, gate)


def _loudnorm_stats(stderr: str) -> dict[str, str]:
    for block in reversed(_JSON_BLOCK.findall(stderr)):
        try:
            stats = json.loads(block)
        except ValueError:
            continue
        if isinstance(stats, dict) and "input_i" in stats:
            return {key: str(value) for key, value in stats.items()}
    raise VideoAssemblyException("The loudness of the mix could not be measured")


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _samples(total: float) -> int:
    if not (math.isfinite(total) and total > 0):
        raise VideoAssemblyException("The soundtrack length must be a positive number of seconds")
    return round(total * SAMPLE_RATE)


def _codec(out: Path) -> list[str]:
    codec = _CODECS.get(out.suffix.lower())
    if codec is None:
        raise VideoAssemblyException("The soundtrack must be written as .wav, .flac or .m4a")
    return list(codec)
