"""PAdES signature of a PDF, validated offline with pyHanko.

The trust roots are an input (the registry root, or the signer certificate itself); nothing is
fetched (``allow_fetching=False``), revocation is ``soft-fail`` (no CRL/OCSP available offline)
and the validation time is the caller's ``now``. The spec's PoC PDF is not PAdES-signed (the
signature is in the QR, EHIC PDF QR PoC v0.5 §4), so a missing PAdES signature is a WARNING
unless the policy requires one.

Two checks come out: ``pdf.signature`` (intact, valid, trusted) and ``pdf.coverage`` (was the
document modified after signing: pyHanko's coverage level and difference analysis).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import importlib
import io
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from verifier._report import Check, CheckResult
from verifier.qr import PadesMode, certificate_thumbprint
from verifier.scan import ScanUnavailable

_T = TypeVar("_T")
SIGNATURE_CODE, COVERAGE_CODE = "pdf.signature", "pdf.coverage"
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
    """Run a coroutine to completion, also when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _quiet() -> None:
    """pyHanko logs path-building failures with tracebacks; with no handler configured Python
    would print them to stderr. A NullHandler keeps them available to an app's own logging."""
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
        from pyhanko.sign.validation.settings import KeyUsageConstraints
        from pyhanko_certvalidator import ValidationContext
    except ImportError as exc:
        raise ScanUnavailable("pyHanko is not installed (civicred[scan])") from exc
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    _quiet()
    asn1_x509: Any = importlib.import_module("asn1crypto.x509")  # untyped; comes with pyHanko
    roots = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in trust_roots]
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})
    out: list[PadesSignature] = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=now
        )
        try:
            status = _run(
                async_validate_pdf_signature(
                    embedded, signer_validation_context=context, key_usage_settings=usage
                )
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
    """``pdf.signature`` and ``pdf.coverage`` for the signatures of one PDF under ``mode``."""
    if mode == "ignore":
        return []
    if not signatures:
        result = CheckResult.FAILED if mode == "required" else CheckResult.WARNING
        return [
            Check(
                SIGNATURE_CODE,
                result,
                "the PDF has no PAdES signature (the signature is in the QR, "
                "EHIC PDF QR PoC v0.5 §4)",
            ),
            Check(COVERAGE_CODE, CheckResult.NOT_APPLICABLE, "no PDF signature: nothing covered"),
        ]
    return [_signature_check(signatures, mode), _coverage_check(signatures[-1])]


def _signature_check(signatures: Sequence[PadesSignature], mode: PadesMode) -> Check:
    broken = [s for s in signatures if not (s.intact and s.valid)]
    if broken:
        first = broken[0]
        why = first.problem or (
            "the signed bytes were changed" if not first.intact else "bad CMS signature"
        )
        return Check(SIGNATURE_CODE, CheckResult.FAILED, f"PDF signature {first.field}: {why}")
    untrusted = [s for s in signatures if not s.trusted]
    if untrusted:
        result = CheckResult.FAILED if mode == "required" else CheckResult.WARNING
        who = untrusted[0].signer_subject or "an unknown signer"
        return Check(
            SIGNATURE_CODE,
            result,
            f"the PDF signature by {who} is intact but does not chain to a trusted root",
        )
    who = ", ".join(s.signer_subject or "?" for s in signatures)
    return Check(
        SIGNATURE_CODE, CheckResult.PASSED, f"PDF signature intact, valid and trusted ({who})"
    )


def _coverage_check(last: PadesSignature) -> Check:
    if not (last.intact and last.valid):
        return Check(COVERAGE_CODE, CheckResult.NOT_APPLICABLE, "the PDF signature is not valid")
    if last.coverage == "ENTIRE_FILE":
        return Check(COVERAGE_CODE, CheckResult.PASSED, "the signature covers the whole file")
    level = last.modification_level
    if last.coverage == "ENTIRE_REVISION" and level in _OK_LEVELS:
        return Check(
            COVERAGE_CODE, CheckResult.PASSED, f"only archival updates after signing ({level})"
        )
    if last.coverage == "ENTIRE_REVISION" and level in _MINOR_LEVELS and last.docmdp_ok:
        return Check(
            COVERAGE_CODE,
            CheckResult.WARNING,
            f"the PDF was changed after signing ({level}); the page content was not",
        )
    return Check(
        COVERAGE_CODE,
        CheckResult.FAILED,
        f"the PDF was modified after signing (coverage {last.coverage}, changes {level or 'unknown'}): "
        "what is shown is not what was signed",
    )
