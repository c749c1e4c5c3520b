"""The DEV-ONLY OpenID Connect provider (issuer.login's npm ``oidc-provider``) for the tests:
installed once under tests/portal/.oidc-provider (git-ignored), skipped without Node unless
``CIVICRED_REQUIRE_NODE=1``; its sample citizens, and one the source does not know."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from issuer.login import (
    CLIENT_ID,
    SAMPLE_USERS,
    ProviderUnavailable,
    SampleUser,
    running_provider,
)

INSTALL_DIR = Path(__file__).parent / ".oidc-provider"
CLIENT_SECRET = "portal-client-secret-DEV-ONLY-0123456789"
MARIE, ZANETA = SAMPLE_USERS
STRANGER = SampleUser("stranger", "stranger-DEV-ONLY", "75010112345", "Nobody", "Known")
USERS = (*SAMPLE_USERS, STRANGER)
__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "MARIE",
    "STRANGER",
    "ZANETA",
    "SampleUser",
    "oidc_provider",
]


@contextmanager
def oidc_provider(
    workdir: Path, port: int, redirect_uris: Sequence[str], users: Sequence[SampleUser] = USERS
) -> Iterator[str]:
    """The provider on ``port``; yields its issuer URL."""
    try:
        with running_provider(
            INSTALL_DIR, port, redirect_uris=redirect_uris, client_secret=CLIENT_SECRET,
            users=users, log=workdir / "oidc-provider.log",
        ) as url:  # fmt: skip
            yield url
    except ProviderUnavailable as exc:
        if os.environ.get("CIVICRED_REQUIRE_NODE") == "1":
            pytest.fail(f"the OIDC provider is required (CIVICRED_REQUIRE_NODE=1): {exc}")
        pytest.skip(str(exc))
