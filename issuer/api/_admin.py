"""The older ``/admin`` routes, kept for existing deployments and clients: thin aliases of the
operator API (operator token, audited), without a reason (recorded as ``unspecified``)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from issuer.api._audited import AuditedRoute
from issuer.api._deps import Admin, Services
from issuer.lifecycle import ReasonCode
from issuer.status import Change
from verifier.status import TokenStatus

router = APIRouter(prefix="/admin", route_class=AuditedRoute)


class StatusChange(BaseModel):
    status: Literal["valid", "invalid", "suspended"]

    @property
    def change(self) -> Change:
        return Change.to(_STATUS[self.status])


class DocumentRevocation(BaseModel):
    jti: str


_STATUS = {
    "valid": TokenStatus.VALID,
    "invalid": TokenStatus.INVALID,
    "suspended": TokenStatus.SUSPENDED,
}


@router.post("/credentials/{credential_id}/status", status_code=204, name="credential.status")
def change_credential(
    credential_id: str, change: StatusChange, services: Services, actor: Admin
) -> None:
    services.lifecycle.change_credential(
        credential_id, change.change, actor=actor, reason=ReasonCode.UNSPECIFIED
    )


@router.post("/groups/{group_id}/status", name="group.status")
def change_group(
    group_id: str, change: StatusChange, services: Services, actor: Admin
) -> dict[str, int]:
    """``changed``: how many credentials the group has (all of them are in the new status)."""
    result = services.lifecycle.change_group(
        group_id, change.change, actor=actor, reason=ReasonCode.UNSPECIFIED
    )
    return {"changed": len(result.members)}


@router.post("/documents/revoke", status_code=204, name="document.revoke")
def revoke_document(body: DocumentRevocation, services: Services, actor: Admin) -> None:
    """Revoke a paper document by its ``jti`` (final)."""
    services.lifecycle.change_document(
        body.jti, Change.REVOKE, actor=actor, reason=ReasonCode.UNSPECIFIED
    )
