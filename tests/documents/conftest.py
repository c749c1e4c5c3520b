"""One dev PKI (root + document-signing leaf) and one document service per session."""

from __future__ import annotations

import pytest

from issuer.documents import DevPki, DocumentService, make_dev_pki

from ._support import NOW


@pytest.fixture(scope="session")
def pki() -> DevPki:
    return make_dev_pki(NOW)


@pytest.fixture(scope="session")
def service() -> DocumentService:
    return DocumentService()
