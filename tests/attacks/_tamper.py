"""Tampering with sealed PDFs the way an attacker would: incremental updates (pyHanko) that keep
the sealed revision intact, and signatures by keys of the attacker's own."""

from __future__ import annotations

import ctypes
import datetime as dt
import io
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from verifier.scan import PdfFile

MALLORY = b"MALLORY, Eve"


def text_box(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """The page-1 bounds (left, bottom, right, top) of the text object that shows ``text``."""
    with PdfFile(pdf) as opened:
        found = opened.run(lambda: _find(opened, text))
    if found is not None:
        return found
    raise AssertionError(f"{text!r} is not printed on page 1")


def _find(opened: PdfFile, text: str) -> tuple[float, float, float, float] | None:
    raw, page = opened.raw, opened.page(0)
    textpage = raw.FPDFText_LoadPage(page.raw)
    try:
        for obj, _ in opened.objects(0):
            if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT:
                continue
            size = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
            buffer = (ctypes.c_ushort * size)()
            raw.FPDFTextObj_GetText(obj, textpage, buffer, size)
            if bytes(buffer).decode("utf-16-le").rstrip("\x00") == text:
                box = [ctypes.c_float() for _ in range(4)]
                raw.FPDFPageObj_GetBounds(obj, *box)
                left, bottom, right, top = (v.value for v in box)
                return left, bottom, right, top
    finally:
        raw.FPDFText_ClosePage(textpage)
    return None


def append_content(pdf: bytes, content: bytes, *, fonts: bool = True) -> bytes:
    """An incremental update that appends ``content`` to page 1's content streams; ``fonts``
    adds Helvetica as ``/FTamper`` to the page resources (so appended text really shows)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page: Any = writer.root["/Pages"]["/Kids"][0].get_object()
    contents = page.raw_get("/Contents")  # references: a content stream must stay indirect
    resolved = contents.get_object()
    parts = list(resolved) if isinstance(resolved, generic.ArrayObject) else [contents]
    stream = writer.add_object(generic.StreamObject(stream_data=content))
    page["/Contents"] = generic.ArrayObject([*parts, stream])
    if fonts:
        font = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
        original = page["/Resources"]
        resources = generic.DictionaryObject({k: original.raw_get(k) for k in original})
        fonts_dict = original["/Font"] if "/Font" in original else generic.DictionaryObject()
        known = {k: fonts_dict.raw_get(k) for k in fonts_dict}
        known[generic.pdf_name("/FTamper")] = writer.add_object(font)
        resources[generic.pdf_name("/Font")] = generic.DictionaryObject(known)
        page["/Resources"] = resources
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mallory_over(pdf: bytes, name: str) -> bytes:
    """Paint a white box over ``name`` on page 1 and print ``MALLORY, Eve`` in its place."""
    left, bottom, right, top = text_box(pdf, name)
    box = f"q 1 g {left - 2:.2f} {bottom - 2:.2f} {right - left + 40:.2f} {top - bottom + 4:.2f} re f Q"
    text = f"BT 0 g /FTamper 11 Tf {left:.2f} {bottom + 1:.2f} Td ({MALLORY.decode()}) Tj ET"
    return append_content(pdf, f"{box}\n{text}\n".encode())


def self_signed(cn: str = "Eve Mallory") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Any key at all: a self-signed certificate with the key usages a seal asks for."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2034, 1, 1, tzinfo=dt.UTC))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def sign_again(pdf: bytes, field: str = "Signature2") -> bytes:
    """An incremental PAdES signature by a self-signed key in a new signature field (pyHanko
    creates the blank field and fills it in the same revision)."""
    key, cert = self_signed()
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=None,
    )
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    return bytes(out.getvalue())
