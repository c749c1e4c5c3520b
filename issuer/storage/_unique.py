"""``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL: a single-use record or a random
unique value taken inside a larger transaction without an error that would abort it
(PostgreSQL fails the whole transaction on a unique violation; a savepoint per attempt would
cost two statements more). One statement per table and dialect, built once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from issuer.storage._models import Base, table_of

_INSERTS: dict[str, Callable[[Table], Any]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
_BUILT: dict[tuple[str, str], Any] = {}


def insert_if_absent(session: Session, model: type[Base], **values: Any) -> bool:
    """Insert one row unless a unique key of ``model`` already holds one of its values; True when
    this row was inserted. Under concurrency the database decides: on PostgreSQL a competing
    uncommitted insert of the same key makes this one wait for its outcome."""
    connection = session.connection()
    key = (connection.dialect.name, model.__tablename__)
    statement = _BUILT.get(key)
    if statement is None:
        statement = _INSERTS[key[0]](table_of(model)).on_conflict_do_nothing()
        statement = _BUILT[key] = statement.execution_options(preserve_rowcount=True)
    return bool(connection.execute(statement, values).rowcount == 1)
