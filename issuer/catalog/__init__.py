"""The credential catalog: which credentials civicred issues, as versioned data."""

from issuer.catalog._types import (
    LANGUAGES,
    ClaimSpec,
    CredentialType,
    credential_type,
    credential_types,
)

__all__ = ["LANGUAGES", "ClaimSpec", "CredentialType", "credential_type", "credential_types"]
