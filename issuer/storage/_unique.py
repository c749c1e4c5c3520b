"""``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL: a single-use record or a random
unique value taken inside a larger transaction without an error that would abort it
(PostgreSQL fails the whole transaction on a unique violation; a savepoint per attempt would
cost two statements more)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from issuer.storage._models import Base

_INSERTS: dict[str, Callable[[Any], Any]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def insert_if_absent(session: Session, model: type[Base], **values: Any) -> bool:
    """Insert one row unless a unique key of ``model`` already holds one of its values; True when
    this row was inserted. Under concurrency the database decides: on PostgreSQL a competing
    uncommitted insert of the same key makes this one wait for its outcome."""
    insert = _INSERTS[session.get_bind().dialect.name]
    statement = insert(model.__table__).values(**values).on_conflict_do_nothing()
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
