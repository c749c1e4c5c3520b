"""Issuer fixtures: services on a SQLite file with a test admin token."""

from __future__ import annotations

from pathlib import Path

import pytest

from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from verifier.signing import LocalSigner, generate_private_key

TOKEN = "test-admin-token-at-least-32-characters"


@pytest.fixture
def services(tmp_path: Path) -> IssuerServices:
    settings = IssuerSettings(
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        status_list_size=2048,
        admin_tokens=[TOKEN],
        public_base_url="https://testserver",
    )
    signer = LocalSigner(generate_private_key("ES256"))
    return IssuerServices.build(settings, document_signer=signer, status_signer=signer)
