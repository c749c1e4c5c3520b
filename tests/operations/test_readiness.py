"""``/readyz`` names what fails: an expired status-signing certificate, a chain that is not the
key's, a check that does not answer in time (in process, the full ASGI stack)."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio

from issuer.api import create_app
from issuer.serve import build_services
from issuer.settings import IssuerSettings
from servicekit.local import asgi_client
from servicekit.observability import NotReady, run_checks

from ._support import PUBLIC_URL, provision_keys


def settings(tmp_path: Path) -> IssuerSettings:
    return IssuerSettings(
        public_base_url=PUBLIC_URL,
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        keys_dir=tmp_path / "keys",
    )


def readiness(tmp_path: Path) -> tuple[int, dict[str, object]]:
    services = build_services(settings(tmp_path), migrate=True)
    with asgi_client(create_app(services)) as client:
        answer = client.get("/readyz")
    services.close()
    return answer.status_code, answer.json()


def test_an_expired_status_certificate_is_not_ready(tmp_path: Path) -> None:
    expired = datetime.now(UTC) - timedelta(hours=1)
    provision_keys(tmp_path / "keys", status_not_after=expired)
    status, body = readiness(tmp_path)
    assert status == 503 and body["failed"] == ["status_signing"]
    checks = body["checks"]
    assert isinstance(checks, dict)
    assert checks["status_signing"] == f"certificate expired at {expired:%Y-%m-%dT%H:%M:%SZ}"
    assert checks["document_signing"] == checks["database"] == checks["schema"] == "ok"


def test_a_chain_that_is_not_the_keys_is_not_ready(tmp_path: Path) -> None:
    keys = provision_keys(tmp_path / "keys")
    shutil.copy(keys / "status_signing" / "chain.pem", keys / "document_signing" / "chain.pem")
    status, body = readiness(tmp_path)
    assert status == 503 and body["failed"] == ["document_signing"]
    assert body["checks"] == {
        "database": "ok",
        "schema": "ok",
        "document_signing": "the certificate is not the key's",
        "status_signing": "ok",
    }


def test_a_check_that_hangs_or_breaks_is_named_without_its_message() -> None:
    def hangs() -> None:
        time.sleep(2)

    def breaks() -> None:
        raise RuntimeError("postgresql://admin:secret@db/issuer")

    def refuses() -> None:
        raise NotReady("no quorum")

    results = anyio.run(
        lambda: run_checks({"a": hangs, "b": breaks, "c": refuses, "d": lambda: None}, timeout=0.2)
    )
    assert results == {
        "a": "no answer within 0.2 s",
        "b": "failed (RuntimeError)",
        "c": "no quorum",
        "d": "ok",
    }
