"""Attacks on the protected resources, the credential and notification endpoints (RFC 6750 §2-3,
RFC 9449 §7, OpenID4VCI 1.0 §8.3.1.1, §11.3): tokens in the query, as Bearer, stolen, expired;
DPoP proofs for another URL, method or key, replayed, without ``ath`` or nonce."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.openid4vci._issuer import IssuerUnderTest, start_issuer
from tests.openid4vci._wallet import Wallet, new_key

CONFIGURATION = "social-status-1"


@pytest.fixture
def issuer(tmp_path: Path) -> IssuerUnderTest:
    return start_issuer(tmp_path)


@pytest.fixture
def ready(issuer: IssuerUnderTest) -> tuple[Wallet, str]:
    return issuer.authorized_wallet()


def _body(wallet: Wallet) -> dict[str, Any]:
    proof = wallet.key_proof(new_key(), nonce=wallet.c_nonce())
    return {"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [proof]}}


def _challenged(
    response: httpx.Response, status: int, error: str, *, challenge: str | None = None
) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["request_id"] == response.headers["x-request-id"]
    expected = challenge if challenge is not None else f'DPoP error="{error}"'
    assert response.headers["www-authenticate"] == expected


def test_an_access_token_in_the_query_string_is_refused(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    url = wallet.issuer_metadata["credential_endpoint"]
    response = issuer.http.post(
        url, params={"access_token": token}, json=_body(wallet),
        headers={"DPoP": wallet.dpop("POST", url, access_token=token)},
    )  # fmt: skip
    _challenged(response, 400, "invalid_request")
    both = issuer.http.post(
        url, params={"access_token": token}, json=_body(wallet),
        headers={"Authorization": f"DPoP {token}", "DPoP": wallet.dpop("POST", url, access_token=token)},
    )  # fmt: skip
    _challenged(both, 400, "invalid_request")  # refused even beside a header: no confusion
    assert issuer.recorder.calls == []


def test_no_token_or_a_dpop_token_as_bearer_is_refused(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    url = wallet.issuer_metadata["credential_endpoint"]
    _challenged(issuer.http.post(url, json=_body(wallet)), 401, "invalid_token", challenge="DPoP")
    bearer = issuer.http.post(url, json=_body(wallet), headers={"Authorization": f"Bearer {token}"})
    _challenged(bearer, 401, "invalid_token")
    assert "Bearer" in bearer.json()["error_description"]


def test_an_unknown_or_expired_token_is_invalid_token(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    _challenged(wallet.credential_request(token[:-3] + "abc", _body(wallet)), 401, "invalid_token")
    issuer.clock.advance(issuer.services.settings.oid4vci.access_token_lifetime_seconds + 1)
    _challenged(wallet.credential_request(token, _body(wallet)), 401, "invalid_token")


def test_a_dpop_proof_for_another_url_method_or_key_is_refused(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    url = wallet.issuer_metadata["credential_endpoint"]
    for proof in (
        wallet.dpop("POST", wallet.issuer_metadata["notification_endpoint"], access_token=token),
        wallet.dpop("POST", wallet.as_metadata["token_endpoint"], access_token=token),
        wallet.dpop("PUT", url, access_token=token),
        wallet.dpop("POST", url, access_token=token, key=new_key()),
        wallet.dpop("POST", url),  # no ath
        wallet.dpop("POST", url, access_token="another-token"),  # ath of something else
    ):
        response = wallet.credential_request(token, _body(wallet), dpop=proof)
        _challenged(response, 401, "invalid_dpop_proof")
    assert issuer.recorder.calls == []
    assert wallet.credential_request(token, _body(wallet)).status_code == 200


def test_a_replayed_dpop_proof_is_refused(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    url = wallet.issuer_metadata["notification_endpoint"]
    proof = wallet.dpop("POST", url, access_token=token)
    first = wallet.resource_request(
        url, token, {"notification_id": "x", "event": "credential_accepted"}, dpop=proof
    )
    assert first.json()["error"] == "invalid_notification_id"  # the proof itself was fine
    replay = wallet.resource_request(
        url, token, {"notification_id": "x", "event": "credential_accepted"}, dpop=proof
    )
    _challenged(replay, 401, "invalid_dpop_proof")
    assert "already used" in replay.json()["error_description"]


def test_a_dpop_proof_without_a_fresh_server_nonce_is_challenged(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    url = wallet.issuer_metadata["credential_endpoint"]
    body = _body(wallet)  # (the nonce endpoint hands out the DPoP nonce too)
    held, wallet.dpop_nonce = wallet.dpop_nonce, None
    for proof in (
        wallet.dpop("POST", url, access_token=token),
        wallet.dpop("POST", url, access_token=token, nonce="made-up"),
    ):
        response = wallet.credential_request(token, body, dpop=proof)
        _challenged(response, 401, "use_dpop_nonce")
        assert response.headers["dpop-nonce"] == held
    wallet.dpop_nonce = None
    assert wallet.credential_request(token, body).status_code == 200  # after one retry


def test_a_configuration_outside_the_grant_is_insufficient_scope(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    body = {**_body(wallet), "credential_configuration_id": "ehic-1"}
    _challenged(wallet.credential_request(token, body), 403, "insufficient_scope")
    assert issuer.recorder.calls == []


def test_notifications_need_the_grants_token_and_a_known_id(
    issuer: IssuerUnderTest, ready: tuple[Wallet, str]
) -> None:
    wallet, token = ready
    issued = wallet.credential_request(token, _body(wallet))
    notification_id = issued.json()["notification_id"]
    other, other_token = issuer.authorized_wallet()
    foreign = other.notify(other_token, notification_id, "credential_accepted")
    assert foreign.status_code == 400 and foreign.json()["error"] == "invalid_notification_id"
    unknown = wallet.notify(token, "0" * 32, "credential_deleted")
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_notification_id"
    for body in ({"notification_id": notification_id, "event": "credential_lost"}, {"event": "credential_accepted"}, {"notification_id": notification_id, "event": "credential_failure", "event_description": 'say "hi"'}):  # fmt: skip
        response = wallet.resource_request(
            wallet.issuer_metadata["notification_endpoint"], token, body
        )
        assert (
            response.status_code == 400
            and response.json()["error"] == "invalid_notification_request"
        )
    no_token = issuer.http.post(
        wallet.issuer_metadata["notification_endpoint"],
        json={"notification_id": notification_id, "event": "credential_accepted"},
    )
    _challenged(no_token, 401, "invalid_token", challenge="DPoP")
    assert wallet.notify(token, notification_id, "credential_deleted").status_code == 204
