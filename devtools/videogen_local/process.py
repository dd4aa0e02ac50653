"""How a process that runs the local cloud (`videogen`, the demo) sets up Python's cyclic garbage collector.

The local cloud keeps every emulated service, every function's modules and the media of a render in one
heap of ~500,000 tracked objects, and its functions run as threads of this process. With Python's default
thresholds the collector kept scanning that heap: one 30 s render ran 8 full collections of ~0.45 s each
and 90 middle ones, 4.4 s with the GIL held, in which no function's Python code ran (measured with
``gc.callbacks``). And at exit, the interpreter's last collections over the same heap took another 1.4 s
after the command had finished.
"""

from __future__ import annotations

import gc
import sys
from typing import NoReturn

#: Allocations between young collections, and how many of each generation before the next: the same render
#: then runs ~30 young collections and one middle one (1.1 s in all) and no full one. Cyclic garbage waits
#: longer to be freed, which a process that renders videos can afford.
COLLECTOR_THRESHOLDS = (50_000, 20, 100)


def tune_collector() -> None:
    """Collect less often: called once, as a command's process starts."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def exit_with(status: int) -> NoReturn:
    """End the process with ``status``, without the collector's final passes over the whole heap.

    Objects moved to the permanent generation are left out of those passes; atexit handlers, buffered
    output and files still close as usual.
    """
    gc.freeze()
    sys.exit(status)
