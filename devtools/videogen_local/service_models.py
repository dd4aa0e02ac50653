"""One reading of each AWS service model per process, for the local cloud.

botocore reads a service's model (a JSON file of up to a few MB) through its session's ``Loader``, which
keeps what it read, and every session has a loader of its own. moto makes a new loader each time it reads
a model for its emulation. In a `videogen render` that was 14 loaders, each first walking botocore's data
folders to list the services (~20 ms of ``stat`` and ``listdir``), and several models decoded twice:
0.35-0.4 s of a start of ~2 s, on one core (measured up to the render's first state).

``share_service_models`` gives every botocore session of the process one loader per search path, and moto
one loader of its own (its models carry moto's extras, so they are not botocore's). A loader's models are
read-only: one session's clients already share them. So the new default session moto gives every mock, and
pynamodb's own sessions, read no model twice either.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.loaders
import botocore.session
import moto.core.loaders
import moto.core.utils


@functools.cache
def _botocore_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
    return botocore.loaders.create_loader(search_path_string)


@functools.cache
def _moto_loader() -> Any:
    return moto.core.loaders.create_loader()


def share_service_models() -> None:
    """From now on, botocore sessions that have not yet read a model, and moto, share their loaders."""
    botocore.session.create_loader = _botocore_loader
    moto.core.utils.create_loader = _moto_loader
