"""The local cloud loads moto's Step Functions interpreter without AWS Batch's and EC2's models, and moto's
Batch still imports whole afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import json, sys
import videogen_local.cloud
loaded = {name: name in sys.modules for name in ("moto.batch", "moto.batch.models", "moto.ec2.models")}
utils = sys.modules["moto.batch.utils"]
import moto.batch
print(json.dumps({
    "before": loaded,
    "stand_in_gone": hasattr(moto.batch, "batch_backends"),
    "same_utils": sys.modules["moto.batch.utils"] is utils and moto.batch.models.JobStatus is utils.JobStatus,
}))
"""


def test_the_interpreter_loads_without_batch_models_and_batch_still_imports_whole_later() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(  # noqa: S603 - this interpreter, our own probe
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True, env=env
    )

    found = json.loads(result.stdout)
    assert found["before"] == {"moto.batch": False, "moto.batch.models": False, "moto.ec2.models": False}
    assert found["stand_in_gone"] is True
    assert found["same_utils"] is True


def test_the_interpreter_reuses_one_lambda_client_per_region() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import (  # noqa: PLC0415
        lambda_eval_utils,
    )

    import videogen_local.moto_sfn  # noqa: F401, PLC0415 - what patches the interpreter

    first = lambda_eval_utils.boto_client_for(region="us-east-1", service="lambda")

    assert lambda_eval_utils.boto_client_for(region="us-east-1", service="lambda") is first
    other = lambda_eval_utils.boto_client_for(region="eu-west-1", service="lambda")
    assert other is not first and other.meta.region_name == "eu-west-1"
