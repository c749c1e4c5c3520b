"""The operator API (docs/operator-api.md): issuances, credentials and paper documents revoked,
suspended or reinstated with a reason; issuances listed; the audit log read and verified.

Thin: each endpoint is one call of :class:`issuer.lifecycle.LifecycleService`, which audits it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from issuer.api._audited import AuditedRoute
from issuer.api._deps import Auditor, Operator, Services
from issuer.audit import MAX_PAGE as MAX_AUDIT_PAGE
from issuer.lifecycle import MAX_NOTE_LENGTH, IssuanceState, ReasonCode
from issuer.lifecycle._service import MAX_PAGE
from issuer.status import Change

router = APIRouter(prefix="/operator", route_class=AuditedRoute)


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ReasonCode
    #: A case or ticket reference, never personal data (refused when it looks like some).
    note: str | None = Field(default=None, max_length=MAX_NOTE_LENGTH)

    @field_validator("reason")
    @classmethod
    def _given(cls, value: ReasonCode) -> ReasonCode:
        if value is ReasonCode.UNSPECIFIED:
            raise ValueError("give one of the documented reasons")
        return value


JsonObject = dict[str, Any]


def _issuance_change(change: Change) -> Callable[..., JsonObject]:
    def endpoint(reference: str, body: Reason, services: Services, actor: Operator) -> JsonObject:
        return services.lifecycle.change_issuance(
            reference, change, actor=actor, reason=body.reason, note=body.note
        ).to_json()

    return endpoint


def _credential_change(change: Change) -> Callable[..., JsonObject]:
    def endpoint(
        credential_id: str, body: Reason, services: Services, actor: Operator
    ) -> JsonObject:
        return services.lifecycle.change_credential(
            credential_id, change, actor=actor, reason=body.reason, note=body.note
        ).to_json()

    return endpoint


def _document_change(change: Change) -> Callable[..., JsonObject]:
    def endpoint(jti: str, body: Reason, services: Services, actor: Operator) -> JsonObject:
        return services.lifecycle.change_document(
            jti, change, actor=actor, reason=body.reason, note=body.note
        ).to_json()

    return endpoint


for _change in Change:
    router.add_api_route(
        f"/issuances/{{reference}}/{_change}",
        _issuance_change(_change),
        methods=["POST"],
        name=f"issuance.{_change}",
    )
    router.add_api_route(
        f"/credentials/{{credential_id}}/{_change}",
        _credential_change(_change),
        methods=["POST"],
        name=f"credential.{_change}",
    )
    router.add_api_route(
        f"/documents/{{jti}}/{_change}",
        _document_change(_change),
        methods=["POST"],
        name=f"document.{_change}",
    )


@router.get("/issuances", name="issuances.list")
def list_issuances(
    services: Services,
    actor: Auditor,
    credential_type: Annotated[str | None, Query(alias="type")] = None,
    state: IssuanceState | None = None,
    since: date | None = None,
    after: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> JsonObject:
    """Issuances oldest first; ``since`` is a creation day (``YYYY-MM-DD``), ``after`` the
    previous page's ``next_after``."""
    return services.lifecycle.issuances(
        actor=actor,
        credential_type=credential_type,
        state=state,
        since=since,
        after=after,
        limit=limit,
    ).to_json()


@router.get("/issuances/{reference}", name="issuance.read")
def read_issuance(reference: str, services: Services, actor: Auditor) -> JsonObject:
    return services.lifecycle.issuance(reference, actor=actor).to_json()


@router.get("/audit", name="audit.read")
def read_audit(
    services: Services,
    actor: Auditor,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_AUDIT_PAGE)] = 100,
) -> JsonObject:
    """Entries with ``seq > after``, oldest first; ``next_after`` while there may be more."""
    entries = services.lifecycle.audit_entries(actor=actor, after=after, limit=limit)
    return {
        "entries": [e.to_json() for e in entries],
        "next_after": entries[-1].seq if len(entries) == limit else None,
    }


@router.get("/audit/verify", name="audit.verify")
def verify_audit(services: Services, actor: Auditor) -> JsonObject:
    """The whole chain verified, as ``civicred issuer audit verify --json`` reports it."""
    return services.lifecycle.verify_audit(actor=actor).to_json()
