"""Fixtures of the end-to-end tests: the local API on real HTTP over the test's local cloud."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.http import serving
from videogen_local.cloud import LocalCloud
from videogen_local.server import LocalApiServer


@pytest.fixture
def server(cloud: LocalCloud) -> Iterator[LocalApiServer]:
    """`videogen serve` on a free loopback port, over the test's local cloud."""
    with serving(cloud) as started:
        yield started
