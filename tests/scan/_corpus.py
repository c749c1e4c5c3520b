"""Test material for reading QR documents: signed QR payloads, simple PDFs that print them, PAdES
signatures and tampering (the image transformations are in _transforms.py).

The PDFs are our own (reportlab + segno, the QR drawn as vector rectangles, S2-style labels and
DD/MM/YYYY dates); they do not depend on issuer/documents. Used by tests/scan and
bench/decode_rates.py (which puts tests/ on sys.path and imports ``scan._corpus``).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from verifier.qr import eessi_kid, framework_kid, get_doctype, sign_document
from verifier.signing import LocalSigner

_QR_TESTS = str(Path(__file__).resolve().parents[1] / "qr")
if _QR_TESTS not in sys.path:
    sys.path.append(_QR_TESTS)  # qr_samples: the sample and worst-case payloads

# Re-exported for the tests and the bench.
from qr_samples import LATIN_1_4 as LATIN_1_4  # noqa: E402
from qr_samples import sample as sample  # noqa: E402
from qr_samples import worst_case as worst_case  # noqa: E402

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)
NOT_BEFORE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2034, 1, 1, tzinfo=dt.UTC)


# -- certificates ----------------------------------------------------------------------------
def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn: str = "civicred test root") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_leaf(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    cn: str,
    *,
    not_before: dt.datetime = NOT_BEFORE,
    not_after: dt.datetime = NOT_AFTER,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


@dataclass(frozen=True)
class QrIssuer:
    """A QR document signer with its certificate (kid = framework:x5t#S256 of the cert)."""

    signer: LocalSigner
    certificate: x509.Certificate

    @classmethod
    def create(cls, ca: tuple[Any, x509.Certificate], cn: str, **window: Any) -> QrIssuer:
        key, cert = make_leaf(ca[0], ca[1], cn, **window)
        return cls(LocalSigner(key), cert)

    def kid(self, sid: str) -> str:
        framework = get_doctype(sid).kid_framework
        return (
            eessi_kid(self.certificate)
            if framework == "EESSI"
            else framework_kid(framework, self.certificate)
        )

    def issue(self, payload: Mapping[str, Any]) -> str:
        _, qr_text = sign_document(payload, self.signer, self.kid(str(payload["sid"])))
        return qr_text


# -- PDFs ------------------------------------------------------------------------------------
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_PATHS:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont("TestSans", path))
            return "TestSans"
    return "Helvetica"


def printed(value: object, kind: str | None) -> str:
    """How the test PDFs print a value: dates DD/MM/YYYY (v0.5 §4), the rest as is."""
    text = str(value)
    if kind in ("date", "partial"):
        year, month, day = text.split("-")
        return f"{day}/{month}/{year}"
    return text


def document_pdf(
    payload: Mapping[str, Any],
    qr_text: str,
    *,
    qr_mm: float = 60.0,
    overrides: Mapping[str, str] | None = None,
) -> bytes:
    """An A4 PDF printing every body field with its label, and the QR as vector modules."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    doctype = get_doctype(payload["sid"])
    body = payload[doctype.body]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    font = _font()
    width, height = A4
    pdf.setFont(font, 13)
    pdf.drawString(20 * mm, height - 25 * mm, doctype.name["en"][:80])
    y = height - 40 * mm
    for name, value in body.items():
        if isinstance(value, bool):
            continue
        shown = (overrides or {}).get(name, printed(value, doctype.date_kind(name)))
        pdf.setFont(font, 9)
        pdf.drawString(20 * mm, y, doctype.label(name))
        pdf.setFont(font, 11)
        pdf.drawString(20 * mm, y - 5 * mm, shown)
        y -= 13 * mm
    draw_qr(pdf, qr_text, x=width - 20 * mm - qr_mm * mm, y=25 * mm, size=qr_mm * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def draw_qr(pdf: Any, text: str, *, x: float, y: float, size: float) -> None:
    """The QR (alphanumeric, ECC L, v0.5 §3) as filled rectangles, one per run of dark modules."""
    qr = segno.make(text, error="l", mode="alphanumeric", boost_error=False, micro=False)
    matrix = [list(row) for row in qr.matrix]
    count = len(matrix) + 8  # quiet zone of 4 modules on each side
    module = size / count
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                top = y + size - (r + 4 + 1) * module
                pdf.rect(
                    x + (start + 4) * module, top, (c - start) * module, module, stroke=0, fill=1
                )
            else:
                c += 1


def sign_pdf(
    pdf: bytes, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate, *chain: x509.Certificate
) -> bytes:
    """A PAdES B-B signature (pyHanko) over the whole PDF."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1(c: x509.Certificate) -> Any:
        return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    return bytes(out.getvalue())


def edit_text_incrementally(pdf: bytes, old: str, new: str) -> bytes:
    """Append an incremental update whose page content replaces ``old`` by ``new`` (what an
    editor does to a signed PDF: the signed revision stays intact, the shown one changes)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream, NameObject

    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    reader = PdfReader(io.BytesIO(pdf))
    page = writer.pages[0]
    content = page.get_contents()
    assert content is not None
    data = content.get_data()
    assert old.encode() in data, "the text to edit is not in the content stream as is"
    stream = ContentStream(None, reader)
    stream.set_data(data.replace(old.encode(), new.encode()))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
