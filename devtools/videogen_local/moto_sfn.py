"""moto's Step Functions interpreter (the real ASL, run locally), imported without AWS Batch's models.

The interpreter imports every service integration it knows, and its Batch integration needs one enum from
``moto.batch.utils``. Importing that module the ordinary way runs the package ``moto.batch`` first, which
loads Batch's models and, through them, EC2's: 0.65-0.9 s of a `videogen render` that starts in ~2 s
(measured with ``-X importtime``), for a service the render state machine never calls.

So ``moto.batch.utils`` is loaded under a bare stand-in for its package, and the stand-in is removed at
once. A later ``import moto.batch`` (a request to the emulated Batch, say) still runs the real package,
which finds the same ``utils`` module already loaded. (The module is then not an attribute of the package,
which only ``moto.batch.utils.X`` written out would notice; moto imports names from it.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any


def _load_batch_utils_alone() -> None:
    if "moto.batch" in sys.modules or "moto.batch.utils" in sys.modules:
        return
    spec = importlib.util.find_spec("moto.batch")
    if spec is None or not spec.submodule_search_locations:
        return  # not where this moto keeps it: import it the ordinary way
    stand_in = types.ModuleType("moto.batch")
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules["moto.batch"] = stand_in
    try:
        importlib.import_module("moto.batch.utils")
    finally:
        del sys.modules["moto.batch"]


_load_batch_utils_alone()


def _reuse_lambda_clients() -> None:
    """The interpreter makes a new boto3 client for every Lambda task it runs (``boto_client_for``): 35 in
    a 10-scene render, 14 ms of CPU each. One client per region and endpoint serves them all (a botocore
    client is safe to share between threads); the endpoint is the emulator in this process, or moto's
    server when calls are not intercepted."""
    from moto.core.models import botocore_stubber  # noqa: PLC0415 - after the stand-in, as below
    from moto.settings import moto_server_port  # noqa: PLC0415
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import (  # noqa: PLC0415
        lambda_eval_utils,
    )

    make = lambda_eval_utils.boto_client_for
    made: dict[tuple[str, str, str | None], Any] = {}
    lock = threading.Lock()

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        server = None if botocore_stubber.enabled else str(moto_server_port())
        with lock:
            key = (region, service, server)
            if key not in made:
                made[key] = make(region=region, service=service, state_credentials=state_credentials)
            return made[key]

    lambda_eval_utils.boto_client_for = boto_client_for


_reuse_lambda_clients()

# The interpreter's modules, after the stand-in did its work (hence not at the top).
from moto.stepfunctions.parser.asl.eval.environment import Environment  # noqa: E402
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped  # noqa: E402
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication  # noqa: E402
from moto.stepfunctions.parser.models import StepFunctionsParserBackend  # noqa: E402

__all__ = ["BaseExecutionWorkerCommunication", "Environment", "ProgramStopped", "StepFunctionsParserBackend"]
