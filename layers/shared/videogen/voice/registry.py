"""The voice engines: the provider that speaks a validated ``voice`` setting (see videogen.domain.voices)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from videogen.domain.voices import LOCAL, POLLY
from videogen.exceptions import UnknownVoiceException

if TYPE_CHECKING:
    from videogen.voice.base import VoiceProvider


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
