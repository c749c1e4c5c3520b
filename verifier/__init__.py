"""civicred verifier: offline verification of SD-JWT VCs, signed QR documents and status lists.

Dependency-light and side-effect free: the clock, the trust snapshot and the status snapshot are
inputs, never read from the wall clock or the network inside a check. Check codes are the
constants of :mod:`verifier.codes`.

:class:`OfflineVerifier` (a bundle and a :class:`VerificationTime`) is imported on first use:
``import verifier`` stays cheap for code that only reads reports.
"""

from typing import TYPE_CHECKING, Any

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
from verifier._time import VerificationTime

if TYPE_CHECKING:
    from verifier._offline import OfflineVerifier


def __getattr__(name: str) -> Any:
    if name == "OfflineVerifier":  # X.509, the trust list and the QR flow: only when used
        from verifier._offline import OfflineVerifier

        return OfflineVerifier
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")


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
    "OfflineVerifier",
    "Outcome",
    "SignatureInvalid",
    "StatusUnavailable",
    "UntrustedIssuer",
    "VerificationError",
    "VerificationReport",
    "VerificationTime",
]
