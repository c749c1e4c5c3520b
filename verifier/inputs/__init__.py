"""Which kind of input the user gave, and how it is verified.

``civicred verify FILE|TEXT`` and :class:`verifier.OfflineVerifier` route through here:
:func:`detect_input` classifies bytes or text (stdlib only), :func:`verify_document_input`
verifies a signed document as a verifier receives it — QR text (:mod:`verifier.qr`), a photo or
scan (:func:`verify_qr_image`: :mod:`verifier.scan` finds the QR) or a PDF (:func:`verify_qr_pdf`:
the QR, then :mod:`verifier.pdf` for the seal and the printed data). Importing this package is
cheap: :mod:`verifier.scan` and :mod:`verifier.pdf` (and the image and PDF libraries behind them)
are imported when the first image or PDF is verified, or when ``verify_qr_image`` /
``verify_qr_pdf`` is first looked up here.
"""

from typing import TYPE_CHECKING, Any

from verifier.inputs._detect import InputKind, ambiguity, detect_input
from verifier.inputs._verify import DOCUMENT_KINDS, verify_document_input

if TYPE_CHECKING:
    from verifier.inputs._scanned import verify_qr_image, verify_qr_pdf

_SCANNED = frozenset({"verify_qr_image", "verify_qr_pdf"})


def __getattr__(name: str) -> Any:
    if name in _SCANNED:
        from verifier.inputs import _scanned

        return getattr(_scanned, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DOCUMENT_KINDS",
    "InputKind",
    "ambiguity",
    "detect_input",
    "verify_document_input",
    "verify_qr_image",
    "verify_qr_pdf",
]
