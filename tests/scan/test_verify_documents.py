"""Verifying a document from a PDF or an image: QR flow + printed data + PAdES (v0.5 §4-§5)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import segno
from PIL import Image

from verifier import Outcome, VerificationTime
from verifier.inputs import verify_qr_image, verify_qr_pdf
from verifier.pdf import check_printed_data, visible_text
from verifier.qr import (
    CIVICRED_SSH_SID,
    EESSI_PRC_SID,
    QrVerificationPolicy,
    TrustedCertificates,
    parse_document,
    report_to_eessi_dict,
    report_to_pdf,
)
from verifier.scan import PdfFile

from ._corpus import (
    QrIssuer,
    document_pdf,
    edit_text_incrementally,
    make_ca,
    make_leaf,
    sample,
    sign_pdf,
)
from .conftest import NOW, TODAY


def codes(report: Any) -> dict[str, str]:
    return {c.code: c.result.value for c in report.checks}


def verify_pdf(pdf: bytes, resolver: Any, **kwargs: Any) -> Any:
    return verify_qr_pdf(pdf, resolver=resolver, time=VerificationTime(NOW, TODAY), **kwargs)


@pytest.fixture(scope="module")
def signed_pdf(prc_pdf: bytes, pdf_signer: tuple[Any, Any], ca: tuple[Any, Any]) -> bytes:
    key, cert = pdf_signer
    return sign_pdf(prc_pdf, key, cert, ca[1])


def test_a_signed_pdf_verifies_with_every_check(
    signed_pdf: bytes, resolver: TrustedCertificates, ca: tuple[Any, Any], prc_text: str
) -> None:
    report = verify_pdf(signed_pdf, resolver, pdf_trust_roots=[ca[1]])
    assert report.outcome is Outcome.VALID, report.to_json()
    results = codes(report)
    assert report.checks[0].code == "scan.qr" and results["scan.qr"] == "passed"
    assert results["pdf.printed_data"] == "passed"
    assert results["pdf.signature"] == "passed" and results["pdf.coverage"] == "passed"
    assert report.details["qr_text"] == prc_text and report.details["conclusion"] == "Approved"
    (signature,) = report.details["pdf"]["signatures"]
    assert signature["signer_subject"] == "CN=civicred PDF signer"
    assert signature["coverage"] == "ENTIRE_FILE" and signature["trusted"] is True
    json.dumps(report.to_dict())  # the details stay JSON-serialisable
    steps = {
        s["step"]: s["result"]
        for s in report_to_eessi_dict(report, prc_text, "v", VerificationTime(NOW, TODAY))["steps"]
    }
    assert steps["qr_found"] == steps["pdf_signature"] == steps["pdf_printed_data"] == "PASSED"
    assert report_to_pdf(report, prc_text, "v", VerificationTime(NOW, TODAY)).startswith(b"%PDF-")


def test_the_signer_certificate_itself_can_be_the_trust_root(
    signed_pdf: bytes, resolver: TrustedCertificates, pdf_signer: tuple[Any, Any]
) -> None:
    report = verify_pdf(signed_pdf, resolver, pdf_trust_roots=[pdf_signer[1]])
    assert codes(report)["pdf.signature"] == "passed"


def test_an_unsigned_pdf_is_a_warning_unless_pades_is_required(
    prc_pdf: bytes, resolver: TrustedCertificates
) -> None:
    report = verify_pdf(prc_pdf, resolver)
    assert report.valid and codes(report)["pdf.signature"] == "warning"
    assert codes(report)["pdf.coverage"] == "not_applicable"
    strict = verify_pdf(prc_pdf, resolver, policy=QrVerificationPolicy(pades="required"))
    assert strict.outcome is Outcome.INVALID and codes(strict)["pdf.signature"] == "failed"
    ignored = verify_pdf(prc_pdf, resolver, policy=QrVerificationPolicy(pades="ignore"))
    assert ignored.valid and "pdf.signature" not in codes(ignored)


def test_printed_text_edited_after_signing(
    signed_pdf: bytes, resolver: TrustedCertificates, ca: tuple[Any, Any]
) -> None:
    edited = edit_text_incrementally(signed_pdf, "Wonderland", "Smithfield")
    report = verify_pdf(edited, resolver, pdf_trust_roots=[ca[1]])
    assert report.outcome is Outcome.INVALID and report.claims is None
    results = codes(report)
    assert results["qr.signature"] == "passed"  # the QR itself is untouched
    assert results["pdf.modified_after_seal"] == "failed"
    assert results["pdf.printed_data"] == "failed"
    printed = next(c for c in report.checks if c.code == "pdf.printed_data")
    assert "'Wonderland'" in printed.message and "(fn)" in printed.message


def test_a_patched_byte_breaks_the_pdf_signature(
    signed_pdf: bytes, resolver: TrustedCertificates, ca: tuple[Any, Any]
) -> None:
    data = bytearray(signed_pdf)
    at = data.index(b"/MediaBox")
    data[at + 1 : at + 9] = b"MediaBoy"  # inside the signed byte range
    report = verify_pdf(bytes(data), resolver, pdf_trust_roots=[ca[1]])
    assert report.outcome is Outcome.INVALID
    assert codes(report)["pdf.signature"] == "failed"


def test_a_valid_qr_on_someone_elses_printed_data(
    prc_text: str, resolver: TrustedCertificates
) -> None:
    pdf = document_pdf(
        sample(EESSI_PRC_SID), prc_text, overrides={"gn": "Mallory", "dob": "01/01/1990"}
    )
    report = verify_pdf(pdf, resolver)
    assert report.outcome is Outcome.INVALID and codes(report)["qr.signature"] == "passed"
    message = next(c.message for c in report.checks if c.code == "pdf.printed_data")
    assert "(gn)" in message and "(dob) '20/07/1984'" in message
    lenient = verify_pdf(pdf, resolver, policy=QrVerificationPolicy(printed_data=False))
    assert lenient.valid


def test_a_pdf_signed_by_an_untrusted_key(
    prc_pdf: bytes, resolver: TrustedCertificates, ca: tuple[Any, Any]
) -> None:
    rogue_ca = make_ca("rogue root")
    key, cert = make_leaf(rogue_ca[0], rogue_ca[1], "rogue signer")
    rogue = sign_pdf(prc_pdf, key, cert, rogue_ca[1])
    report = verify_pdf(rogue, resolver, pdf_trust_roots=[ca[1]])
    assert report.valid and codes(report)["pdf.signature"] == "warning"  # the QR carries the proof
    strict = verify_pdf(
        rogue, resolver, pdf_trust_roots=[ca[1]], policy=QrVerificationPolicy(pades="required")
    )
    assert strict.outcome is Outcome.INVALID and codes(strict)["pdf.signature"] == "failed"


def test_a_pdf_whose_qr_is_untrusted_or_missing(prc_pdf: bytes, qr_issuer: QrIssuer) -> None:
    stranger = TrustedCertificates([make_leaf(*make_ca("other"), "other signer")[1]])
    report = verify_pdf(prc_pdf, stranger)
    assert report.outcome is Outcome.INVALID and codes(report)["trust.unknown_kid"] == "failed"
    assert "pdf.printed_data" not in codes(report)  # only verified data is compared
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    blank = canvas.Canvas(buffer, invariant=True)
    blank.drawString(72, 720, "no QR code here")
    blank.save()
    report = verify_pdf(buffer.getvalue(), stranger)
    assert report.outcome is Outcome.INVALID and codes(report)["scan.qr"] == "failed"
    assert codes(report)["pdf.signature"] == "warning"
    assert verify_pdf(b"not a pdf", stranger).checks[0].code == "scan.pdf"


def test_images(prc_text: str, resolver: TrustedCertificates, qr_issuer: QrIssuer) -> None:
    def png(*texts: str) -> bytes:
        images = []
        for text in texts:
            buffer = io.BytesIO()
            segno.make_qr(text, error="l").save(buffer, kind="png", scale=4)
            images.append(Image.open(buffer).convert("L"))
        canvas = Image.new(
            "L", (sum(i.width for i in images) + 40, max(i.height for i in images)), 255
        )
        x = 0
        for image in images:
            canvas.paste(image, (x, 0))
            x += image.width + 40
        buffer = io.BytesIO()
        canvas.save(buffer, format="PNG")
        return buffer.getvalue()

    report = verify_qr_image(png(prc_text), resolver=resolver, time=VerificationTime(NOW, TODAY))
    assert report.valid and report.checks[0].code == "scan.qr"
    ssh = qr_issuer.issue(sample(CIVICRED_SSH_SID))
    both = verify_qr_image(
        png("HELLO WORLD", ssh), resolver=resolver, time=VerificationTime(NOW, TODAY)
    )
    assert codes(both)["scan.qr"] == "warning" and both.details["qr_text"] == ssh
    assert codes(both)["revocation"] == "undetermined"  # no status list given: required by default
    blank = Image.new("RGB", (200, 200), "white")
    assert (
        codes(verify_qr_image(blank, resolver=resolver, time=VerificationTime(NOW, TODAY)))[
            "scan.qr"
        ]
        == "failed"
    )
    garbage = verify_qr_image(b"\x00garbage", resolver=resolver, time=VerificationTime(NOW, TODAY))
    assert garbage.outcome is Outcome.INVALID and garbage.checks[0].code == "scan.image"


def test_printed_data_matching_rules(prc_text: str) -> None:
    document = parse_document(prc_text)
    assert check_printed_data("", document).result.value == "warning"  # image-only PDF
    lines = [
        "ISSUING MEMBER STATE BE NAME WONDER-", "LAND GIVEN NAMES alice 20/07/1984 84072002127",
        "CM 0120 01200000001234567890 01/01/2025 31/12/2025 12/03/2025",
    ]  # fmt: skip
    assert check_printed_data("\n".join(lines), document).result.value == "failed"  # hyphenated
    lines[0] = "ISSUING MEMBER STATE BE NAME WONDER"
    lines[1] = "LAND GIVEN NAMES alice 20/07/1984 84072002127"
    assert check_printed_data("\n".join(lines), document).result.value == "passed"  # wrapped
    assert (
        check_printed_data("\n".join(lines).replace("0120 ", "01200 "), document).result.value
        == "failed"
    )


def test_partial_dates_may_drop_unknown_parts(qr_issuer: QrIssuer) -> None:
    from verifier.qr import CIVICRED_EHIC_SID

    from ._corpus import printed

    payload = sample(CIVICRED_EHIC_SID)  # dob 1984-07-00
    document = parse_document(qr_issuer.issue(payload))
    body = payload["ehic"]
    text = " ".join(printed(v, document.doctype.date_kind(k)) for k, v in body.items())
    assert "00/07/1984" in text and check_printed_data(text, document).result.value == "passed"
    assert (
        check_printed_data(text.replace("00/07/1984", "07/1984"), document).result.value == "passed"
    )


def test_visible_text_of_a_broken_pdf() -> None:
    from verifier.scan import ScanError

    with pytest.raises(ScanError), PdfFile(b"%PDF-1.4\n" + b"\x00" * 50) as pdf:
        visible_text(pdf, max_pages=1)


# -- the issuer's own documents (issuer/documents), when available ------------------------------
def test_issuer_documents_verify_end_to_end() -> None:
    documents = pytest.importorskip("issuer.documents")
    from issuer.sources import DevAuthenticSource

    now = dt.datetime(2026, 7, 1, 10, 30, tzinfo=dt.UTC)
    try:
        pki = documents.make_dev_pki(now)
        service = documents.DocumentService()
        person = DevAuthenticSource().person("p-0002")
        jti = documents.JtiRef(
            "urn:uuid:0c5e0d8a-6a43-4d7e-9d1e-2f0a8d3c9b11",
            "https://issuer.civicred.localhost/revocation/5f0c3a9e1b2d4c6a",
        )
        rendered = service.render("prc", person, "fr", signer=pki.signer, now=now, revocation=jti)
    except documents.FontNotFoundError as exc:  # pragma: no cover - fonts missing on a laptop
        pytest.skip(str(exc))
    resolver = TrustedCertificates([pki.signer.certificate_chain[0]])
    report = verify_qr_pdf(
        rendered.pdf_bytes,
        resolver=resolver,
        time=VerificationTime(now, now.date()),
        pdf_trust_roots=[pki.root],
    )
    assert report.outcome is Outcome.VALID, report.to_json()
    results = codes(report)
    assert results["pdf.printed_data"] == "passed"
    assert results["pdf.signature"] == "passed" and results["pdf.coverage"] == "passed"
    assert report.details["qr_text"] == rendered.qr_text
