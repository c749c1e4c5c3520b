"""Admin API: status/revocation lists pushed by issuers, and the audit log."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from trust_registry.api._deps import Admin, Services
from trust_registry.api._schemas import AuditOut, ListsPush, ListsPushed
from trust_registry.domain import PushedList

router = APIRouter(prefix="/admin", tags=["admin"])


@router.put("/issuers/{issuer_id}/status-lists")
def push_lists(issuer_id: str, body: ListsPush, services: Services, actor: Admin) -> ListsPushed:
    """Store freshly signed Token Status Lists (JWT, or CWT as base64) and jti revocation lists
    for the offline bundle; each must verify with an active status_signing certificate."""
    stored = services.lists.push(
        actor,
        issuer_id,
        status_lists=[PushedList(p.uri, p.token, p.media_type) for p in body.status_lists],
        revocation_lists=[PushedList(p.uri, p.token, p.media_type) for p in body.revocation_lists],
    )
    return ListsPushed(stored=stored)


@router.get("/audit")
def audit(
    services: Services,
    _actor: Admin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    action: str | None = None,
    target: str | None = None,
) -> list[AuditOut]:
    """Newest first; page with ``before_id``."""
    entries = services.audit.entries(limit=limit, before_id=before_id, action=action, target=target)
    return [AuditOut.model_validate(asdict(e)) for e in entries]
