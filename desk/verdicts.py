"""A presentation verified for the desk's purpose, as the verdict the page shows.

:func:`judge` runs the verifier library offline (the bundle at ``now``, the policy's SD-JWT
rules), applies the policy (:func:`verifier.policies.apply_policy`: its checks, and only the
claims it shows), and keeps of the report what the page needs: the outcome, the code that
decided it, the remarks a clerk should know, and the shown claims with their labels. The report
itself, and the presentation, are dropped when the request ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desk.i18n import warning_key
from desk.sources import Channel, Presentation
from desk.trust import DeskTrust
from verifier import Check, CheckResult, Outcome, VerificationReport, codes
from verifier.inputs import DOCUMENT_KINDS, InputKind, detect_input
from verifier.policies import Policy, ShownClaim, apply_policy, claim_at, credential_type
from verifier.qr import DOCTYPES

SD_JWT_KINDS = frozenset({InputKind.SD_JWT, InputKind.SD_JWT_JSON})


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    #: The check that decided an invalid or undetermined verdict (``""`` when valid).
    reason: str
    #: Warnings of a valid verdict worth telling the clerk (text keys, docs/desk.md).
    remarks: tuple[str, ...]
    shown: tuple[tuple[ShownClaim, Any], ...]
    #: The document type's names (QR documents), for the heading.
    document: Mapping[str, str] | None = None


def judge(
    presentation: Presentation,
    *,
    policy: Policy,
    trust: DeskTrust,
    now: datetime,
    audience: str | None = None,
) -> Verdict:
    return verdict_of(
        verify(presentation, policy=policy, trust=trust, now=now, audience=audience), policy
    )


def verify(
    presentation: Presentation,
    *,
    policy: Policy,
    trust: DeskTrust,
    now: datetime,
    audience: str | None = None,
) -> VerificationReport:
    """The library's report under ``policy`` (the bench times exactly this)."""
    verifier = trust.verifier_at(now)
    data = presentation.data
    kind = detect_input(data)
    if presentation.channel is Channel.WALLET and kind is not InputKind.SD_JWT:
        # OpenID4VP 1.0 §B.3.6: a dc+sd-jwt presentation is the compact SD-JWT+KB, nothing else
        report = refused(codes.INPUT_FORMAT, "a wallet presentation must be a compact SD-JWT")
    elif kind in SD_JWT_KINDS:
        rules = policy.sd_jwt_policy(now, expected_nonce=presentation.nonce,
                                     expected_aud=audience, accepted_vcts=presentation.types)  # fmt: skip
        report = verifier.verify_sd_jwt(data.decode("utf-8", errors="replace").strip(), rules)
    elif kind in DOCUMENT_KINDS:
        report = verifier.verify_document(data, kind)
    else:
        report = refused(codes.INPUT_UNRECOGNISED, "not an SD-JWT, a QR text, an image or a PDF")
    return apply_policy(report, policy, now=now, bundle=verifier.bundle)


def refused(code: str, message: str) -> VerificationReport:
    return VerificationReport.from_checks([Check(code, CheckResult.FAILED, message)])


def verdict_of(report: VerificationReport, policy: Policy) -> Verdict:
    deciding = {Outcome.INVALID: CheckResult.FAILED, Outcome.UNDETERMINED: CheckResult.UNDETERMINED}
    wanted = deciding.get(report.outcome)
    reason = next((c.code for c in report.checks if c.result is wanted), "") if wanted else ""
    remarks: list[str] = []
    if report.outcome is Outcome.VALID:
        for check in report.checks:
            key = warning_key(check.code) if check.result is CheckResult.WARNING else None
            if key is not None and key not in remarks:
                remarks.append(key)
    accepted = policy.accepted(report.format, credential_type(report))
    shown: list[tuple[ShownClaim, Any]] = []
    if accepted is not None and report.claims is not None:
        for claim in accepted.show:
            found, value = claim_at(report.claims, claim.path)
            if found:
                shown.append((claim, value))
    sid = report.details.get("sid")
    doctype = DOCTYPES.get(sid) if isinstance(sid, str) and accepted is not None else None
    return Verdict(
        report.outcome, reason, tuple(remarks), tuple(shown),
        None if doctype is None else doctype.name,
    )  # fmt: skip
