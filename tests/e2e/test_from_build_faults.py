"""A built function that times out or runs out of memory mid-render: Lambda's error reaches the state
machine, whose Catch records the render FAILED with a reason; the next render gets fresh workers."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.build import FROM_BUILD
from videogen_local.cloud import LocalCloud

#: Long enough that assembling it takes well over a second (the shortest Timeout a template can give).
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 5s\n\n## Boats\nBoats leave.\nDuration: 5s\n"
SETTINGS = {"resolution": "720p", "fps": 30, "voice": "none"}

pytestmark = pytest.mark.parametrize("cloud", [FROM_BUILD], indirect=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("logical_id", "change", "code"),
    [
        ("RenderSegmentFunction", {"timeout": 1}, "RENDER_TIMED_OUT"),
        ("PrepareRenderFunction", {"memory": 16}, "INTERNAL_ERROR"),
    ],
    ids=["a-segment-times-out", "prepare-runs-out-of-memory"],
)
def test_a_step_killed_as_lambda_would_fails_the_render_with_a_reason_and_the_next_render_completes(
    cloud: LocalCloud, api: ApiCaller, logical_id: str, change: dict[str, int], code: str
) -> None:
    # Given a function whose limit the render step will exceed
    pool = cloud.pools[logical_id]
    normal = pool.function
    pool.function = dataclasses.replace(normal, **change)
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}).body

    # When the project renders, the worker is killed
    assert api.post(f"/projects/{created['id']}/renders").status == 202
    failed = wait_for_render(api, created["id"], timeout=120)

    # Then the render ends FAILED, with a reason a person can read and no internals
    assert failed["status"] == "FAILED"
    assert failed["error"]["code"] == code
    assert failed["error"]["message"]
    assert "Traceback" not in failed["error"]["message"]
    assert pool.worker_count == 0  # the killed container is gone

    # and, with the limit back, the next render gets a fresh worker and completes
    pool.function = normal
    assert api.post(f"/projects/{created['id']}/renders").status == 202
    assert wait_for_render(api, created["id"], timeout=120)["status"] == "COMPLETED"
