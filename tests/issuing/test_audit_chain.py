"""The audit chain: its documented encoding (a known-answer vector), appends from many threads
(SQLite) and many processes (PostgreSQL) forming one unbroken chain, and the flat audit log of
older databases carried into the chain by migration 0003."""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from issuer.audit import GENESIS_HASH, AuditLog, canonical_json, entry_hash
from issuer.services import wall_clock
from issuer.storage import MIGRATIONS, Database
from verifier.status import TokenStatus

from ._lifecycle import build_services

APPENDERS = 4
APPENDS_EACH = 25


def test_the_documented_encoding_known_answer() -> None:
    """docs/operator-api.md, "Audit chain": the same entry, the same bytes, the same hash."""
    at = datetime(2026, 7, 1, 10, 30, 0, 1, tzinfo=UTC)
    detail = {"reason": "device_lost", "outcome": "ok", "note": "INC-20431 é"}
    canonical = (
        '{"action":"issuance.revoke","actor":"operator#0","at":"2026-07-01T10:30:00.000001Z",'
        '"detail":{"note":"INC-20431 é","outcome":"ok","reason":"device_lost"},'
        f'"prev_hash":"{"0" * 64}","seq":1,"target":"issuance:iss_{"a" * 26}","v":1}}'
    )
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert expected == "1b1cf588e31444c1ec30dbdf9155c4b4f5b2896626ff8f6b68269df5b043a250"
    assert (
        entry_hash(
            seq=1,
            at=at,
            actor="operator#0",
            action="issuance.revoke",
            target="issuance:iss_" + "a" * 26,
            detail=detail,
            prev_hash=GENESIS_HASH,
        )
        == expected
    )


@pytest.mark.parametrize("detail", [{"x": 1.5}, {"x": 1 << 53}, {"é": 1}, {"x": b"raw"}])
def test_details_the_encoding_cannot_spell_canonically_are_refused(detail: Any) -> None:
    with pytest.raises(ValueError):
        canonical_json(detail)


def _append_many(url: str, actor: str, barrier: Any) -> None:
    """One appender process: its own engine and connections, started together with the others."""
    db = Database(url)
    log = AuditLog(db, clock=wall_clock)
    barrier.wait()
    for i in range(APPENDS_EACH):
        log.record(actor=actor, action="test.append", target="test", detail={"i": i})
    db.dispose()


def _assert_one_chain(log: AuditLog, db: Database, actors: list[str], extra: int = 0) -> None:
    verdict = log.verify()
    assert verdict.intact, verdict.message
    assert verdict.entries == len(actors) * APPENDS_EACH + extra
    with db.session() as session:
        entries = log.entries(session, limit=500)
    assert [e.seq for e in entries] == list(range(1, verdict.entries + 1))
    appended = Counter(e.actor for e in entries if e.action == "test.append")
    assert appended == dict.fromkeys(actors, APPENDS_EACH)
    # every appender's own entries are in its order (each waited for the head in turn)
    for actor in actors:
        assert [e.detail["i"] for e in entries if e.actor == actor] == list(range(APPENDS_EACH))


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_processes_appending_at_once_on_postgresql_form_one_chain(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(APPENDERS)
    actors = [f"process#{n}" for n in range(APPENDERS)]
    processes = [
        context.Process(target=_append_many, args=(database_url, actor, barrier))
        for actor in actors
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    _assert_one_chain(AuditLog(db, clock=wall_clock), db, actors)
    db.dispose()


def test_threads_appending_and_changing_statuses_at_once_form_one_chain(
    database_url: str,
) -> None:
    """Plain appends and appends inside status changes (one transaction each), concurrently."""
    services = build_services(database_url)
    allocations = [services.status.allocate() for _ in range(APPENDS_EACH)]
    barrier = threading.Barrier(APPENDERS + 1)
    actors = [f"thread#{n}" for n in range(APPENDERS)]
    failures: list[BaseException] = []

    def append(actor: str) -> None:
        try:
            barrier.wait()
            for i in range(APPENDS_EACH):
                services.audit.record(
                    actor=actor, action="test.append", target="test", detail={"i": i}
                )
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    def change() -> None:
        try:
            barrier.wait()
            for allocation in allocations:
                services.status.set_status(
                    allocation.credential_id, TokenStatus.SUSPENDED, actor="operator#0"
                )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=append, args=(a,)) for a in actors]
    threads.append(threading.Thread(target=change))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    _assert_one_chain(services.audit, services.db, actors, extra=APPENDS_EACH)
    services.close()


def test_migration_0003_carries_the_flat_audit_log_into_the_chain(database_url: str) -> None:
    db = Database(database_url)
    config = Config()
    config.set_main_option("script_location", MIGRATIONS.script_location)
    with db.engine.begin() as connection:
        config.attributes.update(connection=connection, version_table="alembic_version")
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, target, detail) VALUES "
                "(:at, 'admin#0', 'status:INVALID', 'credential:ab', ''),"
                "(:at, 'admin#1', 'revoke', 'jti:urn:uuid:x', 'by hand')"
            ),
            {"at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},
        )
    db.migrate()
    assert "audit_log" not in inspect(db.engine).get_table_names()
    log = AuditLog(db, clock=wall_clock)
    log.record(actor="operator#0", action="test.append", target="test")
    verdict = log.verify()
    assert verdict.intact and verdict.entries == 3, verdict.message
    with db.session() as session:
        old = log.entries(session, limit=2)
    assert [(e.seq, e.actor, e.action, e.target, dict(e.detail)) for e in old] == [
        (1, "admin#0", "status:INVALID", "credential:ab", {}),
        (2, "admin#1", "revoke", "jti:urn:uuid:x", {"text": "by hand"}),
    ]
    assert old[0].at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    # and back: the flat table again, with what the chain held
    with db.engine.begin() as connection:
        config.attributes.update(connection=connection, version_table="alembic_version")
        command.downgrade(config, "0002")
        rows = connection.execute(text("SELECT actor, detail FROM audit_log ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        ("admin#0", ""),
        ("admin#1", "by hand"),
        ("operator#0", ""),
    ]
    db.dispose()


def test_a_fresh_database_has_an_empty_intact_chain(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    db.migrate()
    verdict = AuditLog(db, clock=wall_clock).verify()
    assert verdict.intact and verdict.entries == 0 and verdict.head_hash == GENESIS_HASH
    db.dispose()
