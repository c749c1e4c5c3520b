"""The issuance tables, read and written inside the caller's transaction (no audit here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from issuer.errors import Conflict, InvalidRequest, NotFound
from issuer.lifecycle._views import (
    STATUS_NAMES,
    Issuance,
    IssuancePage,
    IssuanceState,
    Member,
    MemberKind,
)
from issuer.storage import (
    IssuanceBasisRow,
    IssuanceMemberRow,
    IssuanceRow,
    RevocationEntryRow,
    StatusEntryRow,
)
from verifier.status import TokenStatus

#: ``(issuance id, entry)`` pairs of the status members and of the jti members.
MemberEntries = tuple[list[tuple[int, StatusEntryRow]], list[tuple[int, RevocationEntryRow]]]


def issuance_row(session: Session, reference: str) -> IssuanceRow:
    row = session.scalars(select(IssuanceRow).where(IssuanceRow.reference == reference)).first()
    if row is None:
        raise NotFound("unknown issuance")
    return row


def add_members(
    session: Session,
    row: IssuanceRow,
    credential_ids: Sequence[str],
    jtis: Sequence[str],
) -> dict[MemberKind, int]:
    """Add the members not recorded yet; how many of each kind were added. Raises
    :class:`NotFound` for a handle the issuer never allocated and :class:`Conflict` for one
    recorded in another issuance."""
    allocated = session.scalars(
        select(StatusEntryRow.credential_id).where(StatusEntryRow.credential_id.in_(credential_ids))
    )
    if len(set(allocated)) != len(set(credential_ids)):
        raise NotFound("a credential id to record was never allocated")
    assigned = session.scalars(
        select(RevocationEntryRow.jti).where(RevocationEntryRow.jti.in_(jtis))
    )
    if len(set(assigned)) != len(set(jtis)):
        raise NotFound("a jti to record was never assigned")
    recorded = list(
        session.scalars(
            select(IssuanceMemberRow).where(
                or_(
                    IssuanceMemberRow.credential_id.in_(credential_ids),
                    IssuanceMemberRow.jti.in_(jtis),
                )
            )
        )
    )
    if any(m.issuance_id != row.id for m in recorded):
        raise Conflict("a credential or document is already recorded in another issuance")
    known = {m.credential_id for m in recorded} | {m.jti for m in recorded}
    added = {MemberKind.STATUS: 0, MemberKind.JTI: 0}
    for kind, handles in ((MemberKind.STATUS, credential_ids), (MemberKind.JTI, jtis)):
        for handle in dict.fromkeys(handles):
            if handle in known:
                continue
            session.add(
                IssuanceMemberRow(
                    issuance_id=row.id,
                    kind=kind.value,
                    credential_id=handle if kind is MemberKind.STATUS else None,
                    jti=handle if kind is MemberKind.JTI else None,
                )
            )
            added[kind] += 1
    session.flush()
    return added


def add_subject(session: Session, reference: str, digest: str, basis: Sequence[str]) -> None:
    """Name the issuance's subject (once: a subject never changes) and add its bases."""
    row = issuance_row(session, reference)
    if row.subject_digest is None:
        row.subject_digest = digest
    elif row.subject_digest != digest:
        raise Conflict("the issuance belongs to another subject")
    known = set(
        session.scalars(
            select(IssuanceBasisRow.basis).where(IssuanceBasisRow.issuance_id == row.id)
        )
    )
    for fact in dict.fromkeys(basis):
        if fact not in known:
            session.add(IssuanceBasisRow(issuance_id=row.id, basis=fact))
    session.flush()


def subject_rows(session: Session, digest: str, *, basis: str | None = None) -> list[IssuanceRow]:
    """The subject's issuances, newest first; only those built on ``basis`` when given."""
    query = select(IssuanceRow).where(IssuanceRow.subject_digest == digest)
    if basis is not None:
        query = query.join(IssuanceBasisRow).where(IssuanceBasisRow.basis == basis)
    return list(session.scalars(query.order_by(IssuanceRow.id.desc())))


def member_entries(session: Session, issuance_ids: Sequence[int]) -> MemberEntries:
    """The status entries and jti entries of the members of ``issuance_ids``, in recording order."""
    member = IssuanceMemberRow
    status = session.execute(
        select(member.issuance_id, StatusEntryRow)
        .join(StatusEntryRow, StatusEntryRow.credential_id == member.credential_id)
        .where(member.issuance_id.in_(issuance_ids))
        .order_by(member.id)
    )
    jtis = session.execute(
        select(member.issuance_id, RevocationEntryRow)
        .join(RevocationEntryRow, RevocationEntryRow.jti == member.jti)
        .where(member.issuance_id.in_(issuance_ids))
        .order_by(member.id)
    )
    return [(i, e) for i, e in status], [(i, d) for i, d in jtis]


def status_name(entry: StatusEntryRow) -> str:
    return STATUS_NAMES[TokenStatus(entry.status)]


def members(
    entries: Sequence[StatusEntryRow], documents: Sequence[RevocationEntryRow]
) -> tuple[Member, ...]:
    """The members as they are now: status entries, then jtis."""
    return (
        *(Member(MemberKind.STATUS, e.credential_id, status_name(e)) for e in entries),
        *(Member(MemberKind.JTI, d.jti, "revoked" if d.revoked_at else "valid") for d in documents),
    )


def views(session: Session, rows: Sequence[IssuanceRow]) -> list[Issuance]:
    """``rows`` with their members, in two queries."""
    status_members, jti_members = member_entries(session, [row.id for row in rows])
    return [
        Issuance(
            row.reference,
            row.credential_type,
            row.created_on,
            members(
                [e for i, e in status_members if i == row.id],
                [d for i, d in jti_members if i == row.id],
            ),
        )
        for row in rows
    ]


def view_of_member(session: Session, condition: Any) -> Issuance | None:
    """The issuance of the member matching ``condition`` (on :class:`IssuanceMemberRow`)."""
    row = session.scalars(select(IssuanceRow).join(IssuanceMemberRow).where(condition)).first()
    return views(session, [row])[0] if row is not None else None


def page(
    session: Session,
    *,
    credential_type: str | None,
    state: IssuanceState | None,
    since: date | None,
    after: str | None,
    limit: int,
) -> IssuancePage:
    """One page, oldest first. The state filter is :func:`~issuer.lifecycle._views.state_of`
    in SQL: active while a member is valid, else suspended while one is suspended, else revoked."""
    member = IssuanceMemberRow
    valid = func.sum(
        case(
            (
                or_(
                    StatusEntryRow.status == int(TokenStatus.VALID),
                    and_(
                        member.kind == MemberKind.JTI.value,
                        RevocationEntryRow.revoked_at.is_(None),
                    ),
                ),
                1,
            ),
            else_=0,
        )
    )
    suspended = func.sum(case((StatusEntryRow.status == int(TokenStatus.SUSPENDED), 1), else_=0))
    derived = case(
        (valid > 0, IssuanceState.ACTIVE.value),
        (suspended > 0, IssuanceState.SUSPENDED.value),
        else_=IssuanceState.REVOKED.value,
    )
    query = (
        select(IssuanceRow)
        .join(member, member.issuance_id == IssuanceRow.id)
        .outerjoin(StatusEntryRow, StatusEntryRow.credential_id == member.credential_id)
        .outerjoin(RevocationEntryRow, RevocationEntryRow.jti == member.jti)
        .group_by(IssuanceRow.id)
        .order_by(IssuanceRow.id)
        .limit(limit + 1)
    )
    if credential_type is not None:
        query = query.where(IssuanceRow.credential_type == credential_type)
    if since is not None:
        query = query.where(IssuanceRow.created_on >= since)
    if after is not None:
        cursor = session.scalars(
            select(IssuanceRow.id).where(IssuanceRow.reference == after)
        ).first()
        if cursor is None:
            raise InvalidRequest("after names no issuance")
        query = query.where(IssuanceRow.id > cursor)
    if state is not None:
        query = query.having(derived == state.value)
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return IssuancePage(tuple(views(session, rows)), rows[-1].reference if more else None)
