"""Which kind of input the user gave, and how it is verified.

``civicred verify FILE|TEXT`` and :class:`verifier.OfflineVerifier` route through here:
:func:`detect_input` classifies bytes or text (stdlib only), :func:`verify_document_input`
verifies a signed document as a verifier receives it — QR text (:mod:`verifier.qr`), a photo or
scan (:func:`verify_qr_image`: :mod:`verifier.scan` finds the QR) or a PDF (:func:`verify_qr_pdf`:
the QR, then :mod:`verifier.pdf` for the seal and the printed data). Importing this package is
cheap: the image and PDF libraries are imported when an image or a PDF is verified.
"""

from verifier.inputs._detect import InputKind, ambiguity, detect_input
from verifier.inputs._verify import (
    DOCUMENT_KINDS,
    verify_document_input,
    verify_qr_image,
    verify_qr_pdf,
)

__all__ = [
    "DOCUMENT_KINDS",
    "InputKind",
    "ambiguity",
    "detect_input",
    "verify_document_input",
    "verify_qr_image",
    "verify_qr_pdf",
]
