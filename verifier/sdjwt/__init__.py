"""SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issue, present, verify."""

from verifier.sdjwt._disclosure import DEFAULT_SD_ALG, HASH_ALGORITHMS, Disclosure, digest_of
from verifier.sdjwt._issue import (
    NEVER_DISCLOSABLE,
    SD_JWT_VC_TYP,
    IssuedSdJwt,
    issue_sd_jwt,
    issue_sd_jwt_vc,
)
from verifier.sdjwt._json_serialization import to_compact, to_json
from verifier.sdjwt._pointer import format_pointer, parse_pointer
from verifier.sdjwt._policy import Limits, VerificationPolicy
from verifier.sdjwt._present import HeldCredential, PresentationError, present
from verifier.sdjwt._verify import verify_sd_jwt

__all__ = [
    "DEFAULT_SD_ALG",
    "HASH_ALGORITHMS",
    "NEVER_DISCLOSABLE",
    "SD_JWT_VC_TYP",
    "Disclosure",
    "HeldCredential",
    "IssuedSdJwt",
    "Limits",
    "PresentationError",
    "VerificationPolicy",
    "digest_of",
    "format_pointer",
    "issue_sd_jwt",
    "issue_sd_jwt_vc",
    "parse_pointer",
    "present",
    "to_compact",
    "to_json",
    "verify_sd_jwt",
]
