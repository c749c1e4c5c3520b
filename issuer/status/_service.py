"""Token Status Lists on the issuer side: allocation, revocation, publication.

- Lists are large and fixed-size (herd privacy, ARF Topic 7) with 2-bit entries (VALID, INVALID,
  SUSPENDED; draft-ietf-oauth-status-list §7.1).
- Indices are random and unique (HAIP; §12.5 of the draft): a random index is inserted under a
  unique constraint, so N replicas sharing one database never hand out the same index.
- A list is published (signed tokens stored) when it is created, so no credential ever carries a
  reference to a list that is not yet served.
- INVALID is final: there is no un-revoke (ARF). SUSPENDED can be reinstated.
- Every change is recorded in the audit chain (issuer.audit) in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from issuer.audit import AuditLog
from issuer.errors import NotFound, StatusListFull, StatusTransitionRefused
from issuer.settings import IssuerSettings
from issuer.storage import Database, StatusEntryRow, StatusListRow, insert_if_absent, table_of
from verifier.signing import Signer
from verifier.status import (
    StatusList,
    StatusReference,
    TokenStatus,
    encode_status_list_cwt,
    encode_status_list_jwt,
)

MAX_ALLOCATION_ATTEMPTS = 64
_LISTS = table_of(StatusListRow)
_OPEN_LIST = (
    select(_LISTS.c.id, _LISTS.c.uri, _LISTS.c.size)
    .where(_LISTS.c.open, _LISTS.c.published_at.is_not(None))
    .limit(1)
)
_LIST_SIZE = select(_LISTS.c.size).where(_LISTS.c.id == bindparam("list_id"))
_COUNT_ALLOCATED = (
    update(_LISTS)
    .where(_LISTS.c.id == bindparam("list_id"))
    .values(
        allocated=_LISTS.c.allocated + bindparam("count"),
        open=_LISTS.c.allocated + bindparam("count") < bindparam("limit"),
    )
)
_ALLOWED = {
    (TokenStatus.VALID, TokenStatus.INVALID),
    (TokenStatus.VALID, TokenStatus.SUSPENDED),
    (TokenStatus.SUSPENDED, TokenStatus.VALID),
    (TokenStatus.SUSPENDED, TokenStatus.INVALID),
}


class Change(StrEnum):
    """What an operator does to a credential; each moves it to one :class:`TokenStatus`."""

    REVOKE = "revoke"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"

    @property
    def status(self) -> TokenStatus:
        return _CHANGE_STATUS[self]

    @classmethod
    def to(cls, status: TokenStatus) -> Change:
        return next(c for c in cls if c.status == status)


_CHANGE_STATUS = {
    Change.REVOKE: TokenStatus.INVALID,
    Change.SUSPEND: TokenStatus.SUSPENDED,
    Change.REINSTATE: TokenStatus.VALID,
}


def allowed(current: TokenStatus, wanted: TokenStatus) -> bool:
    """May an entry go from ``current`` to ``wanted``? (Staying put is always allowed.)"""
    return current == wanted or (current, wanted) in _ALLOWED


@dataclass(frozen=True)
class StatusAllocation:
    credential_id: str
    list_id: str
    index: int
    uri: str

    @property
    def reference(self) -> StatusReference:
        """The entry as a Referenced Token names it: ``reference.to_claim()`` is the SD-JWT VC
        ``status`` claim (draft §6.2), ``reference.to_compact()`` a paper document's ``st``."""
        return StatusReference(self.index, self.uri)


@dataclass(frozen=True)
class PublishedList:
    list_id: str
    uri: str
    token_jwt: str
    token_cwt: bytes
    published_at: datetime
    expires_at: datetime


class StatusService:
    def __init__(
        self,
        db: Database,
        settings: IssuerSettings,
        signer: Signer,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        audit: AuditLog | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._signer = signer
        self._clock = clock
        self._audit = audit or AuditLog(db, clock=clock)

    # -- allocation --------------------------------------------------------------------------
    def allocate(self, *, group_id: str | None = None) -> StatusAllocation:
        """A fresh random index on an open, published list, in a transaction of its own."""
        with self._db.session() as session:
            allocations = self.allocate_in(session, 1, group_id=group_id)
            self.count_allocated(session, allocations)
            return allocations[0]

    def allocate_in(
        self, session: Session, count: int, *, group_id: str | None = None
    ) -> list[StatusAllocation]:
        """``count`` fresh random indices on one open, published list (a new list is made and
        published in this transaction when none is open), in the caller's transaction: they are
        taken if and only if it commits. Each index is drawn at random and inserted under the
        list's unique key; a taken one is drawn again. Then :meth:`count_allocated`."""
        connection = session.connection()
        found = connection.execute(_OPEN_LIST).first()
        if found is None:
            row = self._create_list(session)
            list_id, uri, size = row.id, row.uri, row.size
        else:
            list_id, uri, size = found
        return [self._take_index(session, list_id, uri, size, group_id) for _ in range(count)]

    def count_allocated(self, session: Session, allocations: Sequence[StatusAllocation]) -> None:
        """Add ``allocations`` (of one :meth:`allocate_in`) to their list's count, closing it at
        the fill limit. This locks the list's row until the transaction ends, for every
        allocation of every replica: call it last, beside the audit entry."""
        if not allocations:
            return
        connection, list_id = session.connection(), allocations[0].list_id
        size = connection.execute(_LIST_SIZE, {"list_id": list_id}).scalar_one()
        limit = int(size * self._settings.status_list_fill_limit)
        connection.execute(
            _COUNT_ALLOCATED, {"list_id": list_id, "count": len(allocations), "limit": limit}
        )

    def _take_index(
        self, session: Session, list_id: str, uri: str, size: int, group_id: str | None
    ) -> StatusAllocation:
        for _ in range(MAX_ALLOCATION_ATTEMPTS):
            index, credential_id = secrets.randbelow(size), secrets.token_hex(16)
            if insert_if_absent(
                session,
                StatusEntryRow,
                list_id=list_id,
                idx=index,
                credential_id=credential_id,
                group_id=group_id,
                status=int(TokenStatus.VALID),
                allocated_at=self._clock(),
            ):
                return StatusAllocation(credential_id, list_id, index, uri)
        raise StatusListFull("could not allocate a status index (lists too full?)")

    def _create_list(self, session: Session) -> StatusListRow:
        list_id = secrets.token_hex(8)
        row = StatusListRow(
            id=list_id,
            uri=self._settings.endpoint(f"status/{list_id}"),
            bits=2,
            size=self._settings.status_list_size,
            allocated=0,
            open=True,
            version=0,
            created_at=self._clock(),
        )
        session.add(row)
        session.flush()
        self._render(session, row)  # published before any index of it is handed out
        return row

    # -- lifecycle ---------------------------------------------------------------------------
    def set_status(self, credential_id: str, status: TokenStatus, *, actor: str) -> None:
        with self._db.session() as session:
            entries = self.entries(session, [credential_id])
            if not entries:
                raise NotFound(f"unknown credential {credential_id}")
            changed = self.apply(session, entries, status)
            self._audit.append(
                session,
                actor=actor,
                action=f"credential.{Change.to(status)}",
                target=f"credential:{credential_id}",
                detail={"outcome": "ok", "changed": len(changed)},
            )

    def set_group_status(self, group_id: str, status: TokenStatus, *, actor: str) -> int:
        """Revoke / suspend / reinstate every credential of a batch at once."""
        with self._db.session() as session:
            entries = self.group_entries(session, group_id)
            if not entries:
                raise NotFound(f"unknown group {group_id}")
            changed = self.apply(session, entries, status)
            self._audit.append(
                session,
                actor=actor,
                action=f"group.{Change.to(status)}",
                target=f"group:{group_id}",
                detail={"outcome": "ok", "changed": len(changed)},
            )
            return len(entries)

    def entries(self, session: Session, credential_ids: Sequence[str]) -> list[StatusEntryRow]:
        """The entries of ``credential_ids`` that exist, in ``session``."""
        return list(
            session.scalars(
                select(StatusEntryRow).where(StatusEntryRow.credential_id.in_(credential_ids))
            )
        )

    def group_entries(self, session: Session, group_id: str) -> list[StatusEntryRow]:
        return list(
            session.scalars(select(StatusEntryRow).where(StatusEntryRow.group_id == group_id))
        )

    def apply(
        self, session: Session, entries: Sequence[StatusEntryRow], status: TokenStatus
    ) -> list[StatusEntryRow]:
        """Move every entry to ``status`` and republish their lists, in ``session``; the entries
        that actually changed. Raises :class:`StatusTransitionRefused` (and changes nothing)
        when one of them may not move (INVALID is final)."""
        for entry in entries:
            current = TokenStatus(entry.status)
            if not allowed(current, status):
                raise StatusTransitionRefused(
                    f"cannot change a {current.name} credential to {status.name}"
                )
        changed = [e for e in entries if e.status != int(status)]
        if not changed:
            return []
        for entry in changed:
            entry.status = int(status)
            entry.changed_at = self._clock()
        list_ids = {e.list_id for e in changed}
        session.execute(
            update(StatusListRow)
            .where(StatusListRow.id.in_(list_ids))
            .values(version=StatusListRow.version + 1)
        )
        session.flush()
        for row in session.scalars(select(StatusListRow).where(StatusListRow.id.in_(list_ids))):
            self._render(session, row)
        return changed

    # -- publication -------------------------------------------------------------------------
    def _render(self, session: Session, row: StatusListRow) -> None:
        status_list = StatusList(row.size, bits=row.bits)
        for idx, value in session.execute(
            select(StatusEntryRow.idx, StatusEntryRow.status).where(
                StatusEntryRow.list_id == row.id, StatusEntryRow.status != int(TokenStatus.VALID)
            )
        ):
            status_list.set(idx, value)
        now = self._clock()
        iat = int(now.timestamp())
        exp = iat + self._settings.status_list_validity_seconds
        common = {
            "uri": row.uri,
            "signer": self._signer,
            "iat": iat,
            "exp": exp,
            "ttl": self._settings.status_list_ttl_seconds,
        }
        row.token_jwt = encode_status_list_jwt(status_list, **common)  # type: ignore[arg-type]
        row.token_cwt = encode_status_list_cwt(status_list, **common)  # type: ignore[arg-type]
        row.published_at = now
        row.published_version = row.version

    def published(self, list_id: str) -> PublishedList:
        """The served tokens; re-signed first when they are older than their ``ttl``."""
        with self._db.session() as session:
            row = session.get(StatusListRow, list_id)
            if row is None or row.published_at is None:
                raise NotFound("no such status list")
            if self._clock() - row.published_at >= timedelta(
                seconds=self._settings.status_list_ttl_seconds
            ):
                self._render(session, row)
            published_at = row.published_at
            assert published_at is not None and row.token_jwt is not None
            assert row.token_cwt is not None
            return PublishedList(
                row.id,
                row.uri,
                row.token_jwt,
                row.token_cwt,
                published_at,
                published_at + timedelta(seconds=self._settings.status_list_validity_seconds),
            )

    def list_uris(self) -> list[str]:
        with self._db.session() as session:
            return list(
                session.scalars(
                    select(StatusListRow.uri).where(StatusListRow.published_at.is_not(None))
                )
            )
