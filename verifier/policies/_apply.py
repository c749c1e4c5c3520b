"""A verification report under a purpose: accepted types and issuers, needed claims, data age.

:func:`apply_policy` takes the library's report (every cryptographic, trust and status check
already made) and adds the purpose's own checks (docs/verification-codes.md §Policies):

- ``policy.type``: the credential's ``vct`` or the document's ``sid`` is one the purpose accepts;
- ``policy.issuer``: the issuing institution has a trust-list role the purpose accepts for it
  (the trust list already said it is accredited for the type: ``trust.accreditation``);
- ``policy.claims``: the claims the purpose needs are there, with the value it needs;
- ``policy.trust_freshness`` / ``policy.status_freshness``: the trust data and the referenced
  status list are younger than the purpose's limits (past ``warn`` a warning, past ``fail``
  undetermined: never valid).

The claims of the result are those the purpose shows (:func:`disclose`), and ``details`` keeps
only facts about the issuer and the trust data (never the QR text, which holds every field).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from verifier import Check, CheckResult, Outcome, VerificationReport, codes
from verifier.policies._disclose import claim_at, disclose
from verifier.policies._model import SD_JWT_VC_FORMAT, Accepted, Policy
from verifier.policies._status_age import list_issued_at, referenced_list
from verifier.qr import QR_FORMAT
from verifier.trust import Bundle

TYPE_DETAIL = "credential_type"
#: ``details`` that say nothing about the holder: the document type, the issuer, the trust data.
KEPT_DETAILS = frozenset(
    {
        "bundle_age_seconds",
        "bundle_issued_at",
        "conclusion",
        "document_type",
        "institution_name",
        "issuer_country",
        "kid",
        "official_id",
        "registry_root",
        "root_pinned",
        "sid",
        "treatment_date",
        "trust_source",
    }
)


def apply_policy(
    report: VerificationReport, policy: Policy, *, now: datetime, bundle: Bundle | None
) -> VerificationReport:
    """``report`` under ``policy`` at ``now``; ``bundle`` is the trust data it was verified
    with (``None`` for ad-hoc trust: the issuer's role then cannot be known → undetermined)."""
    claims = report.claims
    kind = credential_type(report)
    accepted = policy.accepted(report.format, kind)
    checks = list(report.checks)
    if kind is not None:
        checks.append(_type_check(policy, kind, accepted))
    if accepted is not None and claims is not None:
        checks.append(_issuer_check(accepted, report, claims, bundle))
        checks.append(_claims_check(accepted, claims))
    if bundle is not None:
        checks.append(_trust_age(policy, bundle, now))
        uri = referenced_list(claims)
        issued = None if uri is None else list_issued_at(bundle, uri)
        if issued is not None:
            rated = policy.status.freshness.check("the status list", issued, now=now)
            checks.append(Check(codes.POLICY_STATUS_FRESHNESS, rated.result, rated.message))
    shown = None if accepted is None or claims is None else disclose(claims, accepted.shown_paths)
    details = {k: v for k, v in report.details.items() if k in KEPT_DETAILS}
    details["policy"] = policy.name
    if kind is not None:
        details[TYPE_DETAIL] = kind
    if "conclusion" in details:  # EHIC PDF QR PoC v0.5 §7 (4), for the outcome under the policy
        valid = VerificationReport.from_checks(checks).outcome is Outcome.VALID
        details["conclusion"] = "Approved" if valid else "Rejected"
    return VerificationReport.from_checks(
        checks,
        claims=shown,
        issuer=report.issuer,
        key_id=report.key_id,
        format=report.format,
        details=details,
    )


def credential_type(report: VerificationReport) -> str | None:
    """The ``vct`` of an SD-JWT VC, the ``sid`` of a QR document (``None`` if not read); of a
    report under a policy, ``details.credential_type`` (its claims may not show the type)."""
    named = report.details.get(TYPE_DETAIL)
    if isinstance(named, str):
        return named
    claims = report.claims or {}
    if report.format == SD_JWT_VC_FORMAT:
        vct = claims.get("vct")
        return vct if isinstance(vct, str) else None
    if report.format == QR_FORMAT:
        sid = report.details.get("sid", claims.get("sid"))
        return sid if isinstance(sid, str) else None
    return None


def _type_check(policy: Policy, kind: str, accepted: Accepted | None) -> Check:
    short = kind if len(kind) <= 60 else kind[:60] + "…"
    if accepted is None:
        return Check(
            codes.POLICY_TYPE,
            CheckResult.FAILED,
            f"{short} is not accepted for the purpose {policy.name}",
        )
    return Check(codes.POLICY_TYPE, CheckResult.PASSED, f"{short} is accepted for {policy.name}")


def _institution_of(
    report: VerificationReport, claims: Mapping[str, Any], bundle: Bundle
) -> str | None:
    """The issuing institution: a QR document's ``ic:ii`` as resolved, an SD-JWT VC's clear
    ``authentic_source.id``, else the trust-list issuer of its ``iss`` (the rule of
    :class:`verifier.trust.SdJwtVcTrustResolver`)."""
    if report.format == QR_FORMAT:
        official = report.details.get("official_id")
        return official if isinstance(official, str) else None
    source = claims.get("authentic_source")
    official = source.get("id") if isinstance(source, Mapping) else None
    if isinstance(official, str):
        return official
    issuer = bundle.snapshot.issuer_for(report.issuer) if report.issuer else None
    return None if issuer is None else issuer.id


def _issuer_check(
    accepted: Accepted, report: VerificationReport, claims: Mapping[str, Any], bundle: Bundle | None
) -> Check:
    if bundle is None:
        return Check(
            codes.POLICY_ISSUER,
            CheckResult.UNDETERMINED,
            "the issuer's role is known only from the trust list: verify with the bundle",
        )
    official = _institution_of(report, claims, bundle)
    institution = None if official is None else bundle.snapshot.institution(official)
    if institution is None:
        return Check(
            codes.POLICY_ISSUER,
            CheckResult.FAILED,
            "the issuing institution is not in the trust list",
        )
    roles = " or ".join(accepted.issuer_roles)
    if institution.role not in accepted.issuer_roles:
        return Check(
            codes.POLICY_ISSUER,
            CheckResult.FAILED,
            f"{institution.official_id} has the role {institution.role}; this purpose accepts "
            f"{accepted.type} only from the role {roles}",
        )
    return Check(
        codes.POLICY_ISSUER,
        CheckResult.PASSED,
        f"{institution.official_id} has the role {institution.role}, accepted for {accepted.type}",
    )


def _claims_check(accepted: Accepted, claims: Mapping[str, Any]) -> Check:
    missing, wrong = [], []
    for claim in accepted.show:
        found, value = claim_at(claims, claim.path)
        if claim.required and not found:
            missing.append(claim.pointer)
        elif claim.equals is not None and not (
            type(value) is type(claim.equals) and value == claim.equals
        ):
            wrong.append(f"{claim.pointer} is not {claim.equals!r}")
    if missing:
        return Check(
            codes.POLICY_CLAIMS,
            CheckResult.FAILED,
            f"not disclosed, but needed for this purpose: {', '.join(missing)}",
        )
    if wrong:
        return Check(codes.POLICY_CLAIMS, CheckResult.FAILED, "; ".join(wrong))
    return Check(
        codes.POLICY_CLAIMS,
        CheckResult.PASSED,
        f"the needed claims are there; {len(accepted.show)} claim(s) shown, the rest discarded",
    )


def _trust_age(policy: Policy, bundle: Bundle, now: datetime) -> Check:
    """The age of the trust data: the older of the bundle and its trust list."""
    snapshot = bundle.snapshot
    issued = min(bundle.issued_at, snapshot.issued_at)
    next_update = min(bundle.next_update, snapshot.next_update)
    rated = policy.trust.freshness.check("the trust data", issued, now=now, next_update=next_update)
    return Check(codes.POLICY_TRUST_FRESHNESS, rated.result, rated.message)
