"""OpenID4VCI fixtures: an issuer under test per test (real services, SQLite file, ASGI app)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._issuer import IssuerUnderTest, start_issuer


@pytest.fixture
def issuer(tmp_path: Path) -> IssuerUnderTest:
    return start_issuer(tmp_path)
