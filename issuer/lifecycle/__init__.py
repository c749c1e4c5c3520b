"""Credential lifecycle: issuances (what was issued together, under a pseudonymous reference),
the operator's changes to them and their reasons, every operation audited (issuer.audit).
Domain logic only: issuer/api/_operator.py is the HTTP face (docs/operator-api.md)."""

from issuer.lifecycle._reasons import MAX_NOTE_LENGTH, ReasonCode, checked_note
from issuer.lifecycle._service import (
    ISSUER_ACTOR,
    LifecycleService,
    new_reference,
    subject_digest,
)
from issuer.lifecycle._targets import (
    CREDENTIAL_ID,
    DOCUMENT_JTI,
    ISSUANCE_REFERENCE,
    UNRECOGNISED,
    TargetKind,
    target,
)
from issuer.lifecycle._views import (
    ChangeResult,
    Issuance,
    IssuancePage,
    IssuanceState,
    Member,
    MemberChange,
    MemberKind,
    Outcome,
)

__all__ = [
    "CREDENTIAL_ID",
    "DOCUMENT_JTI",
    "ISSUANCE_REFERENCE",
    "ISSUER_ACTOR",
    "MAX_NOTE_LENGTH",
    "UNRECOGNISED",
    "ChangeResult",
    "Issuance",
    "IssuancePage",
    "IssuanceState",
    "LifecycleService",
    "Member",
    "MemberChange",
    "MemberKind",
    "Outcome",
    "ReasonCode",
    "TargetKind",
    "checked_note",
    "new_reference",
    "subject_digest",
    "target",
]
