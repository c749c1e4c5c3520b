"""Attacks on the authorization-code flow (PAR, wallet attestation, PKCE, the authorization
endpoint, the token request), each refused with its exact code over real HTTP against the live
issuer and the npm OIDC provider."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from issuer.oid4vci import ATTESTATION_HEADER, POP_HEADER
from issuer.settings import OpenId4VciSettings
from tests.openid4vci._wallet import new_key
from tests.portal._authorization_client import AuthorizationClient, pkce
from tests.portal._provider import MARIE, STRANGER, ZANETA
from tests.portal._support import PortalWorld, browser, log_in, portal_world
from tests.portal._wallet import REDIRECT_URI, WalletProvider, new_wallet_provider

PROVIDER = new_wallet_provider()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalWorld]:
    oid4vci = OpenId4VciSettings(trusted_wallet_attesters=(PROVIDER.public_jwk,))
    with portal_world(tmp_path_factory.mktemp("authz-attacks"), oid4vci=oid4vci) as world:
        yield world


@pytest.fixture
def client(portal: PortalWorld) -> AuthorizationClient:
    return AuthorizationClient(portal.world.issuer_url, PROVIDER)


def error_of(response: object) -> tuple[int, str]:
    return response.status_code, response.json()["error"]  # type: ignore[attr-defined]


def test_metadata_advertises_the_haip_profile(client: AuthorizationClient) -> None:
    metadata = client.metadata
    assert metadata["require_pushed_authorization_requests"] is True
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "attest_jwt_client_auth" in metadata["token_endpoint_auth_methods_supported"]
    assert "authorization_code" in metadata["grant_types_supported"]
    assert set(metadata["scopes_supported"]) == {"social-status-1", "ehic-1", "ehic-prc-1"}
    scopes = {
        c["scope"]
        for c in client.wallet.issuer_metadata["credential_configurations_supported"].values()
    }
    assert scopes == set(metadata["scopes_supported"])


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no attestation at all
        {ATTESTATION_HEADER: "x.y.z"},  # no PoP
    ],
)
def test_par_without_a_wallet_attestation_is_invalid_client(
    client: AuthorizationClient, headers: dict[str, str]
) -> None:
    response = client.par(headers=headers)
    assert error_of(response) == (401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Attestation")


def test_an_attestation_from_an_untrusted_provider_is_refused(portal: PortalWorld) -> None:
    impostor = WalletProvider(PROVIDER.id, new_wallet_provider().private_jwk)
    client = AuthorizationClient(portal.world.issuer_url, impostor)
    response = client.par()
    assert error_of(response) == (401, "invalid_client")
    assert "trusted wallet provider" in response.json()["error_description"]


@pytest.mark.parametrize(
    ("attestation", "pop", "reason"),
    [
        ({"exp": 1}, {}, "expired"),
        ({"sub": "another-client"}, {}, "sub"),
        ({}, {"aud": "https://other-issuer.example"}, "aud"),
        ({}, {"iss": "another-client"}, "iss"),
        ({}, {"iat": 1}, "too old"),
    ],
)
def test_attestation_and_pop_claims_are_checked(
    client: AuthorizationClient, attestation: dict[str, object], pop: dict[str, object], reason: str
) -> None:
    headers = {
        ATTESTATION_HEADER: client.attestation(claims=attestation),
        POP_HEADER: client.pop(claims=pop),
    }
    response = client.par(headers=headers)
    assert error_of(response) == (401, "invalid_client")
    assert reason in response.json()["error_description"]


def test_a_pop_signed_by_another_key_or_replayed_is_refused(client: AuthorizationClient) -> None:
    stolen = {ATTESTATION_HEADER: client.attestation(), POP_HEADER: client.pop(key=new_key())}
    assert error_of(client.par(headers=stolen)) == (401, "invalid_client")
    headers = client.auth_headers()
    assert client.par(headers=headers).status_code == 201
    replay = client.par(headers=headers)
    assert error_of(replay) == (401, "invalid_client")
    assert "already used" in replay.json()["error_description"]


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"response_type": "token"}, "invalid_request"),
        ({"redirect_uri": "http://wallet.example/cb"}, "invalid_request"),
        ({"redirect_uri": "javascript:alert(1)"}, "invalid_request"),
        ({"scope": "passport-1"}, "invalid_request"),
        ({"request_uri": "urn:ietf:params:oauth:request_uri:x"}, "invalid_request"),
        ({"authorization_details": '[{"type":"openid_credential","credential_configuration_id":"x"}]'},
         "invalid_authorization_details"),
    ],
)  # fmt: skip
def test_malformed_pushed_requests_are_refused(
    client: AuthorizationClient, form: dict[str, str | None], error: str
) -> None:
    assert error_of(client.par(form)) == (400, error)  # type: ignore[arg-type]


def test_the_authorization_endpoint_takes_a_request_uri_once(
    portal: PortalWorld, client: AuthorizationClient
) -> None:
    _, challenge = pkce()
    request_uri = client.par(challenge=challenge).json()["request_uri"]
    answer = client.authorize(request_uri, MARIE, portal.portal)
    assert answer["state"] == "wallet-state-1" and answer["iss"] == portal.world.issuer_url
    again = client.http.get(
        client.metadata["authorization_endpoint"],
        params={"client_id": client.client_id, "request_uri": request_uri},
    )
    assert again.status_code == 404  # shown to the citizen, never redirected to the wallet
    assert "location" not in again.headers
    other = client.http.get(
        client.metadata["authorization_endpoint"],
        params={"client_id": "someone-else", "request_uri": client.par().json()["request_uri"]},
    )
    assert other.status_code == 404


def test_someone_the_source_does_not_know_gets_no_code(
    portal: PortalWorld, client: AuthorizationClient
) -> None:
    request_uri = client.par().json()["request_uri"]
    query = urlencode({"client_id": client.client_id, "request_uri": request_uri})
    start = f"{client.metadata['authorization_endpoint']}?{query}"
    page = log_in(browser(), portal.portal, STRANGER, start=start, stop=REDIRECT_URI)
    assert page.status_code == 403 and "No institution knows you yet" in page.text
    assert not page.is_redirect


def test_a_dpop_nonce_challenge_spends_no_attestation_pop(portal: PortalWorld) -> None:
    """Regression: the PoP's jti was consumed before the DPoP nonce challenge, so a wallet that
    retried with the same headers (as RFC 9449 §8 lets it) was refused."""
    client = AuthorizationClient(portal.world.issuer_url, PROVIDER)
    client.wallet.dpop_nonce = None
    headers = client.auth_headers()
    url = client.metadata["pushed_authorization_request_endpoint"]
    form = {
        "response_type": "code", "client_id": client.client_id, "redirect_uri": REDIRECT_URI,
        "scope": "ehic-1", "code_challenge": pkce()[1], "code_challenge_method": "S256",
    }  # fmt: skip
    challenged = client.http.post(
        url, data=form, headers={**headers, "DPoP": client.wallet.dpop("POST", url)}
    )
    assert error_of(challenged) == (400, "use_dpop_nonce")
    client.wallet._remember_nonce(challenged)
    retried = client.http.post(
        url, data=form, headers={**headers, "DPoP": client.wallet.dpop("POST", url)}
    )
    assert retried.status_code == 201, retried.text


@pytest.fixture
def code(portal: PortalWorld, client: AuthorizationClient) -> tuple[str, str]:
    verifier, challenge = pkce()
    request_uri = client.par(challenge=challenge).json()["request_uri"]
    return client.authorize(request_uri, MARIE, portal.portal)["code"], verifier


def test_the_token_request_checks_pkce_redirect_client_and_dpop_key(
    client: AuthorizationClient, code: tuple[str, str], portal: PortalWorld
) -> None:
    value, verifier = code
    wrong_verifier = client.token(value, pkce()[0])
    assert error_of(wrong_verifier) == (400, "invalid_grant")
    assert "code_verifier" in wrong_verifier.json()["error_description"]
    wrong_redirect = client.token(value, verifier, form={"redirect_uri": "http://127.0.0.1:9/x"})
    assert error_of(wrong_redirect) == (400, "invalid_grant")
    other_key = client.token(value, verifier, dpop_key=new_key())
    assert error_of(other_key) == (400, "invalid_grant")
    assert "DPoP key" in other_key.json()["error_description"]
    another_client = AuthorizationClient(portal.world.issuer_url, PROVIDER)
    another_client.wallet.dpop_key = client.wallet.dpop_key
    stolen = another_client.token(value, verifier)
    assert error_of(stolen) == (400, "invalid_grant")
    assert "another client" in stolen.json()["error_description"]
    unauthenticated = client.token(value, verifier, headers={})
    assert error_of(unauthenticated) == (401, "invalid_client")
    granted = client.token(value, verifier)
    assert granted.status_code == 200, granted.text
    assert granted.json()["token_type"] == "DPoP" and granted.json()["scope"] == "social-status-1"
    replay = client.token(value, verifier)
    assert error_of(replay) == (400, "invalid_grant")


def test_a_citizen_the_source_cannot_back_gets_access_denied(
    portal: PortalWorld, client: AuthorizationClient
) -> None:
    """Zaneta's only status withdrawn at the source: a wallet asking for her social status gets
    ``error=access_denied`` (with its state and ``iss``), and no code."""
    import httpx

    from issuer.settings import DEV_ADMIN_TOKEN

    withdrawn = httpx.post(
        f"{portal.world.issuer_url}/operator/source-events",
        json={"subject_id": "p-0002", "basis": "status:RIS", "change": "withdrawn",
              "effective": "2026-01-01"},
        headers={"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}, timeout=10,
    )  # fmt: skip
    assert withdrawn.status_code == 200
    request_uri = client.par().json()["request_uri"]
    answer = client.authorize(request_uri, ZANETA, portal.portal)
    assert answer == {
        "error": "access_denied", "state": "wallet-state-1", "iss": portal.world.issuer_url,
    }  # fmt: skip
