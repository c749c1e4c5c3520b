"""Shared fixtures: the conformance vectors (../shared/conformance) and keys made at test time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from verifier.signing import LocalSigner, generate_private_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE_DIR = Path(
    os.environ.get("CIVICRED_CONFORMANCE_DIR", PROJECT_ROOT.parent / "shared" / "conformance")
)


def conformance_path(*parts: str) -> Path:
    """A path under the conformance vectors, or skip the test with a clear reason."""
    path = CONFORMANCE_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"conformance vectors not found at {path} "
            "(clone the project beside ../shared or set CIVICRED_CONFORMANCE_DIR)"
        )
    return path


@pytest.fixture
def issuer_signer() -> LocalSigner:
    return LocalSigner(generate_private_key("ES256"))


@pytest.fixture
def holder_signer() -> LocalSigner:
    return LocalSigner(generate_private_key("ES256"))
