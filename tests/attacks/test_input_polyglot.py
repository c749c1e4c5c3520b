"""Defect 4: a PNG/PDF polyglot. A genuine QR PNG carrying a forged PDF in a private chunk was
verified as an image, so no PDF check ran, while a PDF viewer shows the forged page.

Input that is more than one type is refused as ambiguous: ``input.ambiguous``, invalid. Built at
test time: the issuer's genuine QR as a PNG, a forged PDF (someone else's data next to that QR)
in a private ``prVt`` chunk; and a JPEG of the QR with the PDF appended.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
import segno
from PIL import Image

from issuer.documents import DevPki, RenderedDocument
from verifier import Outcome, VerificationTime
from verifier.inputs import InputKind, detect_input, verify_document_input
from verifier.qr import TrustedCertificates
from verifier.scan import PdfFile, decode_image, decode_pdf

from ._documents import NOW, TODAY, message, results, verify_image, verify_pdf


def _qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="l", mode="alphanumeric", micro=False).save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def _forged_pdf(qr_text: str) -> bytes:
    """A page that prints another person's data next to the genuine QR."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tests.scan._corpus import draw_qr

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFont("Helvetica", 14)
    page.drawString(72, 760, "PROVISIONAL REPLACEMENT CERTIFICATE")
    page.drawString(72, 730, "3. Name  MALLORY")
    page.drawString(72, 710, "4. Given names  Eve")
    draw_qr(page, qr_text, x=330, y=80, size=200)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_with_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    """``png`` with a chunk inserted right after IHDR (so its data starts within the first KiB)."""
    ihdr_end = 8 + 4 + 4 + 13 + 4
    return png[:ihdr_end] + _chunk(kind, data) + png[ihdr_end:]


@pytest.fixture(scope="module")
def forged(genuine: RenderedDocument) -> bytes:
    return _forged_pdf(genuine.qr_text)


@pytest.fixture(scope="module")
def png_polyglot(genuine: RenderedDocument, forged: bytes) -> bytes:
    return _png_with_chunk(_qr_png(genuine.qr_text), b"prVt", forged)


@pytest.fixture(scope="module")
def jpeg_polyglot(genuine: RenderedDocument, forged: bytes) -> bytes:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(_qr_png(genuine.qr_text))).convert("L").save(buffer, format="JPEG")
    return buffer.getvalue() + forged


def _verify(data: bytes, pki: DevPki) -> object:
    return verify_document_input(
        data,
        detect_input(data),
        resolver=TrustedCertificates([pki.signer.certificate_chain[0]]),
        time=VerificationTime(NOW, TODAY),
        pdf_trust_roots=[pki.root],
    )


def test_the_polyglots_are_real(
    genuine: RenderedDocument, png_polyglot: bytes, jpeg_polyglot: bytes, pki: DevPki
) -> None:
    """Both files are a valid image of the genuine QR *and* a PDF a reader opens."""
    for polyglot in (png_polyglot, jpeg_polyglot):
        assert decode_image(polyglot) == [genuine.qr_text]
    with PdfFile(png_polyglot) as pdf:  # the header sits within the first KiB
        assert pdf.page_count == 1
        assert decode_pdf(pdf) == [genuine.qr_text]  # the forged page shows the genuine QR
    assert PdfFile(jpeg_polyglot[jpeg_polyglot.index(b"%PDF-") :]).page_count == 1


@pytest.mark.parametrize("name", ["png_polyglot", "jpeg_polyglot"])
def test_an_image_that_is_also_a_pdf_is_refused_as_ambiguous(
    name: str, request: pytest.FixtureRequest, pki: DevPki
) -> None:
    data: bytes = request.getfixturevalue(name)
    report = _verify(data, pki)
    assert report.outcome is Outcome.INVALID, report.to_json()  # type: ignore[attr-defined]
    assert results(report)["input.ambiguous"] == "failed"  # type: ignore[arg-type]
    assert "PDF" in message(report, "input.ambiguous")  # type: ignore[arg-type]
    assert detect_input(data) is InputKind.AMBIGUOUS
    for direct in (verify_image(data, pki), verify_pdf(data, pki)):  # either path refuses it
        assert direct.outcome is Outcome.INVALID and results(direct)["input.ambiguous"] == "failed"


def test_the_genuine_qr_image_and_pdf_still_verify(genuine: RenderedDocument, pki: DevPki) -> None:
    png = _qr_png(genuine.qr_text)
    assert detect_input(png) is InputKind.PNG
    assert _verify(png, pki).outcome is Outcome.VALID  # type: ignore[attr-defined]
    assert detect_input(genuine.pdf_bytes) is InputKind.PDF
    assert _verify(genuine.pdf_bytes, pki).outcome is Outcome.VALID  # type: ignore[attr-defined]
