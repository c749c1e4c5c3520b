"""The operator API over HTTP (the real ASGI app, real database, real signatures): roles, the
changes and their answers, listing, the audit log and its verification — every call audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from issuer.api import create_app
from issuer.services import IssuerServices
from servicekit.local import asgi_client
from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.status import TokenStatus, decode_status_list_jwt

from ._lifecycle import (
    AUDITOR,
    AUDITOR_TOKEN,
    OPERATOR,
    OPERATOR_TOKEN,
    issue_paper,
    issue_wallet,
    sqlite_services,
)

REASON = {"reason": "device_lost", "note": "INC-20431"}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[IssuerServices]:
    built = sqlite_services(tmp_path)
    yield built
    built.close()


@pytest.fixture
def client(services: IssuerServices) -> httpx.Client:
    return asgi_client(create_app(services), base_url="https://testserver")


def error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "error_description", "request_id"} and body["error"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-store"
    return body


def audit(services: IssuerServices) -> list[Any]:
    with services.db.session() as session:
        return services.audit.entries(session, limit=500)


def last_entry(services: IssuerServices) -> Any:
    return audit(services)[-1]


def test_roles_401_without_a_token_403_for_a_wrong_token_or_a_reader_writing(
    client: httpx.Client, services: IssuerServices
) -> None:
    reference, _ = issue_wallet(services, "grant-A")
    url = f"/operator/issuances/{reference}/revoke"
    missing = client.post(url, json=REASON)
    error(missing, 401, "unauthorized")
    assert missing.headers["www-authenticate"] == "Bearer"
    entry = last_entry(services)
    assert (entry.actor, entry.action, entry.target) == (
        "-",
        "issuance.revoke",
        f"issuance:{reference}",
    )
    assert entry.detail == {"outcome": "unauthorized"}

    wrong = client.post(url, json=REASON, headers={"Authorization": "Bearer not-a-token"})
    error(wrong, 403, "invalid_token")
    assert last_entry(services).detail == {"outcome": "invalid_token"}

    reader = client.post(url, json=REASON, headers=AUDITOR)
    assert "operator" in error(reader, 403, "forbidden")["error_description"]
    entry = last_entry(services)
    assert (entry.actor, entry.detail) == ("auditor#0", {"outcome": "forbidden"})

    # Nothing changed; both roles may read, nobody without a token.
    for headers, actor in ((AUDITOR, "auditor#0"), (OPERATOR, "operator#0")):
        listing = client.get("/operator/issuances", headers=headers)
        assert listing.status_code == 200 and listing.headers["cache-control"] == "no-store"
        assert listing.json()["issuances"][0]["state"] == "active"
        assert last_entry(services).actor == actor
    error(client.get("/operator/audit"), 401, "unauthorized")
    # The audit log names tokens by role and position, never by value.
    dump = repr([e.to_json() for e in audit(services)])
    assert OPERATOR_TOKEN not in dump and AUDITOR_TOKEN not in dump


def test_revoking_an_issuance_over_http_flips_the_served_status_list(
    client: httpx.Client, services: IssuerServices
) -> None:
    reference, ids = issue_wallet(services, "grant-A", type_id="ehic", copies=2)
    jti = issue_paper(services, "ehic", grant="grant-A").rendered.payload["jti"]
    response = client.post(f"/operator/issuances/{reference}/revoke", json=REASON, headers=OPERATOR)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["target"] == f"issuance:{reference}" and body["action"] == "revoke"
    assert body["issuance"] == {"reference": reference, "state": "revoked"}
    assert [(m["kind"], m["id"], m["status"], m["outcome"]) for m in body["members"]] == [
        ("status", ids[0], "revoked", "changed"),
        ("status", ids[1], "revoked", "changed"),
        ("jti", jti, "revoked", "changed"),
    ]
    with services.db.session() as session:
        entries = services.status.entries(session, ids)
        where = [(e.list_id, e.idx) for e in entries]
    for list_id, index in where:
        served = client.get(f"/status/{list_id}")
        published = services.status.published(list_id)
        decoded = decode_status_list_jwt(
            served.text,
            key=services.status_signer.public_key(),
            policy=CREDENTIAL_ALGORITHMS,
            expected_uri=published.uri,
            now=int(published.published_at.timestamp()),
        )
        assert decoded.status(index) is TokenStatus.INVALID
    again = client.post(
        f"/operator/issuances/{reference}/reinstate",
        json={"reason": "investigation_closed"},
        headers=OPERATOR,
    )
    assert "final" in error(again, 409, "status_transition_refused")["error_description"]
    entry = last_entry(services)
    assert (entry.action, entry.detail) == (
        "issuance.reinstate",
        {"outcome": "status_transition_refused", "reason": "investigation_closed"},
    )


def test_suspend_reports_the_paper_documents_it_cannot_suspend(
    client: httpx.Client, services: IssuerServices
) -> None:
    reference, ids = issue_wallet(services, "grant-A", type_id="ehic", copies=1)
    jti = issue_paper(services, "ehic", grant="grant-A").rendered.payload["jti"]
    body = client.post(
        f"/operator/issuances/{reference}/suspend",
        json={"reason": "fraud_suspected"},
        headers=OPERATOR,
    ).json()
    assert {m["id"]: m["outcome"] for m in body["members"]} == {
        ids[0]: "changed",
        jti: "not_suspendable",
    }
    assert body["issuance"]["state"] == "active"
    document = client.post(
        f"/operator/documents/{jti}/suspend", json={"reason": "fraud_suspected"}, headers=OPERATOR
    )
    error(document, 409, "status_transition_refused")
    revoked = client.post(f"/operator/documents/{jti}/revoke", json=REASON, headers=OPERATOR)
    assert revoked.json()["members"] == [
        {"kind": "jti", "id": jti, "status": "revoked", "outcome": "changed"}
    ]
    credential = client.post(
        f"/operator/credentials/{ids[0]}/reinstate",
        json={"reason": "investigation_closed"},
        headers=OPERATOR,
    ).json()
    assert credential["members"][0]["status"] == "valid"
    assert credential["issuance"] == {"reference": reference, "state": "active"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "invalid_request"),
        ({"reason": "because"}, 422, "invalid_request"),
        ({"reason": "unspecified"}, 422, "invalid_request"),
        ({"reason": "other"}, 400, "invalid_request"),
        ({"reason": "holder_request", "family_name": "Peeters"}, 422, "invalid_request"),
        ({"reason": "holder_request", "note": "RRN 85073003328"}, 400, "invalid_request"),
        ({"reason": "holder_request", "note": "x" * 201}, 422, "invalid_request"),
    ],
)
def test_a_change_needs_a_documented_reason_and_no_personal_data(
    client: httpx.Client, services: IssuerServices, body: dict[str, str], status: int, code: str
) -> None:
    reference, _ = issue_wallet(services, "grant-A", copies=1)
    response = client.post(f"/operator/issuances/{reference}/revoke", json=body, headers=OPERATOR)
    assert "85073003328" not in error(response, status, code)["error_description"]
    entry = last_entry(services)
    assert entry.action == "issuance.revoke" and entry.detail["outcome"] == "invalid_request"
    assert "note" not in entry.detail
    assert client.get(f"/operator/issuances/{reference}", headers=AUDITOR).json()["state"] == (
        "active"
    )


def test_listing_over_http_filters_and_pages(
    client: httpx.Client, services: IssuerServices
) -> None:
    refs = [issue_wallet(services, f"g{n}", copies=1)[0] for n in range(3)]
    client.post(f"/operator/issuances/{refs[1]}/revoke", json=REASON, headers=OPERATOR)
    today = services.clock().date().isoformat()

    def listing(**params: object) -> dict[str, Any]:
        response = client.get("/operator/issuances", params=params, headers=AUDITOR)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    page = listing(limit=2, since=today, type="social-status")
    assert [i["reference"] for i in page["issuances"]] == refs[:2]
    assert page["issuances"][0]["created_on"] == today
    assert [i["reference"] for i in listing(after=page["next_after"])["issuances"]] == refs[2:]
    assert [i["reference"] for i in listing(state="revoked")["issuances"]] == [refs[1]]
    error(client.get("/operator/issuances?state=gone", headers=AUDITOR), 422, "invalid_request")
    bad = client.get("/operator/issuances?type=85073003328", headers=AUDITOR)
    error(bad, 400, "invalid_request")
    entry = last_entry(services)
    assert entry.detail["filters"]["type"] == "-" and "85073003328" not in repr(entry)
    error(client.get("/operator/issuances/iss_nope", headers=AUDITOR), 404, "not_found")


def test_reading_and_verifying_the_audit_log(
    client: httpx.Client, services: IssuerServices
) -> None:
    reference, _ = issue_wallet(services, "grant-A", copies=1)
    client.post(f"/operator/issuances/{reference}/suspend", json=REASON, headers=OPERATOR)
    first = client.get("/operator/audit", params={"limit": 2}, headers=AUDITOR).json()
    assert [e["seq"] for e in first["entries"]] == [1, 2] and first["next_after"] == 2
    assert first["entries"][1]["action"] == "issuance.suspend"
    assert first["entries"][1]["prev_hash"] == first["entries"][0]["hash"]
    rest = client.get("/operator/audit", params={"after": 2}, headers=AUDITOR).json()
    assert [e["action"] for e in rest["entries"]] == ["audit.read"]  # the first read
    assert rest["next_after"] is None
    verdict = client.get("/operator/audit/verify", headers=AUDITOR).json()
    assert verdict["intact"] is True and verdict["entries"] == 4 and verdict["broken_at"] is None
    assert verdict["message"] == "4 entries, chain intact (head seq 4)"
    entry = last_entry(services)
    assert (entry.actor, entry.action, entry.target) == ("auditor#0", "audit.verify", "audit")
    assert entry.detail == {"outcome": "ok", "intact": True, "entries": 4, "broken_at": None}


def test_every_call_is_audited_once_whatever_its_outcome(
    client: httpx.Client, services: IssuerServices
) -> None:
    reference, ids = issue_wallet(services, "grant-A", copies=1)
    jti = issue_paper(services, "prc").rendered.payload["jti"]
    calls: list[tuple[str, str, dict[str, Any], dict[str, str], str, int]] = [
        # method, path, json, headers, audited action, status
        ("POST", f"/operator/issuances/{reference}/suspend", REASON, OPERATOR, "issuance.suspend", 200),
        ("POST", f"/operator/credentials/{ids[0]}/reinstate", REASON, OPERATOR, "credential.reinstate", 200),
        ("POST", f"/operator/credentials/{'0' * 32}/revoke", REASON, OPERATOR, "credential.revoke", 404),
        ("POST", f"/operator/documents/{jti}/reinstate", REASON, AUDITOR, "document.reinstate", 403),
        ("POST", f"/operator/documents/{jti}/revoke", {}, OPERATOR, "document.revoke", 422),
        ("POST", f"/operator/documents/{jti}/revoke", REASON, {}, "document.revoke", 401),
        ("GET", "/operator/issuances", {}, AUDITOR, "issuances.list", 200),
        ("GET", f"/operator/issuances/{reference}", {}, AUDITOR, "issuance.read", 200),
        ("GET", "/operator/audit", {}, OPERATOR, "audit.read", 200),
        ("GET", "/operator/audit?after=-1", {}, OPERATOR, "audit.read", 422),
        ("GET", "/operator/audit/verify", {}, AUDITOR, "audit.verify", 200),
        ("POST", f"/admin/credentials/{ids[0]}/status", {"status": "suspended"}, OPERATOR, "credential.suspend", 204),
        ("POST", "/admin/groups/nope/status", {"status": "invalid"}, OPERATOR, "group.revoke", 404),
        ("POST", "/admin/documents/revoke", {"jti": jti}, AUDITOR, "document.revoke", 403),
        ("POST", "/admin/documents/revoke", {"jti": jti}, OPERATOR, "document.revoke", 204),
    ]  # fmt: skip
    before = len(audit(services))
    for method, path, body, headers, action, status in calls:
        kwargs: dict[str, Any] = {"headers": headers}
        if method == "POST":
            kwargs["json"] = body
        response = client.request(method, path, **kwargs)
        assert response.status_code == status, (path, response.text)
        entries = audit(services)
        assert len(entries) == before + 1, path
        before = len(entries)
        entry = entries[-1]
        assert entry.action == action, path
        assert (entry.detail["outcome"] == "ok") == (status < 400), (path, entry.detail)
    # The older /admin routes record "unspecified" as their reason.
    reasons = [e.detail.get("reason") for e in audit(services) if e.actor == "operator#0"]
    assert reasons[-1] == "unspecified"
    assert services.lifecycle.verify_audit(actor="test").intact


def test_the_admin_routes_keep_working(client: httpx.Client, services: IssuerServices) -> None:
    allocation = services.status.allocate(group_id="holder-1")
    services.status.allocate(group_id="holder-1")
    url = f"/admin/credentials/{allocation.credential_id}/status"
    assert client.post(url, json={"status": "suspended"}, headers=OPERATOR).status_code == 204
    assert last_entry(services).action == "credential.suspend"
    assert client.post(url, json={"status": "valid"}, headers=OPERATOR).status_code == 204
    assert last_entry(services).action == "credential.reinstate"
    unknown = client.post(
        "/admin/groups/85073003328/status", json={"status": "invalid"}, headers=OPERATOR
    )
    assert unknown.status_code == 404
    assert last_entry(services).target == "group:-"  # an unknown group's name is not written
    group = client.post(
        "/admin/groups/holder-1/status", json={"status": "invalid"}, headers=OPERATOR
    )
    assert group.json() == {"changed": 2}
    entry = last_entry(services)
    assert (entry.action, entry.target) == ("group.revoke", "group:holder-1")
    assert entry.detail == {"outcome": "ok", "reason": "unspecified", "changed": 2}
