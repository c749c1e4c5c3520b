"""Engine, sessions and Alembic migrations for a service database (SQLite or PostgreSQL).

Each service keeps its own Alembic history under ``<package>/migrations`` and its own version
table, recorded apart even in one database. (Each service still needs its own database or
schema: both have an ``audit_log`` table.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


@dataclass(frozen=True)
class Migrations:
    """A service's Alembic scripts (``<package>/migrations``) and the table recording them."""

    package: str
    version_table: str

    @property
    def script_location(self) -> str:
        return str(resources.files(self.package) / "migrations")


def make_engine(url: str) -> Engine:
    """An engine checked out with ``pool_pre_ping`` (replicas survive a database restart; not
    for a SQLite file, which has no server to lose: a ping per checkout would be pure cost).

    A SQLite file gets its folder created; every SQLite connection gets foreign keys switched
    on (off by default there) and write-ahead logging (readers do not block the writer), and
    SQLAlchemy, not the sqlite3 module, begins its transactions: otherwise DDL (a migration) and
    savepoints run outside the transaction and a failed migration leaves half a schema. They
    begin ``IMMEDIATE`` (the write lock at once, waiting up to the driver's timeout): SQLite has
    one writer, and a transaction that read first and then writes could not wait for it.
    """
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=not sqlite)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine, migrations: Migrations) -> None:
    """Bring the schema to the newest revision (Alembic ``upgrade head``) in one transaction.

    On PostgreSQL the transaction first takes an advisory lock named after the version table, so
    replicas that start together migrate one after the other (the later ones find the schema at
    head and do nothing). SQLite's ``BEGIN IMMEDIATE`` serialises them already.
    """
    config = Config()
    config.set_main_option("script_location", migrations.script_location)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                {"name": f"civicred-migrate:{migrations.version_table}"},
            )
        config.attributes["connection"] = connection
        config.attributes["version_table"] = migrations.version_table
        command.upgrade(config, "head")


def schema_revisions(connection: Connection, migrations: Migrations) -> tuple[str | None, str]:
    """``(current, head)``: the revision the database is at (``None``: never migrated) and the
    newest revision of the service's scripts."""
    context = MigrationContext.configure(
        connection, opts={"version_table": migrations.version_table}
    )
    config = Config()
    config.set_main_option("script_location", migrations.script_location)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "a service has at least one migration"
    return context.get_current_revision(), head


def run_migrations(metadata: MetaData) -> None:
    """The body of a service's ``migrations/env.py``: run on the connection and version table
    that :func:`migrate` handed over (batch mode, so SQLite can alter tables)."""
    from alembic import context

    attributes = context.config.attributes
    context.configure(
        connection=attributes["connection"],
        target_metadata=metadata,
        render_as_batch=True,
        version_table=attributes["version_table"],
    )
    with context.begin_transaction():
        context.run_migrations()


class _Group:
    """The transactions that share one SQLite commit: they wait for its outcome."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.members = 0
        self.committed = threading.Event()
        self.failure: BaseException | None = None


class _SqliteTurns:
    """Group commit for the sessions of one process on SQLite.

    SQLite has one writer and every transaction begins ``IMMEDIATE``, so sessions take turns
    (a lock), and a durable commit costs an ``fsync`` (milliseconds on most disks) that would be
    paid once per transaction, inside the turn. Instead, a session that ends while others are
    waiting for their turn leaves the transaction open for them: each session runs in a
    savepoint of the shared transaction (its failure rolls back its own work only), the last of
    the group — no one waiting, or :data:`MAX_GROUP` sessions — commits for all, and every
    session of the group returns only once that commit is on disk (or raises its error). What a
    session's caller sees after it returns is therefore exactly as durable as before.
    """

    MAX_GROUP = 32

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._turn = threading.Lock()
        self._count = threading.Lock()  # guards _waiting
        self._waiting = 0
        self._group: _Group | None = None
        self._inside = threading.local()

    @contextmanager
    def session(self, factory: sessionmaker[Session]) -> Iterator[Session]:
        if getattr(self._inside, "active", False):
            raise RuntimeError("a SQLite session cannot be opened inside another one")
        with self._count:
            self._waiting += 1
        self._turn.acquire()
        with self._count:
            self._waiting -= 1
        self._inside.active = True
        try:
            group = self._join()
        except BaseException:
            self._inside.active = False
            self._turn.release()
            raise
        try:
            with (
                factory(bind=group.connection, join_transaction_mode="create_savepoint") as session,
                session.begin(),
            ):
                yield session
        finally:
            self._inside.active = False
            self._end_turn(group)
        group.committed.wait()
        if group.failure is not None:
            raise group.failure

    def _join(self) -> _Group:
        """The open group, or a new one with its transaction begun (turn held)."""
        if self._group is None:
            connection = self._engine.connect()
            try:
                connection.begin()
            except BaseException:
                connection.close()
                raise
            self._group = _Group(connection)
        self._group.members += 1
        return self._group

    def _end_turn(self, group: _Group) -> None:
        """Leave the transaction to a waiting session, or commit the group's (turn held)."""
        with self._count:
            passed_on = self._waiting > 0 and group.members < self.MAX_GROUP
        if not passed_on:
            self._group = None
            try:
                group.connection.commit()
            except BaseException as exc:
                group.failure = exc
            finally:
                group.connection.close()
                group.committed.set()
        self._turn.release()


class Database:
    """Sessions bound to one engine, with a unit-of-work context manager.

    On SQLite the sessions of one process take turns and share their commits
    (:class:`_SqliteTurns`): SQLite has one writer and every transaction begins ``IMMEDIATE``,
    so threads of one process would otherwise all wait in the driver's busy handler, which
    retries by sleeping (10, 25, 50 ms…) and turns a queue of a few requests into long tail
    latencies, and each would pay its own ``fsync`` (docs/benchmarks.md,
    ``bench/issuance_http.py``). Other processes still wait in the busy handler.
    """

    def __init__(self, url: str, migrations: Migrations) -> None:
        self.engine = make_engine(url)
        self.migrations = migrations
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        sqlite = self.engine.dialect.name == "sqlite"
        self._turns = _SqliteTurns(self.engine) if sqlite else None

    def migrate(self) -> None:
        migrate(self.engine, self.migrations)

    def schema_revisions(self) -> tuple[str | None, str]:
        """``(current, head)`` (see :func:`schema_revisions`); connects to the database."""
        with self.engine.connect() as connection:
            return schema_revisions(connection, self.migrations)

    def ping(self) -> None:
        """A real round trip (``SELECT 1``); raises the driver's error when it fails."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any exception. On SQLite the
        commit may be shared with other sessions of the process; either way the session
        returns only once its work is committed."""
        if self._turns is None:  # PostgreSQL: concurrent transactions
            with self._sessions() as session, session.begin():
                yield session
            return
        with self._turns.session(self._sessions) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
