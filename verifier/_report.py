"""Verification results: frozen, explained, never a bare boolean.

The outcome is *derived* from the checks, in one place (:func:`outcome_of`): a report is
``valid`` only if no check failed and none was left undetermined.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from verifier import codes
from verifier._errors import (
    ClaimsInvalid,
    DisclosureInvalid,
    KeyBindingInvalid,
    MalformedInput,
    SignatureInvalid,
    StatusUnavailable,
    UntrustedIssuer,
    VerificationError,
)


class Outcome(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNDETERMINED = "undetermined"


class CheckResult(StrEnum):
    """Per-step result, mapping onto the eEHIC report's PASSED / NOT PASSED / WARNING / N/A."""

    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    NOT_APPLICABLE = "not_applicable"
    UNDETERMINED = "undetermined"


_OK_RESULTS = frozenset({CheckResult.PASSED, CheckResult.WARNING, CheckResult.NOT_APPLICABLE})


@dataclass(frozen=True, slots=True)
class Check:
    """One verification step: a stable ``code``, its result and a sentence for humans."""

    code: str
    result: CheckResult
    message: str

    @property
    def ok(self) -> bool:
        return self.result in _OK_RESULTS

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ok": self.ok,
            "result": self.result.value,
            "message": self.message,
        }


def passed(code: str, message: str) -> Check:
    return Check(code, CheckResult.PASSED, message)


def failed(code: str, message: str) -> Check:
    return Check(code, CheckResult.FAILED, message)


def outcome_of(checks: Iterable[Check]) -> Outcome:
    """INVALID if any check failed; UNDETERMINED if any could not be decided; else VALID."""
    undetermined = False
    any_check = False
    for check in checks:
        any_check = True
        if check.result is CheckResult.FAILED:
            return Outcome.INVALID
        if check.result is CheckResult.UNDETERMINED:
            undetermined = True
    if not any_check:
        return Outcome.INVALID  # nothing was checked: never "valid" by default
    return Outcome.UNDETERMINED if undetermined else Outcome.VALID


#: The exception :meth:`VerificationReport.raise_for_outcome` raises, by family of the code.
_EXCEPTION_BY_FAMILY: Mapping[str, type[VerificationError]] = {
    codes.INPUT_FAMILY: MalformedInput,
    codes.QR_FAMILY: MalformedInput,
    codes.JWS_FAMILY: SignatureInvalid,
    codes.ISSUER_FAMILY: UntrustedIssuer,
    codes.SDJWT_FAMILY: DisclosureInvalid,
    codes.KB_FAMILY: KeyBindingInvalid,
    codes.STATUS_FAMILY: StatusUnavailable,
    codes.CLAIMS_FAMILY: ClaimsInvalid,
}


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """What a verifier decided and why.

    ``claims`` is the processed payload (only what the holder disclosed); it is ``None`` whenever the
    outcome is ``invalid``. ``details`` carries format-specific facts (for example the QR ``sid``).
    """

    outcome: Outcome
    checks: tuple[Check, ...]
    claims: Mapping[str, Any] | None = None
    issuer: str | None = None
    key_id: str | None = None
    format: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_checks(cls, checks: Iterable[Check], **kwargs: Any) -> VerificationReport:
        checks = tuple(checks)
        outcome = outcome_of(checks)
        if outcome is Outcome.INVALID:
            kwargs["claims"] = None  # never hand out claims that did not verify
        return cls(outcome=outcome, checks=checks, **kwargs)

    def with_checks(
        self,
        *,
        before: Iterable[Check] = (),
        after: Iterable[Check] = (),
        details: Mapping[str, Any] | None = None,
    ) -> VerificationReport:
        """This report with checks added around its own (the trust data's, a PDF's), the
        outcome derived again. Claims an invalid report dropped stay dropped."""
        return VerificationReport.from_checks(
            (*before, *self.checks, *after),
            claims=self.claims,
            issuer=self.issuer,
            key_id=self.key_id,
            format=self.format,
            details={**self.details, **(details or {})},
        )

    @property
    def valid(self) -> bool:
        return self.outcome is Outcome.VALID

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "format": self.format,
            "issuer": self.issuer,
            "key_id": self.key_id,
            "checks": [c.to_dict() for c in self.checks],
            "claims": self.claims,
            "details": dict(self.details),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=False)

    def raise_for_outcome(self) -> None:
        """Raise the exception of the first failed check (httpx's ``raise_for_status`` idiom)."""
        if self.outcome is Outcome.VALID:
            return
        first = next(c for c in self.checks if not c.ok)
        exception = _EXCEPTION_BY_FAMILY.get(codes.family(first.code), VerificationError)
        raise exception(first.message, code=first.code)
