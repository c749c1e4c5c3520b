"""One attack world per test session (key and certificate generation is the slow part)."""

from __future__ import annotations

import pytest

from ._world import World, build_world


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()
