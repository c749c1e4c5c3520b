"""What follows from the authentic sources (docs/sources.md).

:class:`GroundedRecorder` records each OpenID4VCI credential response in its issuance together
with the grant's subject and the source facts the credential is built on (``status:<code>``,
``insurance``): the portal lists a citizen's issuances by subject, and a source event finds
what was built on a fact.

:class:`SourceEventProcessor` acts on a source event: every issuance of the subject built on the
fact — wallet credentials (every batch copy) and paper documents alike — is revoked (withdrawn,
changed), suspended (under review) or reinstated (review ended), each change through the
lifecycle service and so in the audit chain with its reason, and the event itself is recorded
(``source.event``, no subject in it). A built-in source also applies the event to its own data, so
the next offer or portal page shows the new facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.orm import Session

from issuer.audit import AuditLog
from issuer.catalog._claims import CLAIM_BASES
from issuer.errors import NotFound, StatusTransitionRefused
from issuer.lifecycle import IssuanceState, LifecycleService, ReasonCode
from issuer.sources import AmendableSource, AuthenticSource, SourceChange, SourceEvent
from issuer.status import Change

#: The audit actor of what the source's own feed makes the issuer do.
SOURCE_ACTOR = "source"
#: What each source change does to what was built on the fact, and why (the audit reason).
CONSEQUENCES: dict[SourceChange, tuple[Change, ReasonCode]] = {
    SourceChange.WITHDRAWN: (Change.REVOKE, ReasonCode.ENTITLEMENT_ENDED),
    SourceChange.CHANGED: (Change.REVOKE, ReasonCode.SUPERSEDED),
    SourceChange.SUSPENDED: (Change.SUSPEND, ReasonCode.STATUS_UNDER_REVIEW),
    SourceChange.REINSTATED: (Change.REINSTATE, ReasonCode.INVESTIGATION_CLOSED),
}
#: The states an issuance must be in for each change to apply to it.
_APPLIES_TO = {
    Change.REVOKE: {IssuanceState.ACTIVE, IssuanceState.SUSPENDED},
    Change.SUSPEND: {IssuanceState.ACTIVE},
    Change.REINSTATE: {IssuanceState.SUSPENDED},
}


@dataclass(frozen=True)
class EventOutcome:
    reference: str
    outcome: str  # "changed", "unchanged" or the refusal's error code

    def to_json(self) -> dict[str, str]:
        return {"reference": self.reference, "outcome": self.outcome}


class GroundedRecorder:
    """The credential endpoint's :class:`~issuer.oid4vci.IssuanceRecorder` (see the module
    docstring)."""

    def __init__(self, lifecycle: LifecycleService, clock: Callable[[], datetime]) -> None:
        self._lifecycle = lifecycle
        self._clock = clock

    def record_issued(
        self,
        session: Session,
        *,
        grant_reference: str,
        credential_type: str,
        credential_ids: Sequence[str],
        subject_id: str,
        person: Mapping[str, Any],
    ) -> str:
        return self._lifecycle.record_issued(
            session,
            grant_reference=grant_reference,
            credential_type=credential_type,
            credential_ids=credential_ids,
            subject_id=subject_id,
            basis=CLAIM_BASES[credential_type](person, self._clock().date()),
        )


@runtime_checkable
class EventFeed(Protocol):
    """A source that publishes its changes (issuer.sources.HttpAuthenticSource)."""

    def events(self, after: str | None = None) -> tuple[list[SourceEvent], str | None]: ...


@dataclass(frozen=True)
class PollResult:
    events: int
    outcomes: tuple[EventOutcome, ...]
    #: Where the next poll starts (kept by the caller: a scheduler, a connector).
    cursor: str | None


class SourceEventProcessor:
    def __init__(
        self, source: AuthenticSource, lifecycle: LifecycleService, audit: AuditLog
    ) -> None:
        self._source = source
        self._lifecycle = lifecycle
        self._audit = audit

    def poll(self, after: str | None, *, actor: str = SOURCE_ACTOR) -> PollResult:
        """Read the source's feed after ``after`` and process every event, in order."""
        if not isinstance(self._source, EventFeed):
            raise NotFound("this authentic source publishes no events (process them one by one)")
        events, cursor = self._source.events(after)
        outcomes = [o for event in events for o in self.process(event, actor=actor)]
        return PollResult(len(events), tuple(outcomes), cursor or after)

    def process(self, event: SourceEvent, *, actor: str) -> list[EventOutcome]:
        """Apply ``event`` (see the module docstring); the outcome per issuance."""
        if isinstance(self._source, AmendableSource):
            self._source.amend(event)
        change, reason = CONSEQUENCES[event.change]
        outcomes = []
        for issuance in self._lifecycle.built_on(event.subject_id, event.basis):
            if issuance.state not in _APPLIES_TO[change]:
                outcomes.append(EventOutcome(issuance.reference, "unchanged"))
                continue
            try:
                self._lifecycle.change_issuance(
                    issuance.reference, change, actor=actor, reason=reason
                )
            except StatusTransitionRefused as exc:  # e.g. suspending paper on a jti list
                outcomes.append(EventOutcome(issuance.reference, exc.error))
                continue
            outcomes.append(EventOutcome(issuance.reference, "changed"))
        self._audit.record(
            actor=actor,
            action="source.event",
            target=f"source:{event.basis.partition(':')[0]}",
            detail={
                "outcome": "ok",
                "change": event.change.value,
                "issuances": len(outcomes),
                "changed": sum(o.outcome == "changed" for o in outcomes),
            },
        )
        return outcomes
