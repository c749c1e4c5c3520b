"""After a whole lifecycle run — every dev citizen issued wallet credentials and paper documents,
then revoked, suspended, reinstated, listed and audited over the real service's operator API,
with personal data pushed into paths, queries, bodies, notes and headers — neither the audit log
(nor the issuance tables) nor the service's logs hold a citizen's name, national number or
birth date."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from issuer.lifecycle import ReasonCode
from issuer.sources import DevAuthenticSource
from issuer.status import Change
from tests.issuing._lifecycle import (
    AUDITOR,
    AUDITOR_TOKEN,
    OPERATOR,
    OPERATOR_TOKEN,
    build_services,
    issue_paper,
    issue_wallet,
)

from ._support import issuer_env, provision_keys, running_issuer


def personal_data() -> list[str]:
    """Every citizen's national number (raw and printed), names (whole and each part) and birth
    date (ISO, dd/mm/yyyy, dd.mm.yyyy)."""
    values: set[str] = set()
    for citizen in DevAuthenticSource().people():
        number = citizen["personal_administrative_number"]
        values |= {number, f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"}
        for field in ("family_name", "given_name"):
            name = citizen[field]
            values.add(name)
            values |= {p for p in name.replace("-", " ").split() if len(p) >= 4}
        born = date.fromisoformat(citizen["birth_date"])
        values |= {born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%d.%m.%Y")}
    return sorted(values)


def hostile_requests(client: httpx.Client, citizen: dict[str, Any]) -> list[int]:
    """Requests that carry a citizen's data where a careless service would write it down."""
    number, name = citizen["personal_administrative_number"], citizen["family_name"]
    born = citizen["birth_date"]
    headers: dict[str, Any] = {
        **OPERATOR,
        "User-Agent": f"{name} {born}".encode(),
        "X-Holder": number,
    }
    sent = [
        client.post(f"/operator/credentials/{number}/revoke", json={"reason": "holder_request"}, headers=headers),
        client.post(f"/operator/issuances/{name}/suspend", json={"reason": "other", "note": f"{name} {number}"}, headers=headers),
        client.post(f"/operator/documents/urn:uuid:{born}/revoke", json={"reason": "other", "note": f"born {born}"}, headers=headers),
        client.post(f"/operator/credentials/{'0' * 32}/revoke", json={"reason": "holder_request", "family_name": name, "rrn": number}, headers=headers),
        client.post(f"/operator/credentials/{'0' * 32}/revoke", json={"reason": f"{name} asked", "note": number}, headers=headers),
        client.get("/operator/issuances", params={"type": name, "after": number, "state": born}, headers={**AUDITOR, "X-Holder": number}),
        client.get("/operator/issuances", params={"type": number}, headers=AUDITOR),
        client.get(f"/operator/issuances/{number}", headers=AUDITOR),
        client.get("/operator/audit", params={"after": number}, headers=AUDITOR),
        client.post(f"/admin/credentials/{number}/status", json={"status": "invalid", "name": name}, headers=OPERATOR),
        client.post(f"/admin/groups/{number}/status", json={"status": "invalid"}, headers=OPERATOR),
        client.post("/admin/documents/revoke", json={"jti": number}, headers=OPERATOR),
        client.post(f"/operator/credentials/{number}/revoke", json={"reason": "holder_request"}, headers={"Authorization": f"Bearer {number}"}),
    ]  # fmt: skip
    return [response.status_code for response in sent]


def test_no_personal_data_in_the_audit_log_or_the_logs_after_a_lifecycle_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    provision_keys(tmp_path / "keys")
    env = issuer_env(
        tmp_path,
        migrate_on_start=True,
        admin_tokens=f'["{OPERATOR_TOKEN}"]',
        auditor_tokens=f'["{AUDITOR_TOKEN}"]',
    )
    # The issuing side (this process) and the service (a subprocess) share one database.
    issuing = build_services(env["CIVICRED_ISSUER_DATABASE_URL"])
    citizens = list(DevAuthenticSource().people())
    references = []
    for n, citizen in enumerate(citizens):
        grant = f"grant-{n}"
        wallet, ids = issue_wallet(issuing, grant, type_id="ehic", person_id=citizen["person_id"])
        for doc_type in ("ehic", "prc", "ssh"):
            issue_paper(issuing, doc_type, person_id=citizen["person_id"], grant=grant)
        issue_wallet(issuing, grant, type_id="social-status", person_id=citizen["person_id"])
        references.append((wallet, ids))
    # the demo's own path: a revocation straight through the status service
    issuing.status.set_status(references[0][1][1], Change.REVOKE.status, actor="demo")
    with running_issuer(tmp_path, env) as issuer:
        with httpx.Client(base_url=issuer.url, timeout=30) as client:
            first, second = references[0][0], references[1][0]
            reason = {"reason": "fraud_suspected", "note": "INC-20431"}
            assert (
                client.post(
                    f"/operator/issuances/{first}/suspend", json=reason, headers=OPERATOR
                ).status_code
                == 200
            )
            assert (
                client.post(
                    f"/operator/issuances/{first}/reinstate",
                    json={"reason": "investigation_closed"},
                    headers=OPERATOR,
                ).status_code
                == 200
            )
            assert (
                client.post(
                    f"/operator/issuances/{second}/revoke",
                    json={"reason": "device_lost"},
                    headers=OPERATOR,
                ).status_code
                == 200
            )
            assert (
                client.post(
                    f"/operator/issuances/{second}/reinstate",
                    json={"reason": "issued_in_error"},
                    headers=OPERATOR,
                ).status_code
                == 409
            )
            listing = client.get(
                "/operator/issuances",
                params={"state": "active", "since": date.today().isoformat()},
                headers=AUDITOR,
            )
            assert listing.status_code == 200 and listing.json()["issuances"]
            assert client.get("/operator/audit", headers=AUDITOR).status_code == 200
            for citizen in citizens:
                statuses = hostile_requests(client, citizen)
                assert statuses == [
                    404,
                    400,
                    400,
                    422,
                    422,
                    422,
                    400,
                    404,
                    200,
                    404,
                    404,
                    404,
                    403,
                ], statuses
            verdict = client.get("/operator/audit/verify", headers=AUDITOR).json()
        assert issuer.stop() == 0
    # 5 recordings per citizen, the demo's revocation, 6 operator calls, 13 hostile calls each
    expected = 5 * len(citizens) + 1 + 6 + 13 * len(citizens)
    assert verdict["intact"] is True and verdict["entries"] == expected, verdict
    with issuing.db.engine.connect() as connection:
        stored = {
            table: repr(connection.execute(text(f"SELECT * FROM {table}")).all())  # noqa: S608
            for table in ("audit_entries", "audit_head", "issuances", "issuance_members")
        }
    issuing.close()
    # the service's output, and what this process logged while issuing (not the test's own
    # HTTP client, which logs the URLs it was told to send)
    issuing_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logs = issuer.output() + "\n".join(
        f"{r.name} {r.getMessage()} {r.__dict__}" for r in issuing_records
    )
    for value in personal_data():
        for where, content in (*stored.items(), ("logs", logs)):
            assert value not in content, f"{value!r} reached {where}"
    assert "INC-20431" in stored["audit_entries"]  # the scan does read what was recorded
    assert ReasonCode.FRAUD_SUSPECTED.value in stored["audit_entries"]
