"""The verification report export of EHIC PDF QR PoC v0.5 §7, as JSON.

§7 asks for: (1) the original JWT/QR, (2) the verifier id, the treatment date and a timestamp,
(3) per-step results PASSED / NOT PASSED / WARNING / N/A (technical and business steps), and
(4) the conclusion Approved/Rejected with the issuer country, OfficialID, name and kid. The
spec gives no JSON schema yet; the shape below is ours (``type``/``version`` name it).

Each step aggregates the report's checks by code. ``UNDETERMINED`` becomes NOT PASSED (the step
could not be passed); the raw per-check results stay in ``checks``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from verifier import codes
from verifier._errors import VerificationError
from verifier._report import Check, CheckResult, VerificationReport
from verifier._time import VerificationTime
from verifier.qr._envelope import decode_qr_text

REPORT_TYPE = "eehic-verification-report"
REPORT_VERSION = "1"
PASSED, NOT_PASSED, WARNING, NA = "PASSED", "NOT PASSED", "WARNING", "N/A"


@dataclass(frozen=True, slots=True)
class Step:
    group: str  # "technical", "business" or "document"
    id: str
    title: str


STEPS: tuple[Step, ...] = (
    Step(
        "technical",
        codes.TREATMENT_DATE_STEP,
        "Treatment date within [1900-01-01, today] (§5 step 1)",
    ),
    Step("technical", codes.DECODE_STEP, "QR decoded: Base45, zlib, JWS (§5 step 2)"),
    Step(
        "technical", codes.SCHEMA_STEP, "Header and payload valid for the schema of sid (§5 step 3)"
    ),
    Step(
        "technical",
        codes.KEY_RESOLVED_STEP,
        "Issuer key resolved by kid, country and OfficialID (§5 step 4)",
    ),
    Step("technical", codes.JWT_VALID_STEP, "JWT signature valid"),
    Step("technical", codes.REVOCATION_INFO_STEP, "Revocation information available (§5 step 6)"),
    Step("technical", codes.REVOCATION_STEP, "Not revoked (§5 step 6)"),
    Step("business", codes.DATE_RULES_STEP, "Date rules of the payload (§2.3.2)"),
    Step(
        "business",
        codes.ACCREDITATION_STEP,
        "Institution accredited for the document type (§5 step 5)",
    ),
    Step(
        "business",
        codes.KEY_VALIDITY_STEP,
        "Signing certificate valid on the issuance date (§5 step 5)",
    ),
    Step(
        "business",
        codes.VALIDITY_PERIOD_STEP,
        "Treatment date within the validity period (§5 step 7)",
    ),
    Step(
        "business",
        codes.ID_CHECK_STEP,
        "Holder identity checked against an ID document (§5 step 8)",
    ),
    Step("document", codes.QR_FOUND_STEP, "QR code found in the image or PDF"),
    Step("document", codes.PDF_SIGNATURE_STEP, "PDF (PAdES) signature"),
    Step("document", codes.PDF_COVERAGE_STEP, "PDF not modified after signing"),
    Step("document", codes.PDF_PRINTED_DATA_STEP, "Printed data matches the signed QR data"),
)


_RANK = {NOT_PASSED: 3, WARNING: 2, PASSED: 1, NA: 0}
_LABEL = {
    CheckResult.PASSED: PASSED,
    CheckResult.FAILED: NOT_PASSED,
    CheckResult.UNDETERMINED: NOT_PASSED,
    CheckResult.WARNING: WARNING,
    CheckResult.NOT_APPLICABLE: NA,
}


def _aggregate(checks: Sequence[Check]) -> str:
    return max((_LABEL[c.result] for c in checks), key=_RANK.__getitem__, default=NA)


def _revocation_info(checks: Sequence[Check]) -> str:
    """Whether a usable list was there: a revoked or not-revoked answer means it was."""
    if not checks:
        return NA
    results = {c.result for c in checks}
    if CheckResult.UNDETERMINED in results:
        return NOT_PASSED
    if CheckResult.WARNING in results:
        return WARNING
    if results <= {CheckResult.NOT_APPLICABLE}:
        return NA
    return PASSED


def _check_json(check: Check) -> dict[str, str]:
    return {"code": check.code, "result": check.result.value, "message": check.message}


def eessi_steps(
    report: VerificationReport, *, id_check: bool | None = None
) -> list[dict[str, Any]]:
    """The per-step results of §7 (3), in spec order; unknown codes land in an ``other`` step."""
    by_step: dict[str, list[Check]] = {}
    for check in report.checks:
        by_step.setdefault(codes.step(check.code), []).append(check)
    out: list[dict[str, Any]] = []
    for step in STEPS:
        checks = by_step.get(step.id, [])
        if step.id == codes.REVOCATION_INFO_STEP:
            checks = by_step.get(codes.REVOCATION_STEP, [])
            result = _revocation_info(checks)
        elif step.id == codes.ID_CHECK_STEP:
            result = NA if id_check is None else (PASSED if id_check else NOT_PASSED)
            checks = []
        else:
            result = _aggregate(checks)
        out.append(
            {
                "group": step.group,
                "step": step.id,
                "title": step.title,
                "result": result,
                "checks": [_check_json(c) for c in checks],
            }
        )
    if codes.OTHER_STEP in by_step:
        others = by_step[codes.OTHER_STEP]
        out.append(
            {
                "group": "technical",
                "step": codes.OTHER_STEP,
                "title": "Other checks",
                "result": _aggregate(others),
                "checks": [_check_json(c) for c in others],
            }
        )
    return out


def _timestamp(now: dt.datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _original(qr_text: str | bytes) -> dict[str, str | None]:
    text = qr_text.decode("ascii", "replace") if isinstance(qr_text, bytes) else str(qr_text)
    try:
        jwt: str | None = decode_qr_text(text)
    except VerificationError:
        jwt = None
    return {"qr": text, "jwt": jwt}


def report_to_eessi_dict(
    report: VerificationReport,
    qr_text: str | bytes,
    verifier_id: str,
    time: VerificationTime,
    *,
    id_check: bool | None = None,
) -> dict[str, Any]:
    """The §7 export as a JSON-ready dict (see :func:`report_to_eessi_json`)."""
    details = report.details
    treatment = time.treatment_date
    shown = treatment.isoformat() if treatment else details.get("treatment_date")
    return {
        "type": REPORT_TYPE,
        "version": REPORT_VERSION,
        "spec": "EHIC PDF QR Code PoC - Technical Specifications v0.5 §7",
        "original": _original(qr_text),
        "verifier_id": verifier_id,
        "treatment_date": shown,
        "timestamp": _timestamp(time.now),
        "steps": eessi_steps(report, id_check=id_check),
        "conclusion": "Approved" if report.valid else "Rejected",
        "outcome": report.outcome.value,
        "issuer": {
            "country": details.get("issuer_country"),
            "official_id": details.get("official_id"),
            "name": details.get("institution_name"),
            "kid": details.get("kid") or report.key_id,
        },
        "document": {"sid": details.get("sid"), "type": details.get("document_type")},
    }


def report_to_eessi_json(
    report: VerificationReport,
    qr_text: str | bytes,
    verifier_id: str,
    time: VerificationTime,
    *,
    id_check: bool | None = None,
    indent: int | None = 2,
) -> str:
    """The EHIC PDF QR PoC v0.5 §7 verification report as JSON text.

    ``time`` is the verification's: ``time.now`` is the report's timestamp, its treatment date
    the one shown (without one, the date the report was made for). ``id_check`` is the
    operator's own identity check (§5 step 8), N/A if not given. The conclusion is Approved only
    for a ``valid`` report.
    """
    data = report_to_eessi_dict(report, qr_text, verifier_id, time, id_check=id_check)
    return json.dumps(data, indent=indent, ensure_ascii=False)
