"""One dev PKI and trust list per test session (key generation is the slow part)."""

from __future__ import annotations

import pytest

from verifier.trust import TrustSnapshot, verify_trust_list

from ._world import NOW, World, build_world


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()


@pytest.fixture(scope="session")
def snapshot(world: World) -> TrustSnapshot:
    return verify_trust_list(world.token, world.pki.root, NOW)
