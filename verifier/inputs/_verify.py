"""Route a signed document as a verifier receives it: QR text, a photo or scan, or a PDF.

QR text goes straight to :func:`verifier.qr.verify_qr_document`; images and PDFs to
:mod:`verifier.inputs._scanned`, imported only then (start-up: a QR text or SD-JWT never loads
the scanner or the PDF plumbing). Never raises on bad input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from verifier import codes
from verifier._report import Check, VerificationReport, failed
from verifier._time import VerificationTime
from verifier.inputs._detect import InputKind, ambiguity
from verifier.qr import (
    DEFAULT_QR_POLICY,
    QR_FORMAT,
    QrDocumentResolver,
    QrVerificationPolicy,
    RevocationChecker,
    verify_qr_document,
)

if TYPE_CHECKING:
    from cryptography import x509


def scan_failure(check: Check, after: Iterable[Check] = ()) -> VerificationReport:
    """A document refused before its QR was verified (``conclusion`` v0.5 §7: Rejected)."""
    checks = (check, *after)
    return VerificationReport.from_checks(
        checks, format=QR_FORMAT, details={"conclusion": "Rejected"}
    )


#: Input kinds :func:`verify_document_input` handles (``detect_input`` tells them apart).
DOCUMENT_KINDS = frozenset(
    {
        InputKind.QR_TEXT,
        InputKind.PNG,
        InputKind.JPEG,
        InputKind.IMAGE,
        InputKind.PDF,
        InputKind.AMBIGUOUS,  # refused with input.ambiguous, as a report
    }
)


def verify_document_input(
    data: bytes,
    kind: InputKind,
    *,
    resolver: QrDocumentResolver,
    time: VerificationTime,
    revocation: RevocationChecker | None = None,
    policy: QrVerificationPolicy = DEFAULT_QR_POLICY,
    pdf_trust_roots: Sequence[x509.Certificate] = (),
) -> VerificationReport:
    """A signed document as a verifier receives it: QR text, a photo or scan, or a PDF."""
    common: dict[str, Any] = {
        "resolver": resolver,
        "time": time,
        "revocation": revocation,
        "policy": policy,
    }
    if kind is InputKind.AMBIGUOUS:
        why = ambiguity(data) or "the input is more than one type"
        return scan_failure(failed(codes.INPUT_AMBIGUOUS, why))
    if kind is InputKind.QR_TEXT:
        return verify_qr_document(data.decode("ascii", errors="replace").strip(), **common)
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"not a document input: {kind}")
    from verifier.inputs import _scanned

    if kind is InputKind.PDF:
        return _scanned.verify_qr_pdf(data, pdf_trust_roots=pdf_trust_roots, **common)
    return _scanned.verify_qr_image(data, **common)
