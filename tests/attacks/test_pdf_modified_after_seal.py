"""Defect 2: a trusted seal, then more changes, then a second self-signed signature, verified as
valid with one warning (only the last signature's coverage was checked).

The verdict rests on the trusted seal: every revision after it must be a change that cannot
alter what is shown (pyHanko's difference analysis: LTA updates pass, form filling and
annotations are a warning, anything else is ``pdf.modified_after_seal``, invalid). Extra
untrusted signatures never make the report look better.
"""

from __future__ import annotations

import pytest

from issuer.documents import DevPki, RenderedDocument
from issuer.sources import DevAuthenticSource
from verifier import Outcome

from ._documents import message, results, verify_pdf
from ._tamper import mallory_over, sign_again


@pytest.fixture(scope="module")
def mallory(genuine: RenderedDocument) -> bytes:
    """The sealed ePRC with "MALLORY, Eve" drawn over the holder's name (incremental update)."""
    return mallory_over(genuine.pdf_bytes, DevAuthenticSource().person("p-0002")["family_name"])


def test_mallory_then_a_self_signed_signature_is_invalid(mallory: bytes, pki: DevPki) -> None:
    report = verify_pdf(sign_again(mallory), pki)
    assert report.outcome is Outcome.INVALID, report.to_json()
    checks = results(report)
    assert checks["pdf.modified_after_seal"] == "failed"
    assert "pdf.coverage" not in checks  # the seal's verdict is the failure above
    assert "civicred DEV ONLY document signer" in message(report, "pdf.modified_after_seal")
    assert checks["pdf.signature"] == "warning"  # the extra signer is named, not trusted
    assert "Eve Mallory" in message(report, "pdf.signature")


def test_mallory_without_a_second_signature_is_invalid(mallory: bytes, pki: DevPki) -> None:
    report = verify_pdf(mallory, pki)
    assert report.outcome is Outcome.INVALID, report.to_json()
    assert results(report)["pdf.modified_after_seal"] == "failed"
    assert results(report)["pdf.printed_data"] == "failed"  # the name is under a white box


def test_an_untrusted_signature_on_a_blank_field_is_a_warning(
    genuine: RenderedDocument, pki: DevPki
) -> None:
    """A later revision that only adds a signature field and signs it: pyHanko's difference
    analysis says FORM_FILLING (nothing on the page changed), so the seal still holds, with a
    warning on the coverage and on the extra signer."""
    report = verify_pdf(sign_again(genuine.pdf_bytes), pki)
    assert report.outcome is Outcome.VALID, report.to_json()
    checks = results(report)
    assert checks["pdf.coverage"] == "warning" and "FORM_FILLING" in message(report, "pdf.coverage")
    assert checks["pdf.signature"] == "warning"
    assert "pdf.modified_after_seal" not in checks


def test_the_genuine_document_is_valid(genuine: RenderedDocument, pki: DevPki) -> None:
    report = verify_pdf(genuine.pdf_bytes, pki)
    assert report.outcome is Outcome.VALID, report.to_json()
    checks = results(report)
    assert checks["pdf.signature"] == checks["pdf.coverage"] == "passed"
