"""The cost model's figures that template.yaml also states: prices (Parameters, passed to every function
through Globals) and each function's memory size."""

from __future__ import annotations

import pytest

from tests.support.paths import TEMPLATE
from videogen.config import Config
from videogen.domain.costs import MEMORY_MB
from videogen_local.template import Template

BODY = Template.load(TEMPLATE).body
PARAMETERS = BODY["Parameters"]
VARIABLES = BODY["Globals"]["Function"]["Environment"]["Variables"]

#: Each price setting and the parameter that sets it.
PRICE_PARAMETERS = {
    "price_lambda_gb_second_usd": "PriceLambdaGbSecondUsd",
    "price_lambda_request_usd": "PriceLambdaRequestUsd",
    "price_state_transition_usd": "PriceStateTransitionUsd",
    "price_s3_put_usd": "PriceS3PutUsd",
    "price_s3_get_usd": "PriceS3GetUsd",
    "price_stability_image_usd": "PriceStabilityImageUsd",
    "price_bedrock_image_usd": "PriceBedrockImageUsd",
    "price_polly_character_usd": "PricePollyCharacterUsd",
    "monthly_budget_per_owner_usd": "MonthlyBudgetPerOwnerUsd",
}
#: The functions a successful render invokes once the segmented state machine lands (issue 14), with the
#: storyboard made before assembly (issue 15).
RENDER_FUNCTIONS = [
    "PrepareRender",
    "GenerateImage",
    "SynthesizeNarration",
    "MakeStoryboard",
    "PlanSegments",
    "RenderSegment",
    "MixAudio",
    "ConcatVideo",
    "FinishRender",
]


@pytest.mark.parametrize(("setting", "parameter"), sorted(PRICE_PARAMETERS.items()))
def test_each_price_is_a_parameter_every_function_reads_with_the_same_default(
    setting: str, parameter: str
) -> None:
    assert VARIABLES[setting.upper()] == {"Ref": parameter}
    assert PARAMETERS[parameter]["Type"] == "Number"
    assert float(PARAMETERS[parameter]["Default"]) == Config.model_fields[setting].default


def test_every_price_setting_has_its_parameter() -> None:
    settings = {name for name in Config.model_fields if name.startswith("price_") or "budget" in name}

    assert settings == set(PRICE_PARAMETERS)


def test_the_model_prices_a_render_of_every_function_it_invokes() -> None:
    assert list(MEMORY_MB) == RENDER_FUNCTIONS


@pytest.mark.parametrize("function", RENDER_FUNCTIONS)
def test_the_models_memory_is_the_functions_memory_size_in_template_yaml(function: str) -> None:
    resource = BODY["Resources"][f"{function}Function"]
    memory = resource["Properties"].get("MemorySize", BODY["Globals"]["Function"]["MemorySize"])

    assert MEMORY_MB[function] == memory
