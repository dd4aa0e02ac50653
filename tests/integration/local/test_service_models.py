"""A started local cloud reads each AWS service model once per process: botocore's sessions share one
loader, and moto reuses one of its own (whose models carry moto's extras)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# In a process of its own: the sharing lasts for the process, and this one's sessions are the tests'.
_PROBE = """
import json
import botocore.session, moto.core.utils
from videogen_local.cloud import LocalCloud

before = botocore.session.get_session().get_component("data_loader")
cloud = LocalCloud().start()
try:
    first = botocore.session.get_session().get_component("data_loader")
    second = botocore.session.get_session().get_component("data_loader")
    moto_first, moto_second = moto.core.utils.create_loader(), moto.core.utils.create_loader()
    print(json.dumps({
        "before_shared": before is first,
        "sessions_share": first is second,
        "moto_shares": moto_first is moto_second,
        "moto_is_moto": type(moto_first).__module__,
        "botocore_is_botocore": type(first).__module__,
    }))
finally:
    cloud.stop()
"""


def test_sessions_made_after_the_cloud_starts_share_one_loader_and_moto_keeps_its_own() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(  # noqa: S603 - this interpreter, our own probe
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True, env=env
    )

    found = json.loads(result.stdout.strip().splitlines()[-1])
    # A session made before the cloud started keeps the loader it had
    assert found["before_shared"] is False
    assert found["sessions_share"] is True
    assert found["moto_shares"] is True
    assert found["moto_is_moto"] == "moto.core.loaders"
    assert found["botocore_is_botocore"] == "botocore.loaders"
