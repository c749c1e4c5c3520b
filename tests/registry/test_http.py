"""The HTTP API through the real ASGI app (httpx.ASGITransport): auth, validation, status codes,
audit, caching, the Resolver API and the public documents."""

from __future__ import annotations

import pytest

from trust_registry.api._caching import signed
from trust_registry.domain import SignedDocument
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import StatusList, encode_status_list_jwt
from verifier.trust import Bundle, load_certificate, load_pem_certificates, verify_trust_list

from ._support import ADMIN_TOKEN, Api, FakeClock, public_jwk

INSTITUTION = {"official_id": "BE:0990", "role": "competent_institution", "names": {"en": "Fund"}}
ISSUE = "/admin/issuers/BE:CBSS/certificates"


def _audit_count(api: Api) -> int:
    return len(api.get("/admin/audit", params={"limit": 1000}).json())


def _issue(api: Api, use: str = "document_signing", key: LocalSigner | None = None) -> str:
    key = key or LocalSigner(generate_private_key("ES256"))
    response = api.post(ISSUE, json={"use": use, "public_jwk": public_jwk(key)})
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[1]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/admin/institutions", INSTITUTION),
        ("PATCH", "/admin/issuers/BE:CBSS", {"signs_for": []}),
        ("POST", ISSUE, {"use": "status_signing", "csr": "x"}),
        ("PUT", "/admin/issuers/BE:CBSS/status-lists", {"status_lists": []}),
        (
            "POST",
            "/admin/institutions/BE:0120/accreditations",
            {"document_type": "x:1", "valid_from": "2024-01-01"},
        ),
    ],
)
def test_admin_writes_need_the_token(api: Api, method: str, url: str, body: dict) -> None:
    before = api.get("/trust-list").text, _audit_count(api)
    missing = api.request(method, url, json=body, token=None)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    basic = api.request(method, url, json=body, token=None, headers={"Authorization": "Basic eA=="})
    assert basic.status_code == 401
    assert api.request(method, url, json=body, token=ADMIN_TOKEN + "x").status_code == 403
    assert api.request(method, url, json=body, token="").status_code == 401
    assert (api.get("/trust-list").text, _audit_count(api)) == before  # nothing changed


def test_admin_reads_need_the_token_and_are_not_cached(api: Api) -> None:
    assert api.get("/admin/issuers", token=None).status_code == 401
    response = api.get("/admin/issuers", token="second-token")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert api.get("/admin/audit", token=None).headers["cache-control"] == "no-store"


def test_write_is_audited_with_the_actor(api: Api) -> None:
    response = api.post("/admin/institutions", json=INSTITUTION, token="second-token")
    assert response.status_code == 201 and response.json()["country"] == "BE"
    (entry,) = api.get("/admin/audit", params={"limit": 1}).json()
    assert entry["actor"] == "admin#1" and entry["action"] == "institution.register"
    assert entry["target"] == "BE:0990" and entry["before"] is None
    assert api.get("/admin/institutions/BE:0990").json()["names"] == {"en": "Fund"}
    accreditation = {"document_type": "urn:eudi:ehic:1", "valid_from": "2025-01-01"}
    url = "/admin/institutions/BE:0990/accreditations"
    assert api.post(url, json=accreditation).status_code == 201
    assert api.post(url, json={**accreditation, "valid_until": "2030-12-31"}).status_code == 200
    assert api.get("/admin/audit", params={"action": "accreditation.set"}).json()[0]["after"] == {
        "document_type": "urn:eudi:ehic:1",
        "valid_from": "2025-01-01",
        "valid_until": "2030-12-31",
    }


def test_validation_and_error_codes(api: Api) -> None:
    bad_id = api.post("/admin/institutions", json={**INSTITUTION, "official_id": "BE:1"})
    assert bad_id.status_code == 422 and "official_id" in bad_id.text
    assert api.post("/admin/institutions", json={**INSTITUTION, "color": "red"}).status_code == 422
    broken = api.post(
        "/admin/institutions", content=b"{", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    duplicate = api.post("/admin/institutions", json={**INSTITUTION, "official_id": "BE:0120"})
    assert duplicate.status_code == 409 and "already exists" in duplicate.json()["detail"]
    assert api.get("/admin/institutions/BE:7777").status_code == 404
    assert api.get("/admin/certificates/" + "A" * 43).status_code == 404
    http_issuer = {"id": "BE:TEST", "names": {"en": "t"}, "credential_issuer": "http://x.example"}
    response = api.post("/admin/issuers", json=http_issuer)
    assert response.status_code == 422 and "https" in response.json()["detail"]
    both = api.post(ISSUE, json={"use": "document_signing", "csr": "a", "public_jwk": {}})
    assert both.status_code == 422 and "exactly one" in both.text
    bad_jwk = api.post(ISSUE, json={"use": "document_signing", "public_jwk": {"kty": "EC"}})
    assert bad_jwk.status_code == 400 and "public_jwk" in bad_jwk.json()["detail"]


def test_error_bodies_carry_a_code_the_request_id_and_the_documented_detail(api: Api) -> None:
    cases = [
        (api.get("/admin/issuers", token=None), 401, "unauthorized"),
        (api.get("/admin/issuers", token="wrong"), 403, "invalid_token"),
        (api.get("/admin/institutions/BE:7777"), 404, "not_found"),
        (api.post("/admin/institutions", json={**INSTITUTION, "color": "red"}), 422, "invalid_request"),
        (api.post("/admin/issuers", json={"id": "BE:TEST", "names": {"en": "t"},
                                          "credential_issuer": "http://x.example"}), 422, "invalid_input"),
        (api.post("/admin/institutions", json={**INSTITUTION, "official_id": "BE:0120"}), 409, "conflict"),
        (api.post(ISSUE, json={"use": "document_signing", "public_jwk": {"kty": "EC"}}), 400, "invalid_material"),
    ]  # fmt: skip
    for response, status, error in cases:
        body = response.json()
        assert (response.status_code, body["error"]) == (status, error), body
        assert body["detail"] == body["error_description"] and body["detail"]
        assert body["request_id"] == response.headers["x-request-id"]
    assert "color" in cases[3][0].json()["detail"] and "red" not in cases[3][0].text


def test_an_unexpected_exception_is_a_500_in_the_same_shape(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise ValueError("secret detail 85.01.01-123.45")

    monkeypatch.setattr(api.services.publication, "trust_list", broken)
    response = api.get("/trust-list", token=None, headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 500
    assert response.json() == {
        "error": "server_error",
        "error_description": "internal error",
        "request_id": "trace-42",
        "detail": "internal error",
    }
    assert "85.01.01" not in response.text and "Traceback" not in response.text
    assert api.get("/healthz", token=None).status_code == 200


def test_certificate_issuance_and_life_cycle(api: Api, issuer_key: LocalSigner) -> None:
    response = api.post(
        ISSUE, json={"use": "document_signing", "public_jwk": public_jwk(issuer_key)}
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/pem-certificate-chain"
    (leaf,) = load_pem_certificates(response.content)  # the leaf only: never the root
    assert leaf.public_key() == issuer_key.public_key()
    location = response.headers["location"]
    x5t = location.rsplit("/", 1)[1]
    assert api.get(location).json()["state"] == "published"
    assert api.post(f"/admin/certificates/{x5t}/activate").json()["state"] == "active"
    conflict = api.post(f"/admin/certificates/{x5t}/activate")
    assert conflict.status_code == 409 and "it is active" in conflict.json()["detail"]
    as_json = api.post(
        ISSUE,
        json={"use": "status_signing", "public_jwk": public_jwk(issuer_key)},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 201 and as_json.json()["use"] == "status_signing"
    assert (
        load_certificate(as_json.json()["certificate_pem"].encode()).public_key()
        == leaf.public_key()
    )
    revoked = api.post(
        f"/admin/certificates/{x5t}/revoke", json={"revoked_at": "2026-11-23T11:00:00Z"}
    )
    assert revoked.json()["state"] == "revoked" and revoked.json()["revoked_at"].startswith(
        "2026-11-23T11:00"
    )
    assert len(api.get(ISSUE).json()) == 2


def test_rotation_over_http(api: Api) -> None:
    old = _issue(api)
    api.post(f"/admin/certificates/{old}/activate")
    new = _issue(api)
    both = {k["x5t#S256"] for k in api.get("/issuers/BE:CBSS/jwks.json").json()["keys"]}
    assert both == {old, new}  # the overlap: the new key is announced before it signs
    rotated = api.post(
        "/admin/issuers/BE:CBSS/rotate", json={"use": "document_signing", "x5t#S256": new}
    )
    assert [(c["x5t#S256"], c["state"]) for c in rotated.json()] == [
        (new, "active"),
        (old, "retired"),
    ]
    keys = api.get("/issuers/BE:CBSS/jwks.json").json()["keys"]
    assert [k["x5t#S256"] for k in keys] == [new]
    assert [e["action"] for e in api.get("/admin/audit", params={"limit": 2}).json()] == [
        "certificate.retire",
        "certificate.activate",
    ]


def test_trust_list_etag_and_cache_headers(api: Api, clock: FakeClock) -> None:
    response = api.get("/trust-list", token=None)
    assert response.status_code == 200 and response.headers["content-type"] == "application/jwt"
    assert response.headers["cache-control"] == "public, max-age=300"
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    not_modified = api.get("/trust-list", token=None, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    root = load_certificate(api.get("/root.pem").content)
    assert verify_trust_list(response.text, root, clock()).freshness.ok
    _issue(api)  # a change: a new trust list
    changed = api.get("/trust-list", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    for url in ("/root.pem", "/api/v1/issuers/bulk", "/issuers/BE:CBSS/jwks.json", "/bundle"):
        first = api.get(url)
        again = api.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, url
        assert first.headers["cache-control"].startswith("public, max-age="), url


def test_max_age_never_reaches_past_next_update() -> None:
    from starlette.requests import Request

    request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    document = SignedDocument("a.b.c", issued_at=1000, next_update=1000 + 86400)
    assert (
        signed(request, document, now=1000, cap=300).headers["cache-control"]
        == "public, max-age=300"
    )
    late = signed(request, document, now=1000 + 86400 - 60, cap=300)
    assert late.headers["cache-control"] == "public, max-age=60"
    assert (
        signed(request, document, now=10**6, cap=300).headers["cache-control"]
        == "public, max-age=0"
    )


def test_resolver_api(api: Api) -> None:
    x5t = _issue(api)
    api.post(f"/admin/certificates/{x5t}/activate")
    response = api.get(
        "/api/v1/issuers", params={"countryCode": "BE", "officialId": "0120"}, token=None
    )
    (issuer,) = response.json()["issuers"]
    assert issuer["officialId"] == "0120" and issuer["countryCode"] == "BE"
    assert issuer["name"] == "Health insurance fund 0120 (dev)"
    (certificate,) = issuer["certificates"]
    assert certificate["x5t#S256"] == x5t and certificate["state"] == "active"
    assert set(certificate) >= {"validFrom", "validUntil", "certificate"}
    assert issuer["publicKeys"][0]["x5t#S256"] == x5t
    assert issuer["accreditationPeriods"][0]["validFrom"] == "2024-01-01"
    by_thumbprint = api.get("/api/v1/issuers", params={"x509Thumbprint": x5t}).json()["issuers"]
    assert len(by_thumbprint) == 3
    assert api.get("/api/v1/issuers", params={"x509Thumbprint": "B" * 43}).json() == {"issuers": []}
    assert len(api.get("/api/v1/issuers/bulk").json()["issuers"]) == 3


def test_public_documents(api: Api, clock: FakeClock) -> None:
    root = load_certificate(api.get("/root.pem").content)
    assert root == api.services.ca.root
    metadata = api.get("/.well-known/jwt-vc-issuer", token=None).json()
    assert metadata == {"issuer": "https://issuer.civicred.localhost", "jwks": {"keys": []}}
    host_form = api.get("/.well-known/jwt-vc-issuer/issuer.civicred.localhost").json()
    assert host_form == metadata
    assert api.get("/.well-known/jwt-vc-issuer/nobody").status_code == 404
    assert api.get("/issuers/XX:NONE/jwks.json").status_code == 404
    assert api.get("/healthz", token=None).json() == {"status": "ok"}
    bundle = api.get("/bundle", token=None)
    assert bundle.headers["content-type"] == "application/jwt"
    parsed = Bundle.parse(bundle.text, root=root, now=clock())
    assert parsed.snapshot.sequence > 0 and all(c.ok for c in parsed.checks)


def test_status_list_push_over_http(api: Api, clock: FakeClock) -> None:
    key = LocalSigner(generate_private_key("ES256"))
    x5t = _issue(api, "status_signing", key)
    api.post(f"/admin/certificates/{x5t}/activate")
    uri = "http://127.0.0.1:8701/status/1"
    iat = int(clock().timestamp())
    token = encode_status_list_jwt(StatusList(256), uri=uri, signer=key, iat=iat, exp=iat + 3600)
    url = "/admin/issuers/BE:CBSS/status-lists"
    assert api.request(
        "PUT", url, json={"status_lists": [{"uri": uri, "token": token}]}
    ).json() == {"stored": [uri]}
    refused = api.request("PUT", url, json={"status_lists": [{"uri": uri + "0", "token": token}]})
    assert refused.status_code == 400 and "does not verify" in refused.json()["detail"]
    parsed = Bundle.parse(api.get("/bundle").text, root=api.services.ca.root, now=clock())
    assert parsed.status_tokens[uri].token == token
