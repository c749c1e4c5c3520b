"""servicekit.storage on a real SQLite file and a real PostgreSQL schema (``database_url``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Column, Integer, MetaData, Table, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from servicekit.storage import Database, Migrations, UtcDateTime, make_engine, migrate

ISSUER = Migrations("issuer", version_table="alembic_version")
REGISTRY = Migrations("trust_registry", version_table="alembic_version_registry")

metadata = MetaData()
stamps = Table(
    "stamps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=True),
)


def _heads(database: Database, table: str) -> list[str]:
    with database.engine.connect() as connection:
        return list(connection.scalars(text(f"SELECT version_num FROM {table}")))  # noqa: S608


@pytest.mark.parametrize(
    ("migrations", "head", "tables"),
    [
        (
            ISSUER,
            "0007",
            {
                "status_lists",
                "status_entries",
                "revocation_lists",
                "audit_entries",
                "issuances",
                "oid4vci_offers",
            },
        ),
        (REGISTRY, None, {"institutions", "issuers", "certificates", "signed_documents"}),
    ],
)
def test_each_service_migrates_to_head_in_its_own_version_table(
    database_url: str, migrations: Migrations, head: str | None, tables: set[str]
) -> None:
    database = Database(database_url, migrations)
    database.migrate()
    database.migrate()  # idempotent: a restart of any replica runs it again
    names = set(inspect(database.engine).get_table_names())
    assert tables <= names and migrations.version_table in names
    other = {"alembic_version", "alembic_version_registry"} - {migrations.version_table}
    assert not other & names  # never the other service's version table
    (recorded,) = _heads(database, migrations.version_table)
    assert head is None or recorded == head
    database.dispose()


def test_an_existing_issuer_database_at_an_older_revision_still_migrates(
    database_url: str,
) -> None:
    """A database made by an earlier release (revision 0001, default version table) upgrades."""
    database = Database(database_url, ISSUER)
    config = Config()
    config.set_main_option("script_location", ISSUER.script_location)
    with database.engine.begin() as connection:
        config.attributes.update(connection=connection, version_table="alembic_version")
        command.upgrade(config, "0001")
    assert "revocation_lists" not in inspect(database.engine).get_table_names()
    database.migrate()
    assert "revocation_lists" in inspect(database.engine).get_table_names()
    assert _heads(database, "alembic_version") == ["0007"]
    database.dispose()


def test_utc_column_round_trip_and_naive_datetimes_refused(database_url: str) -> None:
    engine = make_engine(database_url)
    metadata.create_all(engine)
    brussels = datetime(2026, 3, 29, 3, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    with engine.begin() as connection:
        connection.execute(stamps.insert(), [{"id": 1, "at": brussels}, {"id": 2, "at": None}])
    with engine.connect() as connection:
        rows = {i: at for i, at in connection.execute(select(stamps.c.id, stamps.c.at))}
    assert rows[1] == brussels and rows[1].tzinfo is UTC  # the same instant, in UTC
    assert rows[1].hour == 1 and rows[1].microsecond == 123456
    assert rows[2] is None
    with pytest.raises(StatementError, match="naive datetime"), engine.begin() as connection:
        connection.execute(stamps.insert(), {"id": 3, "at": datetime(2026, 1, 1, 12, 0)})
    with engine.connect() as connection:
        assert connection.scalar(select(stamps.c.id).where(stamps.c.id == 3)) is None
    engine.dispose()


def test_a_session_is_one_unit_of_work(database_url: str) -> None:
    database = Database(database_url, ISSUER)
    metadata.create_all(database.engine)
    now = datetime.now(UTC)
    with database.session() as session:
        session.execute(stamps.insert(), {"id": 1, "at": now})
    with pytest.raises(IntegrityError), database.session() as session:
        session.execute(stamps.insert(), {"id": 2, "at": now})
        session.execute(stamps.insert(), {"id": 1, "at": now})  # duplicate key: all rolled back
    with database.session() as session:
        assert list(session.scalars(select(stamps.c.id))) == [1]
    with pytest.raises(RuntimeError), database.session() as session:
        session.execute(stamps.insert(), {"id": 3, "at": now})
        raise RuntimeError("abandon")
    with database.session() as session:
        assert list(session.scalars(select(stamps.c.id))) == [1]
    database.dispose()


def test_sqlite_gets_its_folder_foreign_keys_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "service.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
    assert path.exists()
    engine.dispose()
    memory = make_engine("sqlite:///:memory:")
    with memory.connect() as connection:
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    assert not Path(":memory:").exists()


def test_migrate_is_one_transaction(tmp_path: Path) -> None:
    """A failing upgrade leaves no half-made schema (the version table is not written either)."""
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:  # a table in the way of revision 0001
        connection.execute(text("CREATE TABLE status_lists (id INTEGER PRIMARY KEY)"))
    with pytest.raises(Exception, match="status_lists"):
        migrate(engine, ISSUER)
    names = set(inspect(engine).get_table_names())
    assert names == {"status_lists"}
    engine.dispose()


def test_sqlite_sessions_of_one_process_take_turns(tmp_path: Path) -> None:
    """Threads writing at once neither fail nor wait in the driver's busy handler: even with a
    10 ms driver timeout, every read-modify-write of 16 threads lands."""
    from concurrent.futures import ThreadPoolExecutor

    database = Database(f"sqlite:///{tmp_path / 'turns.db'}?timeout=0.01", ISSUER)
    metadata.create_all(database.engine)
    with database.session() as session:
        session.execute(stamps.insert(), {"id": 1, "at": None})

    def bump(_: int) -> None:
        for _ in range(20):
            with database.session() as session:
                count = session.execute(text("SELECT count(*) FROM stamps")).scalar_one()
                session.execute(stamps.insert(), {"id": count + 1, "at": None})

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(bump, range(16)))
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM stamps")).scalar_one() == 1 + 16 * 20
    database.dispose()


def test_sqlite_sessions_share_commits_but_each_returns_committed(tmp_path: Path) -> None:
    """Group commit: a session that returns has its work on disk (another connection sees it),
    a session that fails leaves nothing of its own while the others of its group commit."""
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "groups.db"
    database = Database(f"sqlite:///{path}", ISSUER)
    metadata.create_all(database.engine)

    class Refused(Exception):
        pass

    def write(number: int) -> str:
        try:
            with database.session() as session:
                session.execute(stamps.insert(), {"id": number, "at": None})
                if number % 5 == 0:
                    raise Refused
        except Refused:
            return "refused"
        reader = sqlite3.connect(path)
        try:
            seen = reader.execute("SELECT count(*) FROM stamps WHERE id = ?", (number,)).fetchone()
        finally:
            reader.close()
        return "committed" if seen == (1,) else "not visible"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(write, range(1, 201)))
    assert outcomes.count("refused") == 40 and outcomes.count("committed") == 160
    with database.session() as session:
        ids = set(session.execute(select(stamps.c.id)).scalars())
    assert ids == {n for n in range(1, 201) if n % 5}
    database.dispose()


def test_a_sqlite_session_inside_another_is_refused(tmp_path: Path) -> None:
    """It would wait for the write lock its own thread holds: refused at once instead."""
    database = Database(f"sqlite:///{tmp_path / 'nested.db'}", ISSUER)
    with (
        database.session(),
        pytest.raises(RuntimeError, match="inside another"),
        database.session(),
    ):
        pass
    with database.session() as session:  # the outer one ended cleanly
        assert session.execute(text("SELECT 1")).scalar_one() == 1
    database.dispose()
