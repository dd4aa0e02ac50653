"""image_providers and its one-item form image_provider: one fact, two spellings (domain.settings)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from videogen.domain.enums import ImageProviderName
from videogen.domain.settings import ProjectSettings, merge_settings, provider_conflict
from videogen.scripts.errors import FieldProblem
from videogen.scripts.setting_values import setting_value

STABILITY, BEDROCK, LOCAL = ImageProviderName.STABILITY, ImageProviderName.BEDROCK, ImageProviderName.LOCAL


def test_the_default_is_the_local_provider_in_both_spellings() -> None:
    settings = ProjectSettings()

    assert (settings.image_provider, settings.image_providers) == (LOCAL, (LOCAL,))
    dumped = settings.model_dump(mode="json")
    assert (dumped["image_provider"], dumped["image_providers"]) == ("local", ["local"])


def test_a_stored_project_from_before_the_list_reads_as_a_list_of_its_provider() -> None:
    stored = {"image_provider": "bedrock", "resolution": "720p"}

    assert ProjectSettings.model_validate(stored).image_providers == (BEDROCK,)


def test_the_list_sets_the_single_provider_to_its_first() -> None:
    settings = ProjectSettings.model_validate({"image_providers": ["stability", "bedrock"]})

    assert (settings.image_provider, settings.image_providers) == (STABILITY, (STABILITY, BEDROCK))


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"image_providers": []}, "at least 1 item"),
        ({"image_providers": ["bedrock", "bedrock"]}, "repeated: bedrock"),
        ({"image_providers": ["local", "stability", "bedrock", "local"]}, "at most 3 items"),
        ({"image_providers": ["dall-e"]}, "'local', 'stability' or 'bedrock'"),
        ({"image_provider": "bedrock", "image_providers": ["stability", "bedrock"]}, "must be the first"),
    ],
)
def test_bad_provider_settings_are_refused(settings: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        ProjectSettings.model_validate(settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"image_provider": "local", "image_providers": None},
        {"image_provider": None, "image_providers": ["local"]},
    ],
    ids=["null list", "null provider"],
)
def test_an_explicit_null_is_refused_not_derived(settings: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ProjectSettings.model_validate(settings)


def test_a_disagreement_is_reported_on_the_list() -> None:
    with pytest.raises(ValidationError) as info:
        ProjectSettings.model_validate({"image_provider": "local", "image_providers": ["bedrock"]})

    assert [error["loc"] for error in info.value.errors()] == [("image_providers",)]


def test_a_bad_name_is_reported_on_the_list_not_on_the_single_provider() -> None:
    with pytest.raises(ValidationError) as info:
        ProjectSettings.model_validate({"image_providers": ["dall-e"]})

    assert {error["loc"][0] for error in info.value.errors()} == {"image_providers"}


@pytest.mark.parametrize(
    ("one", "many", "agree"),
    [
        (None, ["bedrock"], True),
        ("bedrock", None, True),
        ("Bedrock", ["bedrock", "local"], True),
        (STABILITY, (STABILITY,), True),
        ("local", ["bedrock", "local"], False),
    ],
)
def test_the_two_spellings_agree_when_the_single_one_is_the_lists_first(
    one: object, many: object, agree: bool
) -> None:
    assert (provider_conflict(one, many) is None) is agree


def test_a_layer_naming_either_spelling_replaces_both() -> None:
    stored = ProjectSettings.model_validate({"image_providers": ["stability", "bedrock"], "style": "ink"})

    merged = merge_settings(stored.model_dump(), {"image_provider": "local"})

    assert ProjectSettings.model_validate(merged).image_providers == (LOCAL,)
    assert merged["style"] == "ink"


def test_a_layer_naming_neither_keeps_the_list() -> None:
    stored = ProjectSettings.model_validate({"image_providers": ["stability", "bedrock"]})

    merged = merge_settings(stored.model_dump(), {"style": "ink"})

    assert ProjectSettings.model_validate(merged).image_providers == (STABILITY, BEDROCK)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("Stability, bedrock", (STABILITY, BEDROCK)),
        ("local", (LOCAL,)),
        (["bedrock", "LOCAL"], (BEDROCK, LOCAL)),
    ],
)
def test_a_script_lists_providers_separated_by_commas_or_as_a_json_list(
    written: object, value: object
) -> None:
    assert setting_value("image_providers", written) == value


@pytest.mark.parametrize("written", ["stability, dall-e", "local, local", "a, b, c, d", 7])
def test_a_bad_list_in_a_script_says_what_the_setting_takes(written: object) -> None:
    with pytest.raises(FieldProblem) as info:
        setting_value("image_providers", written)

    assert info.value.problem == (
        "image_providers must list 1 to 3 different ones of local, stability, bedrock, separated by commas"
    )
