"""``civicred issuer serve`` as a real subprocess: readiness over real HTTP, the migration job,
and a graceful stop on SIGTERM."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from issuer.storage import Database

from ._support import issuer_command, issuer_env, provision_keys, running_issuer

CLOSED_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:{port}/test?connect_timeout=2"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_ready_once_the_migration_job_ran(tmp_path: Path) -> None:
    import subprocess

    provision_keys(tmp_path / "keys")
    env = issuer_env(tmp_path)
    db = Database(env["CIVICRED_ISSUER_DATABASE_URL"])
    head = db.schema_revisions()[1]  # the newest migration, whichever it is
    db.dispose()
    with running_issuer(tmp_path, env) as issuer:
        before = httpx.get(f"{issuer.url}/readyz", timeout=10)
        assert before.status_code == 503
        assert before.json()["failed"] == ["schema"]
        assert before.json()["checks"]["schema"] == (
            f"at revision none, not {head}: run civicred issuer migrate"
        )
        job = subprocess.run(
            issuer_command("migrate"), env=env, capture_output=True, text=True, timeout=120
        )
        assert job.returncode == 0, job.stderr
        assert job.stdout == f"database schema at {head} (was empty)\n"
        ready = httpx.get(f"{issuer.url}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.json() == {
            "status": "ready",
            "checks": {
                "database": "ok",
                "schema": "ok",
                "document_signing": "ok",
                "status_signing": "ok",
            },
        }
        assert ready.headers["cache-control"] == "no-store"
        assert httpx.get(f"{issuer.url}/status", timeout=10).json() == {"status_lists": []}
        assert issuer.stop() == 0


@pytest.mark.postgres
def test_not_ready_while_postgres_is_unreachable(tmp_path: Path) -> None:
    provision_keys(tmp_path / "keys")
    env = issuer_env(tmp_path, database_url=CLOSED_POSTGRES.format(port=closed_port()))
    with running_issuer(tmp_path, env) as issuer:
        assert httpx.get(f"{issuer.url}/healthz", timeout=10).json() == {"status": "ok"}
        answer = httpx.get(f"{issuer.url}/readyz", timeout=20)
        assert answer.status_code == 503
        body = answer.json()
        assert body["status"] == "not_ready" and body["failed"] == ["database", "schema"]
        assert body["checks"]["database"] == "unreachable (OperationalError)"
        assert body["checks"]["document_signing"] == body["checks"]["status_signing"] == "ok"
        assert "postgres@" not in answer.text and "127.0.0.1" not in answer.text
        assert issuer.stop() == 0


def test_migrate_reports_an_unreachable_database_in_one_line(tmp_path: Path) -> None:
    import subprocess

    env = issuer_env(tmp_path, database_url=CLOSED_POSTGRES.format(port=closed_port()))
    job = subprocess.run(
        issuer_command("migrate"), env=env, capture_output=True, text=True, timeout=120
    )
    assert job.returncode == 1
    assert job.stderr == "civicred issuer migrate: database: failed (OperationalError)\n"


def test_sigterm_lets_the_request_in_flight_finish(tmp_path: Path) -> None:
    provision_keys(tmp_path / "keys", dev_only=True)
    env = issuer_env(
        tmp_path,
        dev_mode=True,
        public_base_url="http://127.0.0.1:8701",
        admin_tokens="[]",
        migrate_on_start=True,
        dev_request_delay_seconds=3,
        graceful_shutdown_seconds=20,
    )
    with running_issuer(tmp_path, env) as issuer:
        answers: list[httpx.Response] = []
        slow = threading.Thread(
            target=lambda: answers.append(httpx.get(f"{issuer.url}/status", timeout=30))
        )
        started = time.monotonic()
        slow.start()
        time.sleep(1.0)  # the request is inside the delay hook now
        issuer.process.terminate()  # SIGTERM
        slow.join(timeout=30)
        exit_code = issuer.process.wait(timeout=30)
        assert answers and answers[0].status_code == 200
        assert answers[0].json() == {"status_lists": []}
        assert time.monotonic() - started >= 3
        assert exit_code == 0, issuer.output()
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{issuer.url}/healthz", timeout=5)
    messages = [json.loads(line) for line in issuer.stdout.read_text().splitlines()]
    order = [m["message"] for m in messages if m["logger"].startswith("issuer")]
    served = next(
        i for i, m in enumerate(messages) if m.get("route") == "/status" and m["status"] == 200
    )
    closed = next(
        i for i, m in enumerate(messages) if m["message"] == "database connections closed"
    )
    assert served < closed and order[-1] == "issuer stopped"
