"""The issuance ledger seam: the credential endpoint tells it what it issued for which grant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class IssuanceRecorder(Protocol):
    """Called once per credential response, after the copies are signed and before they are
    returned. ``grant_reference`` is the pre-authorized grant's reference (one per offer; every
    configuration of the offer shares it), ``credential_type`` the catalog type id
    (``social-status``) and ``credential_ids`` the status handle
    (``StatusAllocation.credential_id``) of each copy. Raising refuses the response."""

    def record(
        self, *, grant_reference: str, credential_type: str, credential_ids: Sequence[str]
    ) -> object: ...


class NoIssuanceRecorder:
    """The default: nothing is recorded besides the OpenID4VCI tables."""

    def record(
        self, *, grant_reference: str, credential_type: str, credential_ids: Sequence[str]
    ) -> None:
        return None
