"""What the lifecycle service answers: issuances, their members, the outcome of a change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from issuer.status import Change
from verifier.status import TokenStatus


class MemberKind(StrEnum):
    #: A Token Status List entry (``credential_id``): wallet credentials, status-list documents.
    STATUS = "status"
    #: A jti on a revocation list: paper documents, revoke-only.
    JTI = "jti"


class IssuanceState(StrEnum):
    """Derived from the members: ``active`` while one of them is valid, ``suspended`` when none
    is valid and one is suspended, ``revoked`` when all are revoked (final)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class Outcome(StrEnum):
    """What a change did to one member."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"  # already in the wanted status
    FINAL = "final"  # revoked: nothing moves it any more
    NOT_SUSPENDABLE = "not_suspendable"  # a jti: revocation lists cannot say "suspended"


#: Member statuses as the operator API spells them.
STATUS_NAMES = {
    TokenStatus.VALID: "valid",
    TokenStatus.INVALID: "revoked",
    TokenStatus.SUSPENDED: "suspended",
}


@dataclass(frozen=True)
class Member:
    kind: MemberKind
    id: str
    status: str  # "valid" | "suspended" | "revoked"

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "id": self.id, "status": self.status}


def state_of(members: Sequence[Member]) -> IssuanceState:
    statuses = {m.status for m in members}
    if "valid" in statuses:
        return IssuanceState.ACTIVE
    if "suspended" in statuses:
        return IssuanceState.SUSPENDED
    return IssuanceState.REVOKED


@dataclass(frozen=True)
class Issuance:
    reference: str
    credential_type: str
    created_on: date
    members: tuple[Member, ...]

    @property
    def state(self) -> IssuanceState:
        return state_of(self.members)

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "credential_type": self.credential_type,
            "created_on": self.created_on.isoformat(),
            "state": self.state.value,
            "members": [m.to_json() for m in self.members],
        }


@dataclass(frozen=True)
class IssuancePage:
    issuances: tuple[Issuance, ...]
    #: Pass as ``after`` for the next page; ``None`` on the last page.
    next_after: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "issuances": [i.to_json() for i in self.issuances],
            "next_after": self.next_after,
        }


@dataclass(frozen=True)
class MemberChange:
    member: Member  # as it is after the change
    outcome: Outcome

    def to_json(self) -> dict[str, str]:
        return {**self.member.to_json(), "outcome": self.outcome.value}


@dataclass(frozen=True)
class ChangeResult:
    target: str
    change: Change
    members: tuple[MemberChange, ...]
    #: The issuance the changed members belong to, as it is after the change.
    issuance: Issuance | None

    def counts(self) -> dict[str, int]:
        """Members per outcome (the audit entry's detail)."""
        counts = {"changed": 0}
        for item in self.members:
            counts[item.outcome.value] = counts.get(item.outcome.value, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        issuance = self.issuance
        return {
            "target": self.target,
            "action": self.change.value,
            "members": [m.to_json() for m in self.members],
            "issuance": (
                {"reference": issuance.reference, "state": issuance.state.value}
                if issuance is not None
                else None
            ),
        }
