"""Verify a QR document from an image or a PDF: find the QR, run the v0.5 §5 flow, add the
image/PDF checks.

Extra checks (docs/verification-codes.md §QR documents): ``scan.qr`` (a QR code was found),
``pdf.printed_data`` (the printed text shows the signed values, run on the verified document
only), ``pdf.signature`` and ``pdf.coverage`` (PAdES, when the policy does not ignore it).
Never raises on bad input: a file that cannot be read is a failed check.

Imported when the first image or PDF is verified (:mod:`verifier.inputs` routes lazily): QR text
and SD-JWT verification never load the scanner, PDFium or pyHanko plumbing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509

from verifier import codes
from verifier._errors import VerificationError
from verifier._report import Check, CheckResult, VerificationReport, failed, passed
from verifier._time import VerificationTime
from verifier.inputs._detect import ambiguity
from verifier.inputs._verify import scan_failure
from verifier.pdf import (
    PadesSignature,
    check_printed_data,
    inspect_pades,
    pades_checks,
    visible_text,
)
from verifier.qr import (
    DEFAULT_QR_POLICY,
    QrDocument,
    QrDocumentResolver,
    QrVerificationPolicy,
    RevocationChecker,
    decode_qr_text,
    extend_report,
    verify_qr_document,
)
from verifier.scan import (
    DEFAULT_DPI,
    DEFAULT_MAX_PAGES,
    PdfFile,
    PdfRenderer,
    QrDecoder,
    ScanError,
    ScanUnavailable,
    decode_image,
    decode_pdf,
    open_pdf,
    read_image_bytes,
    read_pdf_bytes,
)

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_TEXT_PAGES = 4  # pages whose visible text is compared with the signed data


def _pick(texts: Sequence[str]) -> tuple[str, Check]:
    """The QR to verify: the first that decodes as one of ours (else the first found)."""
    usable = []
    for text in texts:
        try:
            decode_qr_text(text)
        except VerificationError:
            continue
        usable.append(text)
    chosen = (usable or list(texts))[0]
    if len(texts) == 1:
        return chosen, passed(codes.SCAN_QR, "one QR code found")
    return chosen, Check(
        codes.SCAN_QR,
        CheckResult.WARNING,
        f"{len(texts)} different QR codes found; verified the first signed document",
    )


def _scan_check(exc: ScanError) -> Check:
    """A file that cannot be read is a failed check; a missing decoder or renderer is no verdict
    on the file (``scan.unavailable`` is UNDETERMINED: it could not be checked here)."""
    if isinstance(exc, ScanUnavailable):
        return Check(exc.code, CheckResult.UNDETERMINED, exc.message)
    return failed(exc.code, exc.message)


def verify_qr_image(
    source: str | Path | bytes | bytearray | Image,
    *,
    resolver: QrDocumentResolver,
    time: VerificationTime,
    revocation: RevocationChecker | None = None,
    policy: QrVerificationPolicy = DEFAULT_QR_POLICY,
    decoders: Sequence[QrDecoder] | None = None,
) -> VerificationReport:
    """Find the QR code of a photo or screenshot and verify it (v0.5 §5). A file that is also
    a PDF (a polyglot) is refused: ``input.ambiguous``."""
    try:
        if isinstance(source, str | Path):
            source = read_image_bytes(source)
        if isinstance(source, bytes | bytearray) and (why := ambiguity(bytes(source))):
            return scan_failure(failed(codes.INPUT_AMBIGUOUS, why))
        texts = decode_image(source, decoders=decoders)
    except ScanError as exc:
        return scan_failure(_scan_check(exc))
    if not texts:
        return scan_failure(failed(codes.SCAN_QR, "no QR code found in the image"))
    return _verify_found(texts, resolver=resolver, time=time, revocation=revocation, policy=policy)


def _verify_found(
    texts: Sequence[str],
    *,
    after: Sequence[Check] = (),
    details: dict[str, Any] | None = None,
    **qr: Any,
) -> VerificationReport:
    """The QR flow (v0.5 §5) on the chosen text, with ``scan.qr`` first and ``after`` last."""
    text, found = _pick(texts)
    report = verify_qr_document(text, **qr)
    return extend_report(
        report, before=[found], after=after, details={"qr_text": text, **(details or {})}
    )


def _pades(
    data: bytes,
    policy: QrVerificationPolicy,
    roots: Sequence[x509.Certificate],
    time: VerificationTime,
) -> tuple[list[Check], list[PadesSignature]]:
    if policy.pades == "ignore":
        return [], []
    try:
        signatures = inspect_pades(data, trust_roots=roots, now=time.now)
    except Exception as exc:  # pyHanko missing, or a PDF structure it cannot parse
        # Not analysable is not "unsigned": the seal may be there, so no verdict either way.
        why = exc.message if isinstance(exc, VerificationError) else type(exc).__name__
        return [
            Check(
                codes.PDF_SIGNATURE,
                CheckResult.UNDETERMINED,
                f"the PDF signature cannot be analysed ({why})",
            )
        ], []
    return pades_checks(signatures, policy.pades), signatures


def _printed(pdf: PdfFile, document: QrDocument) -> list[Check]:
    try:
        text = visible_text(pdf, max_pages=MAX_TEXT_PAGES)
    except ScanError as exc:  # the text cannot be read: the comparison cannot be made
        return [Check(codes.PDF_PRINTED_DATA, CheckResult.UNDETERMINED, exc.message)]
    return [check_printed_data(text, document)]


def verify_qr_pdf(
    source: str | Path | bytes | bytearray,
    *,
    resolver: QrDocumentResolver,
    time: VerificationTime,
    revocation: RevocationChecker | None = None,
    policy: QrVerificationPolicy = DEFAULT_QR_POLICY,
    pdf_trust_roots: Sequence[x509.Certificate] = (),
    decoders: Sequence[QrDecoder] | None = None,
    renderer: PdfRenderer | None = None,
    dpi: int = DEFAULT_DPI,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> VerificationReport:
    """Verify a PDF document: its QR (v0.5 §5), its printed data, its PAdES signature.

    ``pdf_trust_roots`` anchor the PAdES signature (the registry root, or the signer
    certificate itself); without them a PAdES signature is at best "intact, not trusted".
    """
    try:
        data = read_pdf_bytes(source)
    except ScanError as exc:  # an image with a PDF appended has no header in the first KiB
        raw = bytes(source) if isinstance(source, bytes | bytearray) else b""
        why = ambiguity(raw)
        return scan_failure(failed(codes.INPUT_AMBIGUOUS, why) if why else _scan_check(exc))
    if why := ambiguity(data):
        return scan_failure(failed(codes.INPUT_AMBIGUOUS, why))
    pdf_checks, signatures = _pades(data, policy, pdf_trust_roots, time)
    pdf_details: dict[str, Any] = {"signatures": [s.to_dict() for s in signatures]}
    try:
        pdf = open_pdf(data)
    except ScanError as exc:
        return scan_failure(_scan_check(exc), pdf_checks)
    with pdf:  # one PDFium parse for the QR and the printed text
        try:
            texts = decode_pdf(
                pdf, dpi=dpi, max_pages=max_pages, decoders=decoders, renderer=renderer
            )
        except ScanError as exc:
            return scan_failure(_scan_check(exc), pdf_checks)
        if not texts:
            return scan_failure(
                failed(codes.SCAN_QR, f"no QR code found on the first {max_pages} page(s)"),
                pdf_checks,
            )
        return _verify_found(
            texts,
            after=pdf_checks,
            details={"pdf": pdf_details},
            resolver=resolver,
            time=time,
            revocation=revocation,
            policy=policy,
            extra_checks=(lambda doc: _printed(pdf, doc)) if policy.printed_data else None,
        )
