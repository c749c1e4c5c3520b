"""Tampering with the audit log directly in the database: ``civicred issuer audit verify`` names
the exact first broken seq and why (hash mismatch, prev_hash mismatch, gap in seq, head).

The chain is made by a real lifecycle run (issuances recorded, changed over the service API);
the attacker has write access to the tables but not to the service.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from issuer.audit import entry_hash
from issuer.lifecycle import ReasonCode
from issuer.services import IssuerServices
from issuer.status import Change
from issuer.storage import AuditEntryRow
from tests.issuing._lifecycle import build_services, issue_wallet

ENTRIES = 8
Tamper = Callable[[Connection], None]


def _set(seq: int, **values: object) -> Tamper:
    def tamper(connection: Connection) -> None:
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        connection.execute(
            text(f"UPDATE audit_entries SET {assignments} WHERE seq = :seq"),  # noqa: S608
            {**values, "seq": seq},
        )

    return tamper


def _rehashed_detail(seq: int, detail: str) -> Tamper:
    """Change an entry *and* give it the right hash for its new content (the encoding is public)."""

    def tamper(connection: Connection) -> None:
        entries = AuditEntryRow.__table__
        row = connection.execute(entries.select().where(entries.c.seq == seq)).one()
        digest = entry_hash(
            seq=seq,
            at=row.at,
            actor=row.actor,
            action=row.action,
            target=row.target,
            detail=json.loads(detail),
            prev_hash=row.prev_hash,
        )
        _set(seq, detail=detail, hash=digest)(connection)

    return tamper


def _delete(seq: int) -> Tamper:
    def tamper(connection: Connection) -> None:
        connection.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": seq})

    return tamper


def _swap(a: int, b: int) -> Tamper:
    def tamper(connection: Connection) -> None:
        for old, new in ((a, -1), (b, a), (-1, b)):
            connection.execute(
                text("UPDATE audit_entries SET seq = :new WHERE seq = :old"),
                {"old": old, "new": new},
            )

    return tamper


def _head(**values: object) -> Tamper:
    def tamper(connection: Connection) -> None:
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        connection.execute(text(f"UPDATE audit_head SET {assignments}"), values)  # noqa: S608

    return tamper


CASES: dict[str, tuple[Tamper, int, str]] = {
    # case: (tampering, first broken seq, problem)
    "detail_changed": (_set(4, detail='{"outcome":"ok","reason":"other"}'), 4, "hash_mismatch"),
    "detail_not_json": (_set(3, detail="revoked by Jan"), 3, "hash_mismatch"),
    "actor_changed": (_set(2, actor="operator#7"), 2, "hash_mismatch"),
    "target_changed": (_set(5, target="issuance:iss_" + "b" * 26), 5, "hash_mismatch"),
    "rehashed_after_change": (
        _rehashed_detail(4, '{"outcome":"ok","reason":"issued_in_error"}'),
        5,
        "prev_hash_mismatch",
    ),
    "row_deleted": (_delete(4), 4, "seq_gap"),
    "first_row_deleted": (_delete(1), 1, "seq_gap"),
    "last_row_deleted": (_delete(ENTRIES), ENTRIES, "head_mismatch"),
    "rows_reordered": (_swap(3, 4), 3, "prev_hash_mismatch"),
    "head_rolled_back": (_head(seq=ENTRIES - 1), ENTRIES, "head_mismatch"),
    "head_hash_changed": (_head(hash="f" * 64), ENTRIES, "head_mismatch"),
}


def _lifecycle_run(services: IssuerServices) -> None:
    """Exactly :data:`ENTRIES` audit entries, from real operations."""
    first, ids = issue_wallet(services, "grant-A", copies=2)  # 1 record
    second, _ = issue_wallet(services, "grant-B", copies=1)  # 2 record
    op = {"actor": "operator#0", "reason": ReasonCode.FRAUD_SUSPECTED}
    services.lifecycle.change_issuance(first, Change.SUSPEND, **op)  # 3
    services.lifecycle.change_credential(ids[0], Change.REVOKE, **op)  # 4
    services.lifecycle.change_issuance(second, Change.REVOKE, **op)  # 5
    with pytest.raises(Exception, match="final"):
        services.lifecycle.change_issuance(second, Change.REINSTATE, **op)  # 6 (refused)
    services.lifecycle.issuances(actor="auditor#0")  # 7
    services.lifecycle.issuance(first, actor="auditor#0")  # 8
    assert services.audit.verify().entries == ENTRIES


@pytest.fixture
def services(database_url: str) -> Iterator[IssuerServices]:
    built = build_services(database_url)
    _lifecycle_run(built)
    yield built
    built.close()


def verify_command(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICRED_ISSUER_")}
    env["CIVICRED_ISSUER_PUBLIC_BASE_URL"] = "https://issuer.example.test"
    env["CIVICRED_ISSUER_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "issuer", "audit", "verify", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_tampering_is_found_at_the_exact_seq(services: IssuerServices, case: str) -> None:
    tamper, broken_at, problem = CASES[case]
    with services.db.engine.begin() as connection:
        tamper(connection)
    verdict = services.audit.verify()
    assert not verdict.intact
    assert (verdict.broken_at, verdict.problem) == (broken_at, problem), verdict.message


@pytest.mark.parametrize("case", ["detail_changed", "row_deleted", "rows_reordered"])
def test_the_command_names_the_first_broken_link(services: IssuerServices, case: str) -> None:
    url = services.settings.database_url
    intact = verify_command(url)
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip() == f"{ENTRIES} entries, chain intact (head seq {ENTRIES})"
    tamper, broken_at, problem = CASES[case]
    with services.db.engine.begin() as connection:
        tamper(connection)
    broken = verify_command(url)
    assert broken.returncode == 1 and broken.stderr == ""
    words = problem.replace("_", " ")
    assert broken.stdout.startswith(f"audit chain broken at seq {broken_at}: {words} (")
    as_json = verify_command(url, "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["intact"] is False and report["broken_at"] == broken_at
    assert report["problem"] == problem and report["message"] == broken.stdout.strip()


def test_the_command_says_why_it_could_not_check(tmp_path: Path) -> None:
    never_migrated = verify_command(f"sqlite:///{tmp_path / 'empty.db'}")
    assert never_migrated.returncode == 2 and never_migrated.stdout == ""
    assert "run civicred issuer migrate" in never_migrated.stderr
    unreachable = verify_command("postgresql+psycopg://u:secret@127.0.0.1:1/none")
    assert unreachable.returncode == 2 and "database: failed (" in unreachable.stderr
    assert "secret" not in unreachable.stderr and "Traceback" not in unreachable.stderr
    refused = verify_command("sqlite:///x.db", "--env-file", str(tmp_path / "missing.env"))
    assert refused.returncode == 2 and "CIVICRED_ISSUER_ENV_FILE" in refused.stderr
