"""PrepareRender decides which scene images exist with what it ships: no Pillow, no provider SDK, no
provider module and no SSM read. Run in a fresh interpreter where importing any of those fails, as it
would in the deployed function; the keys it expects are the ones the providers' images are stored under."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from tests.support.models import make_scene
from videogen.domain.enums import ProjectStatus
from videogen.domain.models import Project
from videogen.domain.settings import ProjectSettings
from videogen.logic.images import cache_key, image_request

PROJECT_ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 24, tzinfo=UTC)

#: Modules PrepareRender's folder and layers do not have, or must not touch.
BLOCKED = [
    "PIL",
    "grpc",
    "stability_sdk",
    "imageio_ffmpeg",
    "aws_lambda_powertools.utilities.parameters",  # the Stability key's SSM read
    "videogen.providers.local",
    "videogen.providers.stability_rest",
    "videogen.providers.stability_grpc",
    "videogen.providers.bedrock",
    "videogen.providers.imaging",
]

#: Reads (cases, blocked modules) from stdin and makes importing a blocked module fail.
BLOCKER = """
import importlib.abc, json, sys

cases, blocked = json.load(sys.stdin)

class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in blocked):
            raise ImportError(f"{name} is not available to PrepareRender")
        return None

sys.meta_path.insert(0, Blocked())
"""
#: Runs prepare_render on two scenes: scene 1 has the image its key names (it is ready), scene 2 none.
PREPARE = """
from datetime import UTC, datetime
from videogen.domain.enums import ProjectStatus, Transition
from videogen.domain.models import Project, Scene
from videogen.domain.settings import ProjectSettings
from videogen.pipeline import prepare
from videogen.logic import images
from videogen.config import Config

now = datetime(2026, 11, 24, tzinfo=UTC)
stored = set()
prepare.projects.set_render_status = lambda *args, **kwargs: True
prepare.projects.add_scene_done = lambda *args: None
images.storage.object_exists = lambda bucket, key: key in stored
results = []
for case in cases:
    project = Project(
        id=case["project_id"], owner_id="alice", title="t", status=ProjectStatus.QUEUED, version=1,
        created_at=now, updated_at=now, scene_set="s1", render_id="000001",
        settings=ProjectSettings.model_validate({"image_provider": case["provider"]}),
    )
    scenes = [
        Scene(project.id, number, "Dawn", "The sea.", "Dawn. The sea.", False, None, Transition.FADE, 1,
              False, key, 1, now)
        for number, key in ((1, case["stored_key"]), (2, None))
    ]
    stored = {case["stored_key"]}
    prepare.projects.get_project_any_owner = lambda project_id, project=project: project
    prepare.scenes.all_scenes = lambda project_id, scene_set, scenes=scenes: scenes
    settings = Config(
        table_name="t", media_bucket="b", stability_api_key_parameter="/videogen/stability-key",
        stability_api=case["stability_api"], bedrock_model_id=case["bedrock_model_id"],
    )
    results.append(prepare.prepare_render(project.id, "000001", settings))
print(json.dumps(results))
"""

#: The provider and model each configuration's images were stored under before PrepareRender stopped
#: building providers: the keys must not change, or every cached image would be paid for again.
CASES: list[tuple[str, str, str, str]] = [
    # (image_provider, STABILITY_API, BEDROCK_MODEL_ID, model in the key)
    ("local", "rest", "stability.stable-image-core-v1:1", "procedural-v2"),
    ("stability", "rest", "stability.stable-image-core-v1:1", "core"),
    ("stability", "grpc", "stability.stable-image-core-v1:1", "stable-diffusion-xl-1024-v1-0"),
    ("bedrock", "rest", "stability.stable-image-core-v1:1", "stability.stable-image-core-v1:1"),
    ("bedrock", "rest", "amazon.nova-canvas-v1:0", "amazon.nova-canvas-v1:0"),
]


def _stored_key(provider: str, model: str) -> str:
    """The key GenerateImage stored scene 1's image under, for ``provider`` drawing with ``model``."""
    project = Project(
        id=PROJECT_ID,
        owner_id="alice",
        title="t",
        settings=ProjectSettings.model_validate({"image_provider": provider}),
        status=ProjectStatus.QUEUED,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )
    scene = make_scene(PROJECT_ID, image_stale=False, updated_at=NOW)
    return cache_key(PROJECT_ID, provider, model, image_request(project, scene))


def _prepare_in_a_bare_interpreter(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, "-c", BLOCKER + PREPARE],
        input=json.dumps([cases, BLOCKED]),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    results: list[dict[str, Any]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return results


def test_prepare_render_finds_cached_images_without_image_libraries_or_credentials() -> None:
    cases = [
        {
            "project_id": PROJECT_ID,
            "provider": provider,
            "stability_api": stability_api,
            "bedrock_model_id": bedrock_model_id,
            "stored_key": _stored_key(provider, model),
        }
        for provider, stability_api, bedrock_model_id, model in CASES
    ]

    results = _prepare_in_a_bare_interpreter(cases)

    # Scene 1's stored image is found under the key it was stored under; scene 2 has none yet.
    assert results == [{"scenes": [2], "all_scenes": [1, 2], "scene_count": 2}] * len(CASES)


def test_the_child_really_blocks_what_it_claims_to() -> None:
    """Without this, a blocker that blocked nothing would make the test above pass for any code."""
    completed = subprocess.run(
        [sys.executable, "-c", BLOCKER + "import PIL\n"],
        input=json.dumps([[], BLOCKED]),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert completed.returncode != 0
    assert "PIL is not available to PrepareRender" in completed.stderr
