"""The voice engines: the provider that speaks a validated ``voice`` setting (see videogen.domain.voices)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from videogen.domain.voices import LOCAL, POLLY
from videogen.exceptions import UnknownVoiceException
from videogen.voice.piper import PiperVoiceProvider
from videogen.voice.polly import PollyVoiceProvider

if TYPE_CHECKING:
    from videogen.voice.base import VoiceProvider


@functools.cache
def get_voice_provider(name: str) -> VoiceProvider:
    """The provider named ``name`` ("local" or "polly"), created once per process (clients are reused).

    Raises:
        UnknownVoiceException: no such provider ("none" has no provider: check ``VoiceChoice.enabled``).
    """
    if name == LOCAL:
        return PiperVoiceProvider()
    if name == POLLY:
        return PollyVoiceProvider()
    raise UnknownVoiceException(name, [LOCAL, POLLY])
