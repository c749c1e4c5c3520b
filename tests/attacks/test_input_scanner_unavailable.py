"""Defect 11: with no QR decoder or no PDF renderer, a genuine document was reported *invalid*.

Not being able to look at a document is no verdict on it: ``scan.unavailable`` is UNDETERMINED,
and so is the report. Absence is simulated through the seams (an empty decoder list, a renderer
whose engine is missing), never by uninstalling anything.
"""

from __future__ import annotations

import io
from typing import Any

import segno

from issuer.documents import DevPki, RenderedDocument
from verifier import Outcome
from verifier.scan import ScanUnavailable

from ._documents import message, results, verify_image, verify_pdf


class MissingRenderer:
    """A PDF renderer whose engine is not installed on this machine."""

    name = "missing"

    def render(self, pdf: Any, index: int, **kwargs: Any) -> Any:
        raise ScanUnavailable("no PDF renderer is installed")


def _png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="l", mode="alphanumeric", micro=False).save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def test_genuine_pdf_without_a_decoder_is_undetermined(
    genuine: RenderedDocument, pki: DevPki
) -> None:
    report = verify_pdf(genuine.pdf_bytes, pki, decoders=[])
    assert report.outcome is Outcome.UNDETERMINED, report.to_json()
    assert results(report)["scan.unavailable"] == "undetermined"
    assert "decoder" in message(report, "scan.unavailable")


def test_genuine_pdf_without_a_renderer_is_undetermined(
    genuine: RenderedDocument, pki: DevPki
) -> None:
    report = verify_pdf(genuine.pdf_bytes, pki, renderer=MissingRenderer())
    assert report.outcome is Outcome.UNDETERMINED, report.to_json()
    assert results(report)["scan.unavailable"] == "undetermined"
    assert "renderer" in message(report, "scan.unavailable")


def test_genuine_qr_image_without_a_decoder_is_undetermined(
    genuine: RenderedDocument, pki: DevPki
) -> None:
    report = verify_image(_png(genuine.qr_text), pki, decoders=[])
    assert report.outcome is Outcome.UNDETERMINED, report.to_json()
    assert results(report)["scan.unavailable"] == "undetermined"


def test_the_same_document_with_its_scanner_is_valid(
    genuine: RenderedDocument, pki: DevPki
) -> None:
    assert verify_pdf(genuine.pdf_bytes, pki).outcome is Outcome.VALID
    assert verify_image(_png(genuine.qr_text), pki).outcome is Outcome.VALID
