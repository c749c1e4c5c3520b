"""civicred verifier: offline verification of SD-JWT VCs, signed QR documents and status lists.

Dependency-light and side-effect free: the clock, the trust snapshot and the status snapshot are
inputs, never read from the wall clock or the network inside a check.
"""

from verifier._errors import (
    AlgorithmNotAllowed,
    CivicredError,
    ClaimsInvalid,
    DisclosureInvalid,
    IssuanceError,
    KeyBindingInvalid,
    KeyStoreError,
    MalformedInput,
    SignatureInvalid,
    StatusUnavailable,
    UntrustedIssuer,
    VerificationError,
)
from verifier._report import Check, CheckResult, Outcome, VerificationReport

__all__ = [
    "AlgorithmNotAllowed",
    "Check",
    "CheckResult",
    "CivicredError",
    "ClaimsInvalid",
    "DisclosureInvalid",
    "IssuanceError",
    "KeyBindingInvalid",
    "KeyStoreError",
    "MalformedInput",
    "Outcome",
    "SignatureInvalid",
    "StatusUnavailable",
    "UntrustedIssuer",
    "VerificationError",
    "VerificationReport",
]
