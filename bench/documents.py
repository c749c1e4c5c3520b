"""Signed documents: our pipeline vs a naive one, and verification vs its floors — one process.

Run: ``.venv/bin/python bench/documents.py``.

Issuance, per ePRC (build → sign → QR → PDF → PAdES):
- civicred: ``DocumentService.render`` (vector QR, fonts loaded once, one PAdES signature);
- naive: the same signed token, then segno with its default mask search → a bitmap QR (PNG) →
  reportlab with the bitmap and the same printed fields → a textbook pyHanko PAdES signature
  (a ``SimpleSigner`` loaded once from the same dev key and certificate files; pyHanko's
  default behaviour, including its dry-run CMS to size the signature).
Verification, each next to its floor:
- QR text: ``verify_qr_document`` vs one raw ES256 verification with ``cryptography``;
- PNG: ``verify_qr_image`` vs the raw zxing-cpp decode of the same image;
- PDF: ``verify_qr_pdf`` (PDFium render, decode, PAdES, visible printed data) vs PDFium render +
  raw zxing decode, and — where poppler-utils is installed — vs the old path's floor, pdftoppm
  200 dpi + raw zxing decode ("skipped: no pdftoppm" otherwise).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import segno
import zxingcpp
from _timing import per_second, table
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from issuer.documents import DocumentService, build_payload, dev_document_signer
from issuer.sources import DevAuthenticSource
from verifier import VerificationTime
from verifier.inputs import verify_qr_image, verify_qr_pdf
from verifier.jose import b64url_decode
from verifier.qr import (
    TrustedCertificates,
    framework_kid,
    get_doctype,
    sign_document,
    verify_qr_document,
)
from verifier.scan import DEFAULT_DPI, render_pdf

NOW = datetime.now(UTC)
STAGE_RUNS = 20


class _Jti:
    jti = "urn:uuid:6a1c9a55-51d7-4d4b-8d0b-0f1c1bd0c001"
    rid = "https://issuer.civicred.localhost/revocation/0a1b2c3d4e5f6a7b"


def naive_signer(keys: Path) -> signers.SimpleSigner:
    """pyHanko's own signer, from the dev key and certificate files (``dev_document_signer``)."""
    folder = keys / "documents"
    signer = signers.SimpleSigner.load(str(folder / "private.pem"), str(folder / "chain.pem"))
    assert signer is not None
    return signer


def naive_sign(pdf: bytes, pdf_signer: signers.SimpleSigner) -> bytes:
    """Textbook pyHanko PAdES signing (as in its documentation)."""
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.PdfSigner(meta, signer=pdf_signer).sign_pdf(writer)
    return bytes(out.getvalue())


def naive_pdf(payload: dict[str, object], signer, doctype, pdf_signer) -> bytes:  # type: ignore[no-untyped-def]
    kid = framework_kid(doctype.kid_framework, signer.certificate_chain[0])
    _jws, qr_text = sign_document(payload, signer, kid, today=NOW.date())
    symbol = segno.make_qr(qr_text, error="l", mode="alphanumeric")  # default mask search
    png = io.BytesIO()
    symbol.save(png, kind="png", scale=8, border=4)
    png.seek(0)
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(50, 800, "PROVISIONAL REPLACEMENT CERTIFICATE")
    page.setFont("Helvetica", 10)
    y = 770
    for key, value in dict(payload["prc"]).items():  # type: ignore[call-overload]
        page.drawString(50, y, f"{key}: {value}")
        y -= 16
    page.drawImage(ImageReader(png), 350, 480, width=170, height=170)
    page.showPage()
    page.save()
    return naive_sign(out.getvalue(), pdf_signer)


def main() -> None:
    keys = Path(tempfile.mkdtemp()) / "keys"
    dev = dev_document_signer(keys, now=NOW)
    signer = dev.signer
    pdf_signer = naive_signer(keys)
    person = DevAuthenticSource().person("p-0001")
    service = DocumentService()
    payload = build_payload("prc", person, today=NOW.date(), revocation=_Jti())
    doctype = get_doctype(str(payload["sid"]))
    rendered = service.render("prc", person, "en", signer=signer, now=NOW, revocation=_Jti())

    ours = per_second(lambda: service.render("prc", person, "en", signer=signer, now=NOW, revocation=_Jti()),
                      min_time=3.0, rounds=3)  # fmt: skip
    naive = per_second(
        lambda: naive_pdf(payload, signer, doctype, pdf_signer), min_time=3.0, rounds=3
    )
    print(
        f"Signed ePRC PDF (QR v{rendered.qr_version}-{rendered.ecc}), build → sign → QR → PDF → PAdES"
    )
    print(table([("naive: segno mask search + bitmap + reportlab", naive), ("civicred", ours)],
                baseline="naive: segno mask search + bitmap + reportlab"))  # fmt: skip
    stages: dict[str, float] = {}
    for _ in range(STAGE_RUNS):  # mean per stage over warm runs (the first render warms up)
        timings = service.render(
            "prc", person, "en", signer=signer, now=NOW, revocation=_Jti()
        ).timings_ms
        for k, v in timings.items():
            stages[k] = stages.get(k, 0.0) + v / STAGE_RUNS
    print(f"  civicred per stage (ms): { {k: round(v, 1) for k, v in stages.items()} }")

    resolver = TrustedCertificates(list(signer.certificate_chain))
    text = rendered.qr_text
    common = {"resolver": resolver, "time": VerificationTime(NOW, NOW.date())}
    assert verify_qr_document(text, **common).valid  # type: ignore[arg-type]

    jws = rendered.jws
    head, body, sig = jws.split(".")
    raw = b64url_decode(sig)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public, message, ecdsa = (
        signer.public_key(),
        f"{head}.{body}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    rows = [
        ("floor: 1× ES256 verify", per_second(lambda: public.verify(der, message, ecdsa))),
        ("civicred: QR text", per_second(lambda: verify_qr_document(text, **common))),  # type: ignore[arg-type]
    ]
    print("\nVerification from QR text")
    print(table(rows, baseline="floor: 1× ES256 verify"))

    png = io.BytesIO()
    segno.make_qr(text, error=rendered.ecc.lower(), mode="alphanumeric").save(
        png, kind="png", scale=4, border=4
    )
    png_bytes = png.getvalue()
    image = Image.open(io.BytesIO(png_bytes)).convert("L")
    rows = [
        (
            "floor: raw zxing-cpp decode",
            per_second(lambda: zxingcpp.read_barcodes(image), min_time=1.0),
        ),
        ("civicred: PNG", per_second(lambda: verify_qr_image(png_bytes, **common), min_time=1.0)),  # type: ignore[arg-type]
    ]
    print("\nVerification from a PNG of the QR")
    print(table(rows, baseline="floor: raw zxing-cpp decode"))

    roots = [dev.root]
    report = verify_qr_pdf(rendered.pdf_bytes, pdf_trust_roots=roots, **common)  # type: ignore[arg-type]
    assert report.valid, report.failures

    def pdfium_floor() -> None:
        (page,) = render_pdf(rendered.pdf_bytes, dpi=DEFAULT_DPI, max_pages=1)
        zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCodeModel2)

    ours = ("civicred: PDF (+PAdES, printed data)",
            per_second(lambda: verify_qr_pdf(rendered.pdf_bytes, pdf_trust_roots=roots, **common),  # type: ignore[arg-type]
                       min_time=2.0, rounds=3))  # fmt: skip
    floor = (
        f"floor: PDFium {DEFAULT_DPI} dpi + zxing",
        per_second(pdfium_floor, min_time=2.0, rounds=3),
    )
    print("\nVerification from the PDF (CPU time of this process)")
    print(f"  civicred: {1e3 / ours[1]:.1f} ms per PDF")
    print(table([floor, ours], baseline=floor[0]))
    if shutil.which("pdftoppm") is None:
        print("  old floor (pdftoppm 200 dpi + zxing): skipped: no pdftoppm")
        return
    with tempfile.TemporaryDirectory() as folder:
        pdf_path = Path(folder) / "doc.pdf"
        pdf_path.write_bytes(rendered.pdf_bytes)

        def old_floor() -> None:
            subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf_path), f"{folder}/page"],
                           check=True, timeout=60)  # fmt: skip
            zxingcpp.read_barcodes(Image.open(f"{folder}/page.png").convert("L"))

        old = ("old floor: pdftoppm 200 dpi + zxing", per_second(old_floor, min_time=2.0, rounds=3))
    print(table([old, floor, ours], baseline=old[0]))


if __name__ == "__main__":
    main()
