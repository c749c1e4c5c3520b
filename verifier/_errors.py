"""The one exception tree for programmer-facing errors.

Verification functions never raise on bad *input*: they return a report whose failed checks carry
the codes below. The exceptions exist for (a) the internals, which raise them and convert them to
failed checks in one place, and (b) callers who prefer exceptions: ``report.raise_for_outcome()``.

    CivicredError
    ├── VerificationError            input did not verify (carries a stable ``code``)
    │   ├── MalformedInput           not parseable, too large, too deep, wrong types
    │   ├── AlgorithmNotAllowed      alg outside the policy, or alg/key mismatch
    │   ├── SignatureInvalid         the signature does not verify
    │   ├── UntrustedIssuer          no trusted key for this issuer / kid
    │   ├── DisclosureInvalid        SD-JWT disclosure rules (RFC 9901 §7.1 steps 3-5)
    │   ├── ClaimsInvalid            exp/nbf/iat, vct, typ, required or forbidden claims
    │   ├── KeyBindingInvalid        KB-JWT rules (RFC 9901 §7.3 step 5)
    │   └── StatusUnavailable        status could not be determined (outcome undetermined)
    ├── IssuanceError                the issuer refused to build a credential
    └── KeyStoreError                keys could not be loaded or stored
"""

from __future__ import annotations

from verifier import codes


class CivicredError(Exception):
    """Base class of every error raised by civicred."""


class VerificationError(CivicredError):
    """Input did not verify. ``code`` is a stable, documented identifier of the failed check."""

    default_code = codes.VERIFICATION

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class MalformedInput(VerificationError):
    default_code = codes.INPUT_MALFORMED


class AlgorithmNotAllowed(VerificationError):
    default_code = codes.JWS_ALG


class SignatureInvalid(VerificationError):
    default_code = codes.JWS_SIGNATURE


class UntrustedIssuer(VerificationError):
    default_code = codes.ISSUER_KEY


class DisclosureInvalid(VerificationError):
    default_code = codes.SDJWT_DISCLOSURES


class ClaimsInvalid(VerificationError):
    default_code = codes.CLAIMS


class KeyBindingInvalid(VerificationError):
    default_code = codes.KB


class StatusUnavailable(VerificationError):
    default_code = codes.STATUS


class IssuanceError(CivicredError):
    """The issuer refused to build a credential (bad claims, forbidden disclosure, bad key)."""


class KeyStoreError(CivicredError):
    """A key could not be read, written or decrypted."""
