"""Reading QR documents from images and PDFs (the ``scan`` extra).

Importing this package is cheap: zxing-cpp, pyzbar, Pillow, pypdf and pyHanko are imported on
first use, and a missing one raises :class:`ScanUnavailable` (code ``scan.unavailable``).
:func:`detect_input` needs none of them.

- :func:`decode_image` / :func:`decode_pdf`: the QR texts of an image or a PDF (zxing-cpp, then
  pyzbar, then preprocessing retries; PDFs rendered with ``pdftoppm``).
- :func:`verify_qr_image` / :func:`verify_qr_pdf`: the EHIC PDF QR PoC v0.5 §5 flow plus
  ``scan.qr``, ``pdf.printed_data``, ``pdf.signature`` and ``pdf.coverage``.
"""

from verifier.scan._decoders import (
    PyzbarDecoder,
    QrDecoder,
    ZxingDecoder,
    decode_image,
    default_decoders,
    load_image,
)
from verifier.scan._detect import InputKind, detect_input
from verifier.scan._errors import ScanError, ScanUnavailable
from verifier.scan._pades import PadesSignature, inspect_pades, pades_checks
from verifier.scan._pdf import decode_pdf, read_pdf_bytes, render_pdf
from verifier.scan._printed import PrintedField, check_printed_data, pdf_text, printed_fields
from verifier.scan._verify_scan import (
    DOCUMENT_KINDS,
    verify_document_input,
    verify_qr_image,
    verify_qr_pdf,
)

__all__ = [
    "DOCUMENT_KINDS",
    "InputKind",
    "PadesSignature",
    "PrintedField",
    "PyzbarDecoder",
    "QrDecoder",
    "ScanError",
    "ScanUnavailable",
    "ZxingDecoder",
    "check_printed_data",
    "decode_image",
    "decode_pdf",
    "default_decoders",
    "detect_input",
    "inspect_pades",
    "load_image",
    "pades_checks",
    "pdf_text",
    "printed_fields",
    "read_pdf_bytes",
    "render_pdf",
    "verify_document_input",
    "verify_qr_image",
    "verify_qr_pdf",
]
