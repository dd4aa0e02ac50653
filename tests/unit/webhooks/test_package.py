"""The webhook package runs on the standard library alone: the layer does not grow for it, and the delivery
function's cold start imports nothing heavy."""

from __future__ import annotations

import json

from tests.support.fresh_python import function_environment, run_python
from tests.support.paths import ROOT

#: Every module of the package imported as Lambda would, but without site-packages (-I -S): a third-party
#: import fails here instead of passing on the developer's venv.
IMPORT_ALONE = f"""
import json, sys
sys.path.insert(0, {str(ROOT / "layers" / "shared")!r})
import videogen.webhooks.payload, videogen.webhooks.schedule, videogen.webhooks.sender
import videogen.webhooks.signing, videogen.webhooks.urls
top = {{name.split(".")[0] for name in sys.modules}}
print(json.dumps({{
    "outside_stdlib": sorted(top - set(sys.stdlib_module_names) - {{"videogen", "__main__"}}),
    "videogen": sorted(name for name in sys.modules if name.startswith("videogen")),
}}))
"""


def test_the_package_imports_the_standard_library_the_exceptions_and_the_event_types_only() -> None:
    result = json.loads(run_python(IMPORT_ALONE, env=function_environment(), isolated=True))

    assert result["outside_stdlib"] == []
    assert set(result["videogen"]) == {
        "videogen",
        "videogen.exceptions",
        "videogen.domain",
        "videogen.domain.events",
        "videogen.domain.limits",
        "videogen.domain.webhooks",
        "videogen.webhooks",
        "videogen.webhooks.payload",
        "videogen.webhooks.schedule",
        "videogen.webhooks.sender",
        "videogen.webhooks.signing",
        "videogen.webhooks.urls",
    }
