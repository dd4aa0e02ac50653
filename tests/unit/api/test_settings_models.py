"""The settings parts of the API bodies are ProjectSettings: the same fields, the same checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from videogen.api.models import ProjectSettingsPatch, ProjectUpdateRequest
from videogen.domain.settings import ProjectSettings


def test_patch_body_names_every_project_setting_in_order() -> None:
    assert list(ProjectSettingsPatch.model_fields) == list(ProjectSettings.model_fields)


@pytest.mark.parametrize(
    ("name", "value"),
    [("fps", 29), ("seed", -1), ("seed", "7"), ("style", "s" * 201), ("voice", "nobody"), ("captions", 1)],
)
def test_patch_body_refuses_what_project_settings_refuse(name: str, value: object) -> None:
    with pytest.raises(ValidationError):
        ProjectSettings.model_validate({name: value})

    with pytest.raises(ValidationError):
        ProjectSettingsPatch.model_validate({name: value})


def test_patch_body_keeps_the_canonical_voice_and_unset_fields_unset() -> None:
    patch = ProjectSettingsPatch.model_validate({"voice": "POLLY:joanna"})

    assert patch.model_dump(exclude_unset=True) == {"voice": "polly:Joanna"}


@pytest.mark.parametrize("name", [name for name in ProjectSettings.model_fields if name != "seed"])
def test_patch_body_refuses_null_except_for_the_seed(name: str) -> None:
    with pytest.raises(ValidationError, match="null is not a value here"):
        ProjectUpdateRequest.model_validate({"settings": {name: None}})


def test_patch_body_sets_the_seed_back_to_null() -> None:
    request = ProjectUpdateRequest.model_validate({"settings": {"seed": None}})

    assert request.settings is not None
    assert request.settings.model_dump(exclude_unset=True) == {"seed": None}
