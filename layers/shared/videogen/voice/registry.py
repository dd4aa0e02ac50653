"""The ``voice`` project setting: parsing and validating it, and the provider that speaks it.

The setting is one string: ``none`` (no narration), ``local`` or ``polly`` (the provider's default voice),
or ``provider:voice`` (``local:en_US-joe-medium``, ``polly:Joanna``). Validation uses static voice lists,
so the API can reject a bad id at project creation without loading an engine or an SDK.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from videogen.exceptions import UnknownVoiceException
from videogen.voice.catalog import (
    DEFAULT_LOCAL_VOICE,
    DEFAULT_POLLY_VOICE,
    LOCAL_VOICE_PACKAGES,
    POLLY_NEURAL_ENGLISH_VOICES,
)

if TYPE_CHECKING:
    from videogen.voice.base import VoiceProvider

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


@functools.cache
def get_voice_provider(name: str) -> VoiceProvider:
    """The provider named ``name`` ("local" or "polly"), created once per process (clients are reused).

    Raises:
        UnknownVoiceException: no such provider ("none" has no provider: check ``VoiceChoice.enabled``).
    """
    if name == LOCAL:
        from videogen.voice.piper import PiperVoiceProvider

        return PiperVoiceProvider()
    if name == POLLY:
        from videogen.voice.polly import PollyVoiceProvider

        return PollyVoiceProvider()
    raise UnknownVoiceException(name, [LOCAL, POLLY])
