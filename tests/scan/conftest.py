"""Fixtures for reading QR documents from images and PDFs (the ``scan`` extra)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytest.importorskip("zxingcpp")
pytest.importorskip("PIL")
pytest.importorskip("reportlab")

from verifier.qr import EESSI_PRC_SID, TrustedCertificates
from verifier.scan import PyzbarDecoder, ScanUnavailable

from ._corpus import QrIssuer, document_pdf, make_ca, make_leaf, sample


def _zbar_missing() -> str | None:
    try:
        PyzbarDecoder()
    except ScanUnavailable as exc:
        return str(exc)
    return None


#: pyzbar needs the libzbar0 system library: the second decoder is optional (zxing-cpp alone
#: reads every test document), so its tests skip on a machine without it. CI installs it.
ZBAR_MISSING = _zbar_missing()
needs_zbar = pytest.mark.skipif(
    ZBAR_MISSING is not None,
    reason=f"libzbar0 is not installed, so the pyzbar fallback decoder is not tested ({ZBAR_MISSING})",
)

TODAY = dt.date(2025, 3, 12)  # the samples' di
NOW = dt.datetime(2025, 3, 12, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def ca() -> tuple[Any, Any]:
    return make_ca()


@pytest.fixture(scope="session")
def qr_issuer(ca: tuple[Any, Any]) -> QrIssuer:
    return QrIssuer.create(ca, "BE:0120 QR signer")


@pytest.fixture(scope="session")
def pdf_signer(ca: tuple[Any, Any]) -> tuple[Any, Any]:
    return make_leaf(ca[0], ca[1], "civicred PDF signer")


@pytest.fixture(scope="session")
def resolver(qr_issuer: QrIssuer) -> TrustedCertificates:
    return TrustedCertificates([qr_issuer.certificate])


@pytest.fixture(scope="session")
def prc() -> dict[str, Any]:
    return sample(EESSI_PRC_SID)


@pytest.fixture(scope="session")
def prc_text(qr_issuer: QrIssuer, prc: dict[str, Any]) -> str:
    return qr_issuer.issue(prc)


@pytest.fixture(scope="session")
def prc_pdf(prc: dict[str, Any], prc_text: str) -> bytes:
    return document_pdf(prc, prc_text)
