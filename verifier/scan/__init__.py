"""Reading QR codes from images and PDFs (the ``scan`` extra): images and PDFs in, QR texts out.

Importing this package is cheap: zxing-cpp, pyzbar, Pillow and pypdfium2 are imported on first
use, and a missing one raises :class:`ScanUnavailable` (code ``scan.unavailable``).

- :func:`decode_image`: the QR texts of an image (zxing-cpp, then pyzbar where libzbar is
  installed, then preprocessing retries).
- :func:`render_pdf` / :func:`decode_pdf`: a PDF's first pages rendered in-process with PDFium
  (pypdfium2), and the QR texts found on them.

What a PDF *means* (its PAdES seal, its visible text) is :mod:`verifier.pdf`; which kind of
input the user gave and how it is verified is :mod:`verifier.inputs`.
"""

from verifier.scan._decoders import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    PyzbarDecoder,
    QrDecoder,
    ZxingDecoder,
    decode_image,
    default_decoders,
    load_image,
    read_image_bytes,
)
from verifier.scan._errors import ScanError, ScanUnavailable
from verifier.scan._pdf import (
    DEFAULT_DPI,
    DEFAULT_MAX_PAGES,
    DEFAULT_TIMEOUT,
    MAX_PAGE_PIXELS_SIDE,
    MAX_PDF_BYTES,
    RETRY_DPI,
    PdfFile,
    PdfiumRenderer,
    PdfRenderer,
    decode_pdf,
    open_pdf,
    read_pdf_bytes,
    render_pdf,
)
from verifier.scan._pdfium import IDENTITY, PDFIUM_LOCK, Deadline, Matrix, multiply

__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_TIMEOUT",
    "IDENTITY",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_PAGE_PIXELS_SIDE",
    "MAX_PDF_BYTES",
    "PDFIUM_LOCK",
    "RETRY_DPI",
    "Deadline",
    "Matrix",
    "PdfFile",
    "PdfRenderer",
    "PdfiumRenderer",
    "PyzbarDecoder",
    "QrDecoder",
    "ScanError",
    "ScanUnavailable",
    "ZxingDecoder",
    "decode_image",
    "decode_pdf",
    "default_decoders",
    "load_image",
    "multiply",
    "open_pdf",
    "read_image_bytes",
    "read_pdf_bytes",
    "render_pdf",
]
