"""The ``voice`` setting: parsing, validation (422 listing the valid ids) and provider lookup."""

from __future__ import annotations

import pytest

from videogen.domain.voices import VoiceChoice, valid_voice_ids, validate_voice
from videogen.exceptions import UnknownVoiceException, ValidationException
from videogen.voice.registry import get_voice_provider


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("none", VoiceChoice("none", None)),
        ("NONE", VoiceChoice("none", None)),
        ("local", VoiceChoice("local", "en_US-joe-medium")),
        ("local:en_US-joe-medium", VoiceChoice("local", "en_US-joe-medium")),
        (" Local : en_us-JOE-medium ", VoiceChoice("local", "en_US-joe-medium")),
        ("polly", VoiceChoice("polly", "Joanna")),
        ("polly:Joanna", VoiceChoice("polly", "Joanna")),
        ("polly:matthew", VoiceChoice("polly", "Matthew")),
        ("Polly:Niamh", VoiceChoice("polly", "Niamh")),
    ],
)
def test_valid_voice_settings_are_parsed_to_their_canonical_form(value: str, expected: VoiceChoice) -> None:
    assert validate_voice(value) == expected


def test_voice_choice_prints_as_its_setting() -> None:
    assert str(validate_voice("polly:joanna")) == "polly:Joanna"
    assert str(validate_voice("none")) == "none"
    assert not validate_voice("none").enabled
    assert validate_voice("local").enabled


def test_an_unknown_polly_voice_is_a_422_listing_the_polly_voices() -> None:
    with pytest.raises(UnknownVoiceException) as caught:
        validate_voice("polly:Hal9000")
    error = caught.value
    assert isinstance(error, ValidationException)
    assert error.status_code == 422
    assert error.error_code == "INVALID_VOICE"
    assert "polly:Joanna" in error.details["valid"]
    assert all(voice.startswith("polly:") for voice in error.details["valid"])
    assert "polly:Hal9000" in error.message and "polly:Matthew" in error.message


@pytest.mark.parametrize("value", ["", "espeak", "espeak:x", "none:Joanna", "local:en_GB-alan-low", ":"])
def test_other_bad_voice_settings_are_rejected(value: str) -> None:
    with pytest.raises(UnknownVoiceException) as caught:
        validate_voice(value)
    assert caught.value.details["valid"]


def test_valid_voice_ids_cover_both_providers() -> None:
    ids = valid_voice_ids()
    assert {"none", "local", "polly", "local:en_US-joe-medium", "polly:Joanna", "polly:Amy"} <= set(ids)
    for value in ids:
        validate_voice(value)


def test_providers_are_created_once_and_lazily() -> None:
    polly = get_voice_provider("polly")
    assert polly is get_voice_provider("polly")
    assert polly.name == "polly"
    assert "Joanna" in polly.voices()
    assert get_voice_provider("local").name == "local"


def test_there_is_no_provider_for_none() -> None:
    with pytest.raises(UnknownVoiceException):
        get_voice_provider("none")
