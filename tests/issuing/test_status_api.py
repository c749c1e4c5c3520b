"""The issuer's status endpoints over HTTP (real ASGI app, real signatures)."""

from __future__ import annotations

import httpx
import pytest

from issuer.api import create_app
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import (
    STATUS_LIST_CWT_MEDIA_TYPE,
    STATUS_LIST_JWT_MEDIA_TYPE,
    TokenStatus,
    decode_status_list_jwt,
)

from .conftest import TOKEN


@pytest.fixture
async def client(services: IssuerServices):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        yield c


@pytest.mark.anyio
async def test_status_list_served_as_jwt_and_cwt(
    client: httpx.AsyncClient, services: IssuerServices
) -> None:
    a = services.status.allocate()
    path = a.uri.removeprefix("https://testserver")
    jwt = await client.get(path)
    assert jwt.status_code == 200
    assert jwt.headers["content-type"] == STATUS_LIST_JWT_MEDIA_TYPE
    assert "max-age=" in jwt.headers["cache-control"] and jwt.headers["etag"]
    cwt = await client.get(path, headers={"Accept": STATUS_LIST_CWT_MEDIA_TYPE})
    assert cwt.headers["content-type"] == STATUS_LIST_CWT_MEDIA_TYPE
    assert cwt.content[:1] in (b"\xd2", b"\x84")  # COSE_Sign1 (tag 18) — binary, not text
    again = await client.get(path, headers={"If-None-Match": jwt.headers["etag"]})
    assert again.status_code == 304
    assert (await client.get("/status/doesnotexist")).status_code == 404


@pytest.mark.anyio
async def test_revocation_requires_admin_and_flips_the_list(
    client: httpx.AsyncClient, services: IssuerServices
) -> None:
    a = services.status.allocate()
    url = f"/admin/credentials/{a.credential_id}/status"
    assert (await client.post(url, json={"status": "invalid"})).status_code == 401
    wrong = await client.post(
        url, json={"status": "invalid"}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403
    bad = await client.post(
        url, json={"status": "revoked!"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert bad.status_code == 422
    # nothing changed so far
    token = (await client.get(a.uri.removeprefix("https://testserver"))).text
    key = services.status_signer.public_key()
    now = int(services.status.published(a.list_id).published_at.timestamp())  # type: ignore[union-attr]
    decoded = decode_status_list_jwt(
        token, key=key, policy=CREDENTIAL_ALGORITHMS, expected_uri=a.uri, now=now
    )
    assert decoded.status(a.index) == TokenStatus.VALID
    ok = await client.post(
        url, json={"status": "invalid"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert ok.status_code == 204
    token = (await client.get(a.uri.removeprefix("https://testserver"))).text
    # the republished token is checked at its own publication time (a second may have passed)
    now = int(services.status.published(a.list_id).published_at.timestamp())  # type: ignore[union-attr]
    decoded = decode_status_list_jwt(
        token, key=key, policy=CREDENTIAL_ALGORITHMS, expected_uri=a.uri, now=now
    )
    assert decoded.status(a.index) == TokenStatus.INVALID
    final = await client.post(
        url, json={"status": "valid"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert final.status_code == 409
    unknown = await client.post(
        "/admin/credentials/nope/status",
        json={"status": "invalid"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert unknown.status_code == 404


@pytest.mark.anyio
async def test_status_and_revocation_lists_are_conditional_per_representation(
    client: httpx.AsyncClient, services: IssuerServices
) -> None:
    """Strong ETag per representation (JWT ≠ CWT), weak comparison, lists and ``*``; the 304
    repeats ETag, Cache-Control and Vary; max-age is the ttl, never past the token's exp."""
    path = services.status.allocate().uri.removeprefix("https://testserver")
    jwt = await client.get(path)
    cwt = await client.get(path, headers={"Accept": STATUS_LIST_CWT_MEDIA_TYPE})
    assert jwt.headers["etag"] != cwt.headers["etag"]
    assert jwt.headers["vary"] == "Accept" and jwt.headers["cache-control"] == (
        f"public, max-age={services.settings.status_list_ttl_seconds}"
    )
    etag = jwt.headers["etag"]
    for header in (f"W/{etag}", f'"older", {etag}', "*"):
        again = await client.get(path, headers={"If-None-Match": header})
        assert again.status_code == 304 and again.content == b"", header
        for name in ("etag", "cache-control", "vary"):
            assert again.headers[name] == jwt.headers[name]
    # the JWT's tag does not validate the CWT representation
    other = await client.get(
        path, headers={"If-None-Match": etag, "Accept": STATUS_LIST_CWT_MEDIA_TYPE}
    )
    assert other.status_code == 200 and other.content == cwt.content

    assignment = services.revocation.assign()
    revocation = await client.get(assignment.rid.removeprefix("https://testserver"))
    assert revocation.status_code == 200 and revocation.headers["content-type"] == "application/jwt"
    cached = await client.get(
        assignment.rid.removeprefix("https://testserver"),
        headers={"If-None-Match": revocation.headers["etag"]},
    )
    assert cached.status_code == 304 and cached.headers["etag"] == revocation.headers["etag"]


@pytest.mark.anyio
async def test_max_age_never_reaches_past_the_token_exp(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = IssuerSettings(
        database_url=f"sqlite:///{tmp_path / 'short.db'}",
        status_list_size=2048,
        public_base_url="https://testserver",
        status_list_ttl_seconds=3600,
        status_list_validity_seconds=600,  # a token valid for less than its ttl
    )
    signer = LocalSigner(generate_private_key("ES256"))
    services = IssuerServices.build(settings, document_signer=signer, status_signer=signer)
    path = services.status.allocate().uri.removeprefix("https://testserver")
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        max_age = int((await c.get(path)).headers["cache-control"].rsplit("=", 1)[1])
    assert 590 <= max_age <= 600


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
