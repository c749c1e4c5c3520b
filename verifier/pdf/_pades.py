"""PAdES signature of a PDF, validated offline with pyHanko.

The trust roots are an input (the registry root, or the signer certificate itself); nothing is
fetched (``allow_fetching=False``), revocation is ``soft-fail`` (no CRL/OCSP available offline)
and the validation time is the caller's ``now``. The spec's PoC PDF is not PAdES-signed (the
signature is in the QR, EHIC PDF QR PoC v0.5 §4), so a missing PAdES signature is a WARNING
unless the policy requires one.

Two checks come out: ``pdf.signature`` (intact, valid, trusted) and ``pdf.coverage`` (what the
seal covers: pyHanko's coverage level and difference analysis), which becomes
``pdf.modified_after_seal`` when a revision after the seal changes more than form fields,
annotations or archival (LTA) data.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from verifier import codes
from verifier._report import Check, CheckResult
from verifier.qr import PadesMode, certificate_thumbprint
from verifier.scan import ScanUnavailable

_T = TypeVar("_T")
_OK_LEVELS = ("NONE", "LTA_UPDATES")  # PAdES/ISO 32000-2: these are not modifications
_MINOR_LEVELS = ("FORM_FILLING", "ANNOTATIONS")


@dataclass(frozen=True, slots=True)
class PadesSignature:
    """What pyHanko says about one embedded signature."""

    field: str | None
    intact: bool
    valid: bool
    trusted: bool
    coverage: str  # ENTIRE_FILE, ENTIRE_REVISION, CONTIGUOUS_BLOCK_FROM_START, UNCLEAR
    modification_level: str | None  # NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS, OTHER
    docmdp_ok: bool | None
    signer_subject: str | None
    signer_x5t_s256: str | None
    signing_time: dt.datetime | None
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__}
        out["signing_time"] = self.signing_time.isoformat() if self.signing_time else None
        return out


def _run(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to completion, also when the caller already runs an event loop.
    (asyncio is imported here, for PDFs only: it weighs on every verifier's start-up.)"""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _quiet() -> None:
    """pyHanko logs path-building failures with tracebacks; with no handler configured Python
    would print them to stderr. A NullHandler keeps them available to an app's own logging."""
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _name(value: object) -> str | None:
    return getattr(value, "name", None) if value is not None else None


def inspect_pades(
    pdf: bytes, *, trust_roots: Sequence[x509.Certificate], now: dt.datetime
) -> list[PadesSignature]:
    """Validate every embedded signature; an empty list means the PDF is not signed."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import async_validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
    except ImportError as exc:
        raise ScanUnavailable("pyHanko is not installed (civicred[scan])") from exc
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    _quiet()
    asn1_x509: Any = importlib.import_module("asn1crypto.x509")  # untyped; comes with pyHanko
    roots = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in trust_roots]
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    out: list[PadesSignature] = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=now
        )
        try:
            status = _run(
                # pyHanko's default key-usage policy: the signer asserts nonRepudiation
                # (contentCommitment), as a document seal does (ETSI EN 319 412-2 §4.3.2).
                async_validate_pdf_signature(embedded, signer_validation_context=context)
            )
        except Exception as exc:  # a malformed signature dictionary or CMS blob
            out.append(
                PadesSignature(
                    embedded.field_name, False, False, False, "UNCLEAR", None, None,
                    None, None, None, f"{type(exc).__name__}: {str(exc)[:200]}",
                )
            )  # fmt: skip
            continue
        cert = status.signing_cert
        der = cert.dump() if cert is not None else None
        subject = x509.load_der_x509_certificate(der).subject.rfc4514_string() if der else None
        out.append(
            PadesSignature(
                field=embedded.field_name,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                coverage=_name(status.coverage) or "UNCLEAR",
                modification_level=_name(status.modification_level),
                docmdp_ok=status.docmdp_ok,
                signer_subject=subject,
                signer_x5t_s256=certificate_thumbprint(der) if der else None,
                signing_time=status.signer_reported_dt,
            )
        )
    return out


def pades_checks(signatures: Sequence[PadesSignature], mode: PadesMode) -> list[Check]:
    """``pdf.signature`` and ``pdf.coverage`` (or ``pdf.modified_after_seal``) for the
    signatures of one PDF under ``mode``.

    The verdict rests on the seal: the latest trusted signature (else, with none trusted, the
    first signature, so that a later untrusted one never stands in for it). Every revision after
    the seal must be a change that cannot alter what is shown (ISO 32000-2 §12.8.2.2; pyHanko's
    difference analysis). More signatures never improve the report: each untrusted one is named
    in a warning.
    """
    if mode == "ignore":
        return []
    if not signatures:
        result = CheckResult.FAILED if mode == "required" else CheckResult.WARNING
        return [
            Check(
                codes.PDF_SIGNATURE,
                result,
                "the PDF has no PAdES signature (the signature is in the QR, "
                "EHIC PDF QR PoC v0.5 §4)",
            ),
            Check(
                codes.PDF_COVERAGE, CheckResult.NOT_APPLICABLE, "no PDF signature: nothing covered"
            ),
        ]
    broken = [s for s in signatures if not (s.intact and s.valid)]
    if broken:
        first = broken[0]
        why = first.problem or (
            "the signed bytes were changed" if not first.intact else "bad CMS signature"
        )
        return [
            Check(codes.PDF_SIGNATURE, CheckResult.FAILED, f"PDF signature {first.field}: {why}"),
            Check(codes.PDF_COVERAGE, CheckResult.NOT_APPLICABLE, "a PDF signature is not valid"),
        ]
    trusted = [s for s in signatures if s.trusted]
    seal = trusted[-1] if trusted else signatures[0]
    return [_signature_check(signatures, seal, mode), _coverage_check(seal)]


def _who(signature: PadesSignature) -> str:
    return signature.signer_subject or "an unknown signer"


def _signature_check(
    signatures: Sequence[PadesSignature], seal: PadesSignature, mode: PadesMode
) -> Check:
    untrusted = [s for s in signatures if not s.trusted]
    if not seal.trusted:
        result = CheckResult.FAILED if mode == "required" else CheckResult.WARNING
        return Check(
            codes.PDF_SIGNATURE,
            result,
            f"the PDF signature by {_who(seal)} is intact but does not chain to a trusted root",
        )
    if untrusted:
        others = ", ".join(f"{s.field} by {_who(s)}" for s in untrusted)
        return Check(
            codes.PDF_SIGNATURE,
            CheckResult.WARNING,
            f"the PDF is sealed by {_who(seal)} (trusted); also signed, not trusted: {others}",
        )
    who = ", ".join(_who(s) for s in signatures)
    return Check(
        codes.PDF_SIGNATURE, CheckResult.PASSED, f"PDF signature intact, valid and trusted ({who})"
    )


def _coverage_check(seal: PadesSignature) -> Check:
    if seal.coverage == "ENTIRE_FILE":
        return Check(codes.PDF_COVERAGE, CheckResult.PASSED, "the seal covers the whole file")
    level = seal.modification_level
    if seal.coverage != "ENTIRE_REVISION":
        return Check(
            codes.PDF_COVERAGE,
            CheckResult.FAILED,
            f"the seal by {_who(seal)} does not cover a whole revision (coverage "
            f"{seal.coverage}): what is shown is not what was sealed",
        )
    if level in _OK_LEVELS:
        return Check(
            codes.PDF_COVERAGE,
            CheckResult.PASSED,
            f"only archival updates after the seal ({level})",
        )
    if level in _MINOR_LEVELS and seal.docmdp_ok:
        return Check(
            codes.PDF_COVERAGE,
            CheckResult.WARNING,
            f"the PDF was changed after the seal ({level}); the page content was not",
        )
    return Check(
        codes.PDF_MODIFIED_AFTER_SEAL,
        CheckResult.FAILED,
        f"the PDF was modified after the seal by {_who(seal)} (changes {level or 'unknown'}"
        f"{'' if seal.docmdp_ok is not False else ', not permitted by the seal'}): "
        "what is shown is not what was sealed",
    )
