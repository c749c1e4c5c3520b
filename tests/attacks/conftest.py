"""Attack fixtures: one attack world per test session (key and certificate generation is the slow
part), and genuine documents from the project's own issuer pipeline (``_documents``)."""

from __future__ import annotations

import pytest

from ._documents import genuine, pki, resolver
from ._world import World, build_world

__all__ = ["genuine", "pki", "resolver"]


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()
