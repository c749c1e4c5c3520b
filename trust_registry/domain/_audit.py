"""Reading the audit log (entries are written by ``_journal.record`` with each change)."""

from __future__ import annotations

from sqlalchemy import select

from trust_registry.domain._views import AuditEntry, audit_entry
from trust_registry.storage import AuditRow, Database


class AuditService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def entries(
        self,
        *,
        limit: int = 100,
        before_id: int | None = None,
        action: str | None = None,
        target: str | None = None,
    ) -> list[AuditEntry]:
        """Newest first; page with ``before_id`` (the smallest id of the previous page)."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(AuditRow.id < before_id)
        if action is not None:
            query = query.where(AuditRow.action == action)
        if target is not None:
            query = query.where(AuditRow.target == target)
        with self._db.session() as session:
            return [audit_entry(row) for row in session.scalars(query)]
