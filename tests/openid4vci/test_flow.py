"""The pre-authorized code flow end to end over HTTP (ASGI app), for each credential type: offer
→ metadata → token with tx_code and a DPoP nonce retry → nonce → batch of 3 → each credential
verified by the project's verifier (key binding to its proof key, status on the served list) →
notification."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from issuer.oid4vci import configurations
from verifier.status import TokenStatus

from ._issuer import ADMIN, IssuerUnderTest
from ._verify import served_status, verify_presented
from ._wallet import (
    disclosure_salts,
    new_key,
    offer_from_value_link,
    offer_uri_from_link,
    payload_of,
    pre_authorized,
)

CONFIGURATIONS = ["social-status-1", "ehic-1", "ehic-prc-1"]


@pytest.mark.parametrize("configuration_id", CONFIGURATIONS)
def test_full_flow_issues_a_verifiable_batch(
    issuer: IssuerUnderTest, configuration_id: str
) -> None:
    created = issuer.create_offer([configuration_id])
    assert created["tx_code"].isdigit() and len(created["tx_code"]) == 6
    assert created["tx_code"] not in created["offer_by_value"]  # the code travels apart
    wallet = issuer.wallet()
    uri = offer_uri_from_link(created["offer_by_reference"])
    offer = wallet.fetch_offer(uri)
    assert wallet.fetch_offer(uri) == offer == created["credential_offer"]  # fetched twice
    assert offer_from_value_link(created["offer_by_value"]) == offer
    assert offer["credential_configuration_ids"] == [configuration_id]
    grant = pre_authorized(offer)
    assert grant["tx_code"] == {
        "input_mode": "numeric",
        "length": 6,
        "description": issuer.services.settings.oid4vci.tx_code_description,
    }

    wallet.discover(offer["credential_issuer"])
    assert wallet.dpop_nonce is None
    first = wallet.token_request(grant["pre-authorized_code"], created["tx_code"], retry=False)
    assert first.status_code == 400 and first.json()["error"] == "use_dpop_nonce"
    assert first.headers["dpop-nonce"] == wallet.dpop_nonce  # the challenge carries it
    token = wallet.token_request(grant["pre-authorized_code"], created["tx_code"], retry=False)
    assert token.status_code == 200, token.text
    assert token.headers["cache-control"] == "no-store" and token.headers["pragma"] == "no-cache"
    body = token.json()
    assert body["token_type"] == "DPoP" and body["expires_in"] == 300
    assert set(body) == {"access_token", "token_type", "expires_in"}  # no c_nonce in 1.0

    nonce = issuer.http.post(wallet.issuer_metadata["nonce_endpoint"])
    assert nonce.status_code == 200 and nonce.headers["cache-control"] == "no-store"
    assert set(nonce.json()) == {"c_nonce"} and nonce.headers["dpop-nonce"]
    c_nonce = wallet.c_nonce()
    holders = [new_key() for _ in range(3)]
    proofs = [wallet.key_proof(holder, nonce=c_nonce) for holder in holders]
    response = wallet.credential_request(
        body["access_token"],
        {"credential_configuration_id": configuration_id, "proofs": {"jwt": proofs}},
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/json"
    result = response.json()
    assert set(result) == {"credentials", "notification_id"}
    credentials = [item["credential"] for item in result["credentials"]]
    assert len(credentials) == 3

    vct = configurations()[configuration_id].vct
    now = issuer.clock()
    for credential, holder in zip(credentials, holders, strict=True):
        claims = verify_presented(issuer.services, credential, holder, vct=vct, now=now)
        assert claims["iss"] == issuer.services.settings.credential_issuer
        assert served_status(issuer.http, issuer.services, claims, now=now) is TokenStatus.VALID

    (call,) = issuer.recorder.calls
    assert call["credential_type"] == configurations()[configuration_id].id
    assert len(call["credential_ids"]) == 3 and len(set(call["credential_ids"])) == 3
    assert call["grant_reference"] == created["grant_reference"]

    notified = wallet.notify(body["access_token"], result["notification_id"], "credential_accepted")
    assert notified.status_code == 204, notified.text
    again = wallet.notify(body["access_token"], result["notification_id"], "credential_accepted")
    assert again.status_code == 204  # §11: identical notifications succeed again


def test_batch_copies_share_no_salt_status_index_key_or_fine_time(
    issuer: IssuerUnderTest,
) -> None:
    wallet, access_token = issuer.authorized_wallet()
    c_nonce = wallet.c_nonce()
    holders = [new_key() for _ in range(3)]
    response = wallet.credential_request(
        access_token,
        {
            "credential_configuration_id": "social-status-1",
            "proofs": {"jwt": [wallet.key_proof(h, nonce=c_nonce) for h in holders]},
        },
    )
    assert response.status_code == 200, response.text
    credentials = [c["credential"] for c in response.json()["credentials"]]
    payloads = [payload_of(c) for c in credentials]

    salts = [set(disclosure_salts(c)) for c in credentials]
    assert all(salts) and not (salts[0] & salts[1] or salts[0] & salts[2] or salts[1] & salts[2])
    indices = {
        (p["status"]["status_list"]["uri"], p["status"]["status_list"]["idx"]) for p in payloads
    }
    assert len(indices) == 3
    assert len({p["cnf"]["jwk"]["x"] for p in payloads}) == 3
    digests = [set(p["_sd"]) for p in payloads]
    assert not (digests[0] & digests[1])  # salted: no digest in common either
    day_start = datetime.combine(issuer.clock().date(), time.min, tzinfo=UTC)
    for payload in payloads:
        assert payload["iat"] == int(day_start.timestamp())  # day precision
        assert payload["exp"] % 86400 == 0 and "nbf" not in payload
    assert {p["iat"] for p in payloads} == {payloads[0]["iat"]}


def test_one_offer_for_two_types_gives_one_response_each(issuer: IssuerUnderTest) -> None:
    wallet, access_token = issuer.authorized_wallet(["social-status-1", "ehic-1"])
    notifications = set()
    for configuration_id in ("social-status-1", "ehic-1"):
        c_nonce = wallet.c_nonce()
        response = wallet.credential_request(
            access_token,
            {
                "credential_configuration_id": configuration_id,
                "proofs": {"jwt": [wallet.key_proof(new_key(), nonce=c_nonce)]},
            },
        )
        assert response.status_code == 200, response.text
        assert len(response.json()["credentials"]) == 1
        notifications.add(response.json()["notification_id"])
    assert len(notifications) == 2
    grants = {call["grant_reference"] for call in issuer.recorder.calls}
    assert len(grants) == 1 and len(issuer.recorder.calls) == 2


def test_authorization_details_give_credential_identifiers(issuer: IssuerUnderTest) -> None:
    created = issuer.create_offer(["social-status-1", "ehic-1"])
    wallet = issuer.wallet()
    offer = wallet.fetch_offer(created["credential_offer_uri"])
    wallet.discover(offer["credential_issuer"])
    details = '[{"type": "openid_credential", "credential_configuration_id": "ehic-1"}]'
    token = wallet.token_request(
        pre_authorized(offer)["pre-authorized_code"],
        created["tx_code"],
        form={"authorization_details": details},
    )
    assert token.status_code == 200, token.text
    (detail,) = token.json()["authorization_details"]
    assert detail == {
        "type": "openid_credential",
        "credential_configuration_id": "ehic-1",
        "credential_identifiers": ["ehic-1"],
    }
    access_token = token.json()["access_token"]
    proofs = {"jwt": [wallet.key_proof(new_key(), nonce=wallet.c_nonce())]}
    by_configuration = wallet.credential_request(
        access_token, {"credential_configuration_id": "ehic-1", "proofs": proofs}
    )
    assert by_configuration.json()["error"] == "invalid_credential_request"
    proofs = {"jwt": [wallet.key_proof(new_key(), nonce=wallet.c_nonce())]}
    unknown = wallet.credential_request(
        access_token, {"credential_identifier": "social-status-1", "proofs": proofs}
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "unknown_credential_identifier"
    proofs = {"jwt": [wallet.key_proof(new_key(), nonce=wallet.c_nonce())]}
    issued = wallet.credential_request(
        access_token, {"credential_identifier": "ehic-1", "proofs": proofs}
    )
    assert issued.status_code == 200, issued.text


def test_an_offer_without_tx_code_and_the_operator_refusals(issuer: IssuerUnderTest) -> None:
    created = issuer.create_offer(tx_code=False)
    assert created["tx_code"] is None
    assert "tx_code" not in pre_authorized(created["credential_offer"])
    wallet = issuer.wallet()
    wallet.discover(created["credential_offer"]["credential_issuer"])
    code = pre_authorized(created["credential_offer"])["pre-authorized_code"]
    assert wallet.token_request(code).status_code == 200

    def order(headers: dict[str, str], **body: object) -> tuple[int, str]:
        response = issuer.http.post("/operator/offers", json=body, headers=headers)
        return response.status_code, response.json()["error"]

    wrong = {"Authorization": "Bearer " + "x" * 40}
    assert order(wrong, subject_id="p-0001", credential_configuration_ids=["ehic-1"]) == (
        403,
        "invalid_token",
    )
    assert order({}, subject_id="p-0001", credential_configuration_ids=["ehic-1"])[0] == 401
    assert order(ADMIN, subject_id="p-9999", credential_configuration_ids=["ehic-1"]) == (
        404,
        "not_found",
    )
    for ids in (["ehic-9"], ["ehic-1", "ehic-1"]):
        assert order(ADMIN, subject_id="p-0001", credential_configuration_ids=ids) == (
            400,
            "invalid_request",
        )
    assert order(ADMIN, subject_id="p-0001", credential_configuration_ids=[]) == (
        422,
        "invalid_request",
    )
