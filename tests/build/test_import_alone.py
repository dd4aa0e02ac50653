"""Every function's handler imports alone from its `sam build` folder, as Lambda imports it: a fresh
``python3.13 -I -S`` with only the function's code and layers on ``sys.path`` and the template's
environment. A dependency that only the development venv provides fails here, in seconds, before any
render runs."""

from __future__ import annotations

import pytest

from tests.support.cloud import module_cloud_fixture
from tests.support.paths import ROOT
from videogen_local.cloud import LocalCloud
from videogen_local.template import Template
from videogen_local.workers import FunctionError

FUNCTIONS = sorted(Template.load(ROOT / "template.yaml").resources_of_type("AWS::Serverless::Function"))


built_cloud = module_cloud_fixture(from_build=True, workers_per_function=1)


def test_every_function_of_the_template_is_checked() -> None:
    assert len(FUNCTIONS) >= 12
    assert {
        "MakeStoryboardFunction",
        "PlanSegmentsFunction",
        "RenderSegmentFunction",
        "MixAudioFunction",
        "ConcatVideoFunction",
    } <= set(FUNCTIONS)


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_handler_imports_alone_from_its_build(built_cloud: LocalCloud, logical_id: str) -> None:
    # An empty event: the handler may refuse it, but only after its module imported and initialised.
    try:
        built_cloud.invoke(logical_id, {})
    except FunctionError as exc:
        assert not exc.error_type.startswith("Runtime."), exc.message
    pool = built_cloud.pools[logical_id]
    assert pool.started == 1
    # The module stays imported: the container is warm for the next invoke.
    assert pool.worker_count == 1
