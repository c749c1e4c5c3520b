"""Genuine documents from the project's own issuer pipeline, for the attacks to start from.

One dev PKI (root + document-signing leaf) and one signed ePRC per session, issued with
``issuer.documents.DocumentService`` as citizens get them (vector QR, PAdES seal).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from issuer.documents import DevPki, DocumentService, JtiRef, RenderedDocument, make_dev_pki
from issuer.sources import DevAuthenticSource
from verifier import VerificationReport, VerificationTime
from verifier.inputs import verify_qr_image, verify_qr_pdf
from verifier.qr import TrustedCertificates

NOW = dt.datetime(2026, 7, 1, 10, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
JTI = JtiRef(
    "urn:uuid:0c5e0d8a-6a43-4d7e-9d1e-2f0a8d3c9b11",
    "https://issuer.civicred.localhost/revocation/5f0c3a9e1b2d4c6a",
)


@pytest.fixture(scope="session")
def pki() -> DevPki:
    return make_dev_pki(NOW)


@pytest.fixture(scope="session")
def genuine(pki: DevPki) -> RenderedDocument:
    """A sealed ePRC for dev person p-0002, in English."""
    person = DevAuthenticSource().person("p-0002")
    return DocumentService().render("prc", person, "en", signer=pki.signer, now=NOW, revocation=JTI)


@pytest.fixture(scope="session")
def resolver(pki: DevPki) -> TrustedCertificates:
    return TrustedCertificates([pki.signer.certificate_chain[0]])


def verify_pdf(pdf: bytes, pki: DevPki, **kwargs: Any) -> VerificationReport:
    """The PDF verified as a verifier does: QR trust from the signer, PAdES to the dev root."""
    resolver = TrustedCertificates([pki.signer.certificate_chain[0]])
    return verify_qr_pdf(
        pdf,
        resolver=resolver,
        time=VerificationTime(NOW, TODAY),
        pdf_trust_roots=[pki.root],
        **kwargs,
    )


def verify_image(image: Any, pki: DevPki, **kwargs: Any) -> VerificationReport:
    resolver = TrustedCertificates([pki.signer.certificate_chain[0]])
    return verify_qr_image(image, resolver=resolver, time=VerificationTime(NOW, TODAY), **kwargs)


def results(report: VerificationReport) -> dict[str, str]:
    return {c.code: c.result.value for c in report.checks}


def message(report: VerificationReport, code: str) -> str:
    return next(c.message for c in report.checks if c.code == code)
