"""The issuance ledger seam: the credential endpoint tells it what it issued for which grant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy.orm import Session


class IssuanceRecorder(Protocol):
    """Called once per credential response, in the response's transaction, after the copies are
    signed and before they are returned (append to the audit chain here: it is the last write).
    ``grant_reference`` is the pre-authorized grant's reference (one per offer; every
    configuration of the offer shares it), ``credential_type`` the catalog type id
    (``social-status``) and ``credential_ids`` the status handle
    (``StatusAllocation.credential_id``) of each copy, allocated in the same transaction;
    ``subject_id`` and ``person`` the grant's subject and the source record the credentials were
    built from (never fetched again). Raising refuses the response (and nothing of it is kept)."""

    def record_issued(
        self,
        session: Session,
        *,
        grant_reference: str,
        credential_type: str,
        credential_ids: Sequence[str],
        subject_id: str,
        person: Mapping[str, Any],
    ) -> object: ...


class NoIssuanceRecorder:
    """The default: nothing is recorded besides the OpenID4VCI tables."""

    def record_issued(
        self,
        session: Session,
        *,
        grant_reference: str,
        credential_type: str,
        credential_ids: Sequence[str],
        subject_id: str,
        person: Mapping[str, Any],
    ) -> None:
        return None
