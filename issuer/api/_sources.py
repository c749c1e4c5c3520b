"""Source events handed to the issuer by an operator (or the source's connector): what changed at
an authentic source, and what that did to every issuance built on it (docs/sources.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from issuer.api._audited import AuditedRoute
from issuer.api._deps import Operator, Services
from issuer.errors import InvalidRequest
from issuer.sources import SourceChange, SourceEvent, is_basis

router = APIRouter(prefix="/operator", route_class=AuditedRoute)


class SourceEventBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: The source's pseudonymous subject id, never a national number.
    subject_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    #: ``status:<CODE>`` or ``insurance``.
    basis: str = Field(max_length=32)
    change: SourceChange
    effective: date
    valid_until: date | None = None

    @field_validator("basis")
    @classmethod
    def _basis(cls, value: str) -> str:
        if not is_basis(value):
            raise ValueError("status:<CODE> or insurance")
        return value


@router.post("/source-events", name="source.event")
def source_event(body: SourceEventBody, services: Services, actor: Operator) -> dict[str, Any]:
    """200 with the outcome for each issuance of the subject built on the fact."""
    try:
        event = SourceEvent(**body.model_dump())
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    outcomes = services.source_events.process(event, actor=actor)
    return {"issuances": [o.to_json() for o in outcomes]}


class PollBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: The cursor of the previous poll (``null``: from the start of the source's feed).
    after: str | None = Field(default=None, max_length=256)


@router.post("/source-events/poll", name="source.poll")
def poll_source_events(body: PollBody, services: Services, actor: Operator) -> dict[str, Any]:
    """200 with the events read, their outcome per issuance, and the cursor for the next poll."""
    result = services.source_events.poll(body.after, actor=actor)
    return {
        "events": result.events,
        "issuances": [o.to_json() for o in result.outcomes],
        "cursor": result.cursor,
    }
