"""jti revocation lists for paper documents (EHIC PDF QR PoC v0.5 §2.3.2 ``jti`` + ``rid``).

Each jti is assigned to a size-limited list at issuance; the list's URI is the document's ``rid``.
Lists are published (signed) when created, so a printed ``rid`` always resolves. Revocation of a
paper document is final.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from issuer.audit import AuditLog
from issuer.errors import NotFound
from issuer.settings import IssuerSettings
from issuer.storage import Database, RevocationEntryRow, RevocationListRow
from verifier.revocation import encode_revocation_list
from verifier.signing import Signer


@dataclass(frozen=True)
class JtiAssignment:
    jti: str
    rid: str


class JtiRevocationService:
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

    def assign(self) -> JtiAssignment:
        """A new jti (``urn:uuid:``) on an open, published list."""
        jti = f"urn:uuid:{uuid.uuid4()}"
        with self._db.session() as session:
            row = session.scalars(select(RevocationListRow).where(RevocationListRow.open)).first()
            if row is None:
                row = self._create(session)
            session.add(RevocationEntryRow(jti=jti, list_id=row.id, assigned_at=self._clock()))
            session.execute(
                update(RevocationListRow)
                .where(RevocationListRow.id == row.id)
                .values(
                    assigned=RevocationListRow.assigned + 1,
                    open=RevocationListRow.assigned + 1 < RevocationListRow.capacity,
                )
            )
            return JtiAssignment(jti, row.uri)

    def _create(self, session: Session) -> RevocationListRow:
        list_id = secrets.token_hex(8)
        row = RevocationListRow(
            id=list_id,
            uri=self._settings.endpoint(f"revocation/{list_id}"),
            capacity=self._settings.revocation_list_capacity,
            assigned=0,
            open=True,
            created_at=self._clock(),
        )
        session.add(row)
        session.flush()
        self._render(session, row)
        return row

    def revoke(self, jti: str, *, actor: str) -> None:
        """Revoke one document (final; revoking it again changes nothing), audited."""
        with self._db.session() as session:
            entries = self.entries(session, [jti])
            if not entries:
                raise NotFound(f"unknown document {jti}")
            changed = self.revoke_entries(session, entries)
            self._audit.append(
                session,
                actor=actor,
                action="document.revoke",
                target=f"document:{jti}",
                detail={"outcome": "ok", "changed": len(changed)},
            )

    def entries(self, session: Session, jtis: Sequence[str]) -> list[RevocationEntryRow]:
        """The entries of ``jtis`` that exist, in ``session``."""
        return list(
            session.scalars(select(RevocationEntryRow).where(RevocationEntryRow.jti.in_(jtis)))
        )

    def revoke_entries(
        self, session: Session, entries: Sequence[RevocationEntryRow]
    ) -> list[RevocationEntryRow]:
        """Revoke ``entries`` and republish their lists, in ``session``; those newly revoked."""
        changed = [e for e in entries if e.revoked_at is None]
        for entry in changed:
            entry.revoked_at = self._clock()
        session.flush()
        list_ids = {e.list_id for e in changed}
        for row in session.scalars(
            select(RevocationListRow).where(RevocationListRow.id.in_(list_ids))
        ):
            self._render(session, row)
        return changed

    def _render(self, session: Session, row: RevocationListRow) -> None:
        revoked = session.scalars(
            select(RevocationEntryRow.jti).where(
                RevocationEntryRow.list_id == row.id, RevocationEntryRow.revoked_at.is_not(None)
            )
        )
        now = self._clock()
        issued_at = int(now.timestamp())
        row.token = encode_revocation_list(
            rid=row.uri,
            revoked=list(revoked),
            capacity=row.capacity,
            issued_at=issued_at,
            next_update=issued_at + self._settings.status_list_validity_seconds,
            signer=self._signer,
        )
        row.published_at = now

    def published(self, list_id: str) -> str:
        """The served list, re-signed when older than the status ttl (so it never goes stale)."""
        with self._db.session() as session:
            row = session.get(RevocationListRow, list_id)
            if row is None or row.published_at is None or row.token is None:
                raise NotFound("no such revocation list")
            if self._clock() - row.published_at >= timedelta(
                seconds=self._settings.status_list_ttl_seconds
            ):
                self._render(session, row)
            assert row.token is not None
            return row.token

    def list_uris(self) -> list[str]:
        with self._db.session() as session:
            return list(session.scalars(select(RevocationListRow.uri)))
