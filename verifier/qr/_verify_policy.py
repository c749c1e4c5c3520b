"""Verifier policy and the revocation seam for signed QR documents.

EHIC PDF QR PoC v0.5 §5 step 6: revocation is checked only if ``jti`` and ``rid`` are both
present; the ``jti`` MUST NOT be on the ``rid`` list (cached, TTL 24 h), and a missing or stale
list MUST be reported. Implementations of :class:`RevocationChecker` (jti lists, IETF Token Status
Lists) live elsewhere; this module only decides what their answer means under the policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Protocol

from verifier import codes
from verifier._report import Check, CheckResult
from verifier.qr._doctypes import DOCTYPES, RevocationMode
from verifier.qr._document import QrDocument

PadesMode = Literal["ignore", "optional", "required"]
#: The families a revocation checker answers in: jti lists (``revocation.*``) and Token Status
#: Lists (``status``, ``status.*``).
_ANSWER_FAMILIES = frozenset({codes.REVOCATION_FAMILY, codes.STATUS_FAMILY})

#: Each type's ``revocation.default_mode`` (its data file): ``optional`` for the ePRC (v0.5
#: §2.3.2: jti/rid are optional in the token), ``required`` for our card and venue documents.
_DEFAULT_REVOCATION: Mapping[str, RevocationMode] = MappingProxyType(
    {sid: doctype.revocation.default_mode for sid, doctype in DOCTYPES.items()}
)


@dataclass(frozen=True, slots=True)
class QrVerificationPolicy:
    """What a verifier demands beyond the spec's MUSTs.

    ``revocation`` maps a ``sid`` to a :data:`RevocationMode` (unknown sids: ``required``).
    ``pades``: a PDF without a PAdES signature is a WARNING under ``optional`` (the spec's
    signature is in the QR, v0.5 §4), a failure under ``required``; ``ignore`` skips the check.
    ``printed_data``: compare the text printed on a PDF with the signed QR payload.
    """

    revocation: Mapping[str, RevocationMode] = field(default_factory=lambda: _DEFAULT_REVOCATION)
    pades: PadesMode = "optional"
    printed_data: bool = True

    def __post_init__(self) -> None:
        for sid, mode in self.revocation.items():
            if mode not in ("required", "optional", "skip"):
                raise ValueError(f"unknown revocation mode {mode!r} for {sid}")
            doctype = DOCTYPES.get(sid)
            fixed = doctype is not None and not doctype.revocation.optional_per_policy
            if mode != "required" and fixed:
                raise ValueError(f"{sid} does not allow a policy to relax revocation")
        if self.pades not in ("ignore", "optional", "required"):
            raise ValueError(f"unknown PAdES mode {self.pades!r}")
        object.__setattr__(self, "revocation", MappingProxyType(dict(self.revocation)))

    def revocation_mode(self, sid: str) -> RevocationMode:
        return self.revocation.get(sid, "required")

    def with_revocation(self, sid: str, mode: RevocationMode) -> QrVerificationPolicy:
        return QrVerificationPolicy({**self.revocation, sid: mode}, self.pades, self.printed_data)


DEFAULT_QR_POLICY = QrVerificationPolicy()


class RevocationChecker(Protocol):
    """Answers "is this document revoked?" from cached lists; never fetches, never reads the clock
    (its verification time was fixed when it was built).

    Return a :class:`Check` of the ``revocation`` family (jti lists) or the ``status`` family
    (Token Status Lists), :mod:`verifier.codes`:

    - PASSED: the list is present and fresh at its ``now`` and does not name the document;
    - FAILED: the document is revoked (or suspended);
    - UNDETERMINED: the list is missing, unreadable, untrusted or stale at ``now``;
    - NOT_APPLICABLE: the document carries no reference (no ``jti`` + ``rid``, no ``st``).
    """

    def check(self, document: QrDocument) -> Check: ...


def has_revocation_reference(document: QrDocument) -> bool:
    """v0.5 §5 step 6: a reference needs *all* of the type's claims (``jti`` and ``rid``)."""
    return all(name in document.payload for name in document.doctype.revocation.claims)


def reference_text(document: QrDocument) -> str:
    claims = document.doctype.revocation.claims
    return ", ".join(f"{name}={_short(document.payload.get(name))}" for name in claims)


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


@dataclass(frozen=True, slots=True)
class NoRevocationData:
    """The checker of a verifier that has no revocation lists at all: every reference is
    UNDETERMINED ("list missing", v0.5 §5 step 6), every document without one N/A."""

    def check(self, document: QrDocument) -> Check:
        if not has_revocation_reference(document):
            return Check(codes.REVOCATION, CheckResult.NOT_APPLICABLE, "no revocation reference")
        return Check(
            codes.REVOCATION,
            CheckResult.UNDETERMINED,
            f"no revocation list is available for {reference_text(document)}",
        )


def revocation_check(
    document: QrDocument,
    checker: RevocationChecker | None,
    mode: RevocationMode,
) -> Check:
    """The ``revocation`` check of one verified document under the policy ``mode``."""
    cite = "(EHIC PDF QR PoC v0.5 §5 step 6)"
    if mode == "skip":
        return Check(
            codes.REVOCATION, CheckResult.NOT_APPLICABLE, f"revocation not checked (policy) {cite}"
        )
    if not has_revocation_reference(document):
        claims = " and ".join(document.doctype.revocation.claims)
        return Check(
            codes.REVOCATION,
            CheckResult.NOT_APPLICABLE,
            f"the document has no {claims}: no revocation check applies {cite}",
        )
    try:
        check = (checker or NoRevocationData()).check(document)
    except Exception as exc:  # a checker bug must not become a traceback or a verdict
        check = Check(
            codes.REVOCATION,
            CheckResult.UNDETERMINED,
            f"the revocation checker failed ({type(exc).__name__})",
        )
    if not isinstance(check, Check):
        check = Check(codes.REVOCATION, CheckResult.UNDETERMINED, "no revocation answer")
    if codes.family(check.code) not in _ANSWER_FAMILIES:
        check = Check(codes.REVOCATION, check.result, check.message)
    if check.result is CheckResult.UNDETERMINED and mode == "optional":
        return Check(
            check.code,
            CheckResult.WARNING,
            f"{check.message}; revocation is optional for {document.sid} by policy",
        )
    return check
