"""Verify a signed QR document end to end: EHIC PDF QR PoC v0.5 §5 (verification flow).

:func:`verify_qr_document` never raises on bad input: it returns a
:class:`~verifier.VerificationReport` whose checks follow the spec's steps (stable codes, see
docs/verification-codes.md §QR documents). Nothing reads the clock: the :class:`~verifier.VerificationTime` (the instant,
the verifier's local date and the treatment date) is an input.

Before the signature is verified a failed check ends verification (nothing unverified is looked
at further). After it, every business check runs so that the report lists each rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from verifier import codes
from verifier._errors import (
    AlgorithmNotAllowed,
    MalformedInput,
    StatusUnavailable,
    VerificationError,
)
from verifier._report import (
    Check,
    CheckResult,
    Outcome,
    VerificationReport,
    failed,
    outcome_of,
    passed,
)
from verifier._time import VerificationTime
from verifier.qr._document import QrDocument, parse_jws
from verifier.qr._envelope import MAX_QR_TEXT, decode_qr_text
from verifier.qr._validate import EARLIEST_TREATMENT_DATE, validate_for_verification
from verifier.qr._verify_policy import (
    DEFAULT_QR_POLICY,
    QrVerificationPolicy,
    RevocationChecker,
    revocation_check,
)
from verifier.qr._verify_trust import (
    QrDocumentResolver,
    ResolvedDocumentKey,
    accreditation_check,
    institution_name,
    resolver_steps,
    trust_freshness,
)

QR_FORMAT = "qr-jws"
_SPEC = "EHIC PDF QR PoC v0.5"
_HOSTILE_INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError)
_DECODED = passed(codes.QR_DECODE, "Base45, zlib, compact JWS and JSON decoded (v0.5 §5 step 2)")
#: A hook run on the verified document (PDF printed-data and PAdES checks plug in here).
ExtraChecks = Callable[[QrDocument], Iterable[Check]]


def extend_report(
    report: VerificationReport,
    *,
    before: Iterable[Check] = (),
    after: Iterable[Check] = (),
    details: Mapping[str, Any] | None = None,
) -> VerificationReport:
    """The report with checks added around its own (image/PDF steps, the bundle's trust), the
    outcome and the v0.5 §7 (4) conclusion derived again."""
    extended = report.with_checks(before=before, after=after, details=details)
    approved = extended.outcome is Outcome.VALID
    return extended.with_checks(details={"conclusion": "Approved" if approved else "Rejected"})


class _Stop(Exception):
    """Ends verification after a failed pre-signature check (already recorded)."""


def verify_qr_document(
    text: str | bytes,
    *,
    resolver: QrDocumentResolver,
    time: VerificationTime,
    revocation: RevocationChecker | None = None,
    policy: QrVerificationPolicy = DEFAULT_QR_POLICY,
    extra_checks: ExtraChecks | None = None,
) -> VerificationReport:
    """Verify one QR text (Base45(zlib(JWS))) per v0.5 §5 steps 1-8.

    ``time.treatment_date`` (the visit date for a venue) defaults to ``time.today`` (step 1).
    Without a ``revocation`` checker every revocation reference is undetermined (a warning where
    the policy makes revocation optional); a checker answers at the time it was built with.
    ``extra_checks`` runs on the verified document only.
    """
    run = _Run(resolver, time, revocation, policy)
    try:
        run.verify(text, extra_checks)
    except _Stop:
        pass
    except VerificationError as exc:  # defence in depth: every step converts its own errors
        run.checks.append(failed(exc.code, exc.message))
    except _HOSTILE_INPUT_ERRORS as exc:
        run.checks.append(
            failed(codes.INPUT_MALFORMED, f"input could not be processed: {type(exc).__name__}")
        )
    return run.report()


class _Run:
    def __init__(
        self,
        resolver: QrDocumentResolver,
        time: VerificationTime,
        revocation: RevocationChecker | None,
        policy: QrVerificationPolicy,
    ) -> None:
        self.resolver = resolver
        self.time = time
        self.today = time.today
        self.treatment_date = treatment_date = time.day_of_use
        self.revocation = revocation
        self.policy = policy
        self.checks: list[Check] = []
        self.details: dict[str, Any] = {"treatment_date": treatment_date.isoformat()}
        self.document: QrDocument | None = None
        self._stages: dict[str, Check] = {}
        self._trust_steps: list[Check] = []

    def stop(self, code: str, message: str) -> _Stop:
        self.checks.append(failed(code, message))
        return _Stop()

    def report(self) -> VerificationReport:
        approved = outcome_of(self.checks) is Outcome.VALID
        self.details["conclusion"] = "Approved" if approved else "Rejected"  # v0.5 §7 (4)
        return VerificationReport.from_checks(
            self.checks,
            claims=dict(self.document.payload) if self.document else None,
            issuer=self.details.get("official_id"),
            key_id=self.details.get("kid"),
            format=QR_FORMAT,
            details=self.details,
        )

    def verify(self, text: str | bytes, extra_checks: ExtraChecks | None) -> None:
        # Step 1: the treatment date MUST lie in [1900-01-01, today].
        if not EARLIEST_TREATMENT_DATE <= self.treatment_date <= self.today:
            raise self.stop(
                codes.QR_TREATMENT_DATE,
                f"the treatment date {self.treatment_date} is not within [1900-01-01, "
                f"{self.today}] ({_SPEC} §5 step 1)",
            )
        self.checks.append(passed(codes.QR_TREATMENT_DATE, f"treatment date {self.treatment_date}"))
        document = self._decode(text)
        self._schema(document)
        resolved = self._resolve(document)
        self._signature(document, resolved)
        self.document = document
        self._business(document, resolved)
        mode = self.policy.revocation_mode(document.sid)
        self.checks.append(revocation_check(document, self.revocation, mode))
        self.checks.append(self._validity)
        if extra_checks is not None:
            try:
                self.checks.extend(extra_checks(document))
            except Exception as exc:  # an add-on check must never turn into a traceback
                self.checks.append(
                    Check(
                        codes.INPUT_EXTRA, CheckResult.UNDETERMINED, f"{type(exc).__name__}: {exc}"
                    )
                )

    # -- steps 2-3 ----------------------------------------------------------------------------
    def _decode(self, text: str | bytes) -> QrDocument:
        if isinstance(text, str | bytes) and len(text) > 2 * MAX_QR_TEXT:
            raise self.stop(codes.QR_SIZE, f"the input is longer than {2 * MAX_QR_TEXT} characters")
        try:  # Step 2: QR → Base45 → zlib → JWS split.
            jws = decode_qr_text(text)
        except MalformedInput as exc:
            raise self.stop(exc.code, f"{exc.message} ({_SPEC} §5 step 2)") from None
        try:
            document = parse_jws(jws)
        except AlgorithmNotAllowed as exc:  # v0.5 §2.3.1: alg MUST be ES256 or RS256
            self.checks.append(_DECODED)
            raise self.stop(codes.QR_ALG, f"{exc.message} ({_SPEC} §2.3.1)") from None
        except VerificationError as exc:
            if codes.family(exc.code) != codes.INPUT_FAMILY:  # parsed: a header or sid problem
                self.checks.append(_DECODED)
            raise self.stop(exc.code, exc.message) from None
        self.checks.append(_DECODED)
        self.details.update(sid=document.sid, document_type=document.doctype.name["en"])
        self.details["kid"] = str(document.kid)
        return document

    def _schema(self, document: QrDocument) -> None:
        # Step 3: the schema resolved by sid validates header and payload.
        validation = validate_for_verification(document.payload, self.time)
        by_code = {check.code: check for check in validation.checks()}
        self._stages = by_code
        schema = by_code[codes.QR_SCHEMA]
        if not schema.ok:
            raise self.stop(codes.QR_SCHEMA, f"{schema.message} ({_SPEC} §5 step 3)")
        body = document.body
        self.checks.append(passed(codes.QR_SCHEMA, f"header and payload match {document.sid}"))
        self.details.update(
            issuer_country=body["ic"],
            official_id=f"{body['ic']}:{body['ii']}",
            institution_name=body.get("in"),
        )

    # -- step 4 and the signature -------------------------------------------------------------
    def _resolve(self, document: QrDocument) -> ResolvedDocumentKey:
        body = document.body
        di = dt.date.fromisoformat(body["di"])
        freshness = trust_freshness(self.resolver, self.time.now)  # stale trust data: undetermined
        if freshness is not None:
            self.checks.append(freshness)
        try:
            resolved = self.resolver.resolve_document(
                str(document.kid), body["ic"], body["ii"], document.sid, di
            )
        except VerificationError as exc:
            code = exc.code if codes.family(exc.code) == codes.TRUST_FAMILY else codes.TRUST_KEY
            stale = isinstance(exc, StatusUnavailable) or code == codes.TRUST_FRESHNESS
            result = CheckResult.UNDETERMINED if stale else CheckResult.FAILED
            self.checks.append(Check(code, result, f"{exc.message} ({_SPEC} §5 steps 4-5)"))
            raise _Stop() from None
        except Exception as exc:  # a resolver bug is not the document's fault
            message = f"the trust source failed ({type(exc).__name__})"
            self.checks.append(Check(codes.TRUST_KEY, CheckResult.UNDETERMINED, message))
            raise _Stop() from None
        self.checks.append(
            passed(
                codes.TRUST_KEY, f"key {document.kid} resolved for {self.details['official_id']}"
            )
        )
        steps = resolver_steps(resolved)
        self.checks.extend(steps)
        if not any(codes.step(s.code) == codes.KEY_VALIDITY_STEP for s in steps):  # its contract
            self.checks.append(
                passed(codes.TRUST_CERTIFICATE, f"the signing certificate was valid on di {di}")
            )
        self._trust_steps = steps
        name = institution_name(resolved)
        if name:
            self.details["institution_name"] = name
        source = getattr(resolved, "source", None)
        self.details["trust_source"] = str(source) if source else type(self.resolver).__name__
        return resolved

    def _signature(self, document: QrDocument, resolved: ResolvedDocumentKey) -> None:
        try:
            algorithm = document.verify_signature(resolved.key)
        except VerificationError as exc:
            raise self.stop(codes.QR_SIGNATURE, exc.message) from None
        self.checks.append(passed(codes.QR_SIGNATURE, f"{algorithm.name} signature is valid"))

    # -- steps 5 and 7 ------------------------------------------------------------------------
    def _business(self, document: QrDocument, resolved: ResolvedDocumentKey) -> None:
        period = getattr(resolved, "accreditation", None)
        reported = any(codes.step(s.code) == codes.ACCREDITATION_STEP for s in self._trust_steps)
        if period is not None or not reported:  # v0.5 §5 step 5: sd..ed inside the period
            self.checks.append(accreditation_check(document, period))
        # v0.5 §2.3.2: the verifier MUST check the date rules; issuer-only rules only warn.
        rules = ", ".join(r.id for r in document.doctype.rules if r.level == "must")
        self.checks.append(
            _explained(self._stages[codes.QR_RULE], f"the date rules hold ({rules})")
        )
        self.checks.append(
            _explained(self._stages[codes.QR_ISSUER_RULE], "the issuer-only rules hold")
        )

    @property
    def _validity(self) -> Check:
        # Step 7: the treatment date MUST lie in the validity window ([sd, ed]; xd ignored).
        assert self.document is not None
        start, end = self.document.doctype.validity
        body = self.document.body
        return _explained(
            self._stages[codes.QR_VALIDITY],
            f"the treatment date {self.treatment_date} lies within {start}..{end} "
            f"({body[start]} .. {body[end]})",
        )


def _explained(check: Check, message: str) -> Check:
    return passed(check.code, message) if check.result is CheckResult.PASSED else check
