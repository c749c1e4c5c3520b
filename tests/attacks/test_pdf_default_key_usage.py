"""Defect 12: our sealed PDFs were untrusted under pyHanko's default validation policy.

The document-signing certificate asserted digitalSignature only; pyHanko's default signer
key-usage policy (as ETSI EN 319 412-2 profiles and Adobe expect of a document seal) asks for
nonRepudiation (contentCommitment). Validated here with pyHanko's defaults — no custom
``key_usage_settings`` — against the registry root, for a PDF our issuer sealed.
"""

from __future__ import annotations

import io

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from issuer.documents import DevPki, RenderedDocument

from ._documents import NOW


def test_a_sealed_pdf_is_trusted_under_pyhankos_defaults(
    genuine: RenderedDocument, pki: DevPki
) -> None:
    (embedded,) = PdfFileReader(io.BytesIO(genuine.pdf_bytes)).embedded_signatures
    root = asn1_x509.Certificate.load(pki.root.public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False, moment=NOW)
    status = validate_pdf_signature(embedded, context)
    assert status.intact and status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.bottom_line


def test_the_document_signing_certificate_asserts_content_commitment(pki: DevPki) -> None:
    usage = pki.signer.certificate_chain[0].extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.value.digital_signature and usage.value.content_commitment
    assert usage.critical
