"""The audit log in the issuer's database: appends under the chain head's lock, reads, verify.

**Serialising appends.** Every append locks the one ``audit_head`` row (``SELECT … FOR UPDATE``
on PostgreSQL; on SQLite every transaction already begins ``IMMEDIATE``, holding the database's
write lock), reads the last ``seq`` and ``hash`` from it, inserts the next entry and moves the
head, all in the caller's transaction. Two processes can therefore never build on the same head,
and a change commits together with its entry or not at all. ``seq`` is also the primary key: a
second entry with the same ``seq`` could not be stored even if the lock were bypassed.

Append last in a transaction: the head stays locked until the commit, so whatever runs after
the append holds up every other appender.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from issuer.audit._chain import (
    AuditEntry,
    ChainVerdict,
    canonical_json,
    entry_hash,
    verify_chain,
)
from issuer.storage import AuditEntryRow, AuditHeadRow, Database, table_of

#: The statements of an append, built once (Core: an append is on every issuance's path).
_HEAD = table_of(AuditHeadRow)
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_INSERT_ENTRY = insert(table_of(AuditEntryRow))
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)
#: Entries read per round trip while verifying (the log is streamed, never loaded whole).
VERIFY_BATCH = 1000
MAX_PAGE = 500


class AuditLog:
    def __init__(self, db: Database, *, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    def append(
        self,
        session: Session,
        *,
        actor: str,
        action: str,
        target: str,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """The next entry, in ``session``'s transaction (call it last; see the module doc)."""
        body = dict(detail or {})
        text = canonical_json(body)  # refuses what the chain cannot hash canonically
        session.flush()  # the caller's pending changes first: the entry is the last write
        connection = session.connection()
        head_seq, head_hash = connection.execute(_LOCK_HEAD).one()
        at = self._clock()  # read under the lock: times follow seq within one host's clock
        seq = head_seq + 1
        digest = entry_hash(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target=target,
            detail=body,
            prev_hash=head_hash,
        )
        connection.execute(
            _INSERT_ENTRY,
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "target": target,
                "detail": text,
                "prev_hash": head_hash,
                "hash": digest,
            },
        )
        connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": digest})
        entry = AuditEntry(seq, at, actor, action, target, body, head_hash, digest)
        return entry

    def record(
        self, *, actor: str, action: str, target: str, detail: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        """:meth:`append` in a transaction of its own (a refusal, a read)."""
        with self._db.session() as session:
            return self.append(session, actor=actor, action=action, target=target, detail=detail)

    def entries(self, session: Session, *, after: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Entries with ``seq > after``, oldest first, at most ``limit`` (≤ :data:`MAX_PAGE`)."""
        rows = session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.seq > after)
            .order_by(AuditEntryRow.seq)
            .limit(min(limit, MAX_PAGE))
        )
        return [_entry(row) for row in rows]

    def verify(self) -> ChainVerdict:
        """Every entry checked against its neighbours and the head, streamed in ``seq`` order.

        One snapshot for the head and the entries (PostgreSQL: ``REPEATABLE READ``; SQLite: the
        transaction's write lock), so appends running meanwhile are not mistaken for damage.
        Nothing is written here: record the verification in a transaction of its own.
        """
        with self._db.session() as session:
            if self._db.engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            head = session.get(AuditHeadRow, 1)
            recorded = (head.seq, head.hash) if head is not None else (0, "")
            rows = session.scalars(
                select(AuditEntryRow)
                .order_by(AuditEntryRow.seq)
                .execution_options(yield_per=VERIFY_BATCH)
            )
            return verify_chain(rows, recorded)


def _entry(row: AuditEntryRow) -> AuditEntry:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = None
    if not isinstance(detail, dict):  # damaged in the database: verification names it
        detail = {"unreadable": True}
    return AuditEntry(
        row.seq, row.at, row.actor, row.action, row.target, detail, row.prev_hash, row.hash
    )
