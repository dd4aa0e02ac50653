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
import types


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

# The interpreter's modules, after the stand-in did its work (hence not at the top).
from moto.stepfunctions.parser.asl.eval.environment import Environment  # noqa: E402
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped  # noqa: E402
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication  # noqa: E402
from moto.stepfunctions.parser.models import StepFunctionsParserBackend  # noqa: E402

__all__ = ["BaseExecutionWorkerCommunication", "Environment", "ProgramStopped", "StepFunctionsParserBackend"]
