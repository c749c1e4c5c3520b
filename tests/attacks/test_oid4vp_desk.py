"""Attacks on the desk's OpenID4VP flow, each with the exact code it must end in: replays,
another audience, no key binding, more disclosed than asked, late answers, answers meant for
another request, the wrong mode or key, malformed vp_tokens, a race for one nonce.

Two kinds of outcome (docs/desk.md §OpenID4VP): a response the desk cannot use is ``400
invalid_request`` with the ``oid4vp.*`` code in brackets (and the request stays open for the
real wallet); a presentation the desk can judge ends the request with a verdict on the page —
valid or not — and the wallet gets ``200 {}`` either way.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from desk.sources import Presentation
from desk.verdicts import Verdict, verdict_of
from desk.verdicts import refused as refused_report
from desk.wallet import Answered, Started, WalletRequests
from tests.desk_web._support import (
    MUSEUM,
    NOT_FOR_THE_VENUE,
    SAMPLES,
    Desk,
    sample,
    sample_desk,
    sample_wallet,
)
from tests.desk_web._wallet import TestWallet, link_in, transaction_in
from verifier.jose import RESPONSE_ENCRYPTION, CompactJws, encrypt_compact, jwk_from_public_key
from verifier.oid4vp import ReceivedRequest, Refused, response_form
from verifier.policies import load_policy
from verifier.sdjwt import HeldCredential


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return sample_desk(tmp_path)


@pytest.fixture
def wallet(desk: Desk) -> TestWallet:
    return sample_wallet(desk)


def open_request(desk: Desk, wallet: TestWallet) -> tuple[str, ReceivedRequest]:
    """The page's handle of a new request, and the request as the wallet verified it."""
    page = desk.client.post("/wallet").text
    return transaction_in(page), wallet.scan(link_in(page))


def request_uri_of(page_link: str) -> str:
    return parse_qs(urlsplit(page_link).query)["request_uri"][0]


def verdict(desk: Desk, transaction: str) -> tuple[str, str, str]:
    """(outcome, deciding code, html) of the verdict on the page."""
    response = desk.client.get(f"/wallet/{transaction}")
    assert response.status_code == 200, response.text
    html = response.text
    outcome = re.search(r'data-outcome="(\w+)"', html)
    code = re.search(r'data-code="([\w.]+)"', html)
    assert outcome
    return outcome.group(1), code.group(1) if code else "", html


def refused(response: httpx.Response, code: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["error_description"].startswith(f"[{code}] "), body


def still_open(desk: Desk, wallet: TestWallet, transaction: str, request: ReceivedRequest) -> None:
    """The real wallet can still answer, and its presentation is valid."""
    assert wallet.answer(request, wallet.present(request)).status_code == 200
    assert verdict(desk, transaction)[0] == "valid"


# -- replays -------------------------------------------------------------------------------
def test_a_replayed_response_is_refused(desk: Desk, wallet: TestWallet) -> None:
    transaction, request = open_request(desk, wallet)
    form = response_form(request, wallet.present(request))
    assert wallet.post(request, form).status_code == 200
    refused(wallet.post(request, form), "oid4vp.state")  # the nonce was used once
    assert verdict(desk, transaction)[0] == "valid"
    refused(wallet.post(request, form), "oid4vp.state")  # and is forgotten with the verdict


def test_a_presentation_replayed_into_a_new_request_is_invalid(
    desk: Desk, wallet: TestWallet
) -> None:
    _first, earlier = open_request(desk, wallet)
    captured = wallet.present(earlier)  # signed over the first request's nonce
    transaction, request = open_request(desk, wallet)
    assert wallet.answer(request, captured).status_code == 200
    assert verdict(desk, transaction)[:2] == ("invalid", "kb.nonce")


# -- key binding -----------------------------------------------------------------------------
def test_a_kb_jwt_for_another_audience_is_invalid(desk: Desk, wallet: TestWallet) -> None:
    transaction, request = open_request(desk, wallet)
    # the audience pasted presentations use, not this desk's client id
    assert wallet.answer(request, wallet.present(request, aud=MUSEUM)).status_code == 200
    assert verdict(desk, transaction)[:2] == ("invalid", "kb.aud")


def test_a_presentation_without_kb_jwt_is_invalid(desk: Desk, wallet: TestWallet) -> None:
    transaction, request = open_request(desk, wallet)
    assert wallet.answer(request, wallet.present(request, key_binding=False)).status_code == 200
    assert verdict(desk, transaction)[:2] == ("invalid", "kb.missing")


# -- minimisation ----------------------------------------------------------------------------
def test_claims_disclosed_beyond_the_request_are_never_shown(
    desk: Desk, wallet: TestWallet
) -> None:
    transaction, request = open_request(desk, wallet)
    everything = ["/reduced_tariff_eligible", "/given_name", "/family_name", "/birth_date",
                  "/personal_administrative_number", "/social_statuses",
                  "/municipality_nis", "/age_over_65"]  # fmt: skip
    answered = wallet.answer(request, wallet.present(request, disclose=everything))
    assert answered.status_code == 200
    outcome, _, html = verdict(desk, transaction)
    assert outcome == "valid"
    seen = html + answered.text + desk.client.get("/").text
    for personal in (*NOT_FOR_THE_VENUE, "1951"):
        assert personal not in seen, personal


def test_another_credential_type_under_the_asked_id_is_invalid(
    desk: Desk, wallet: TestWallet
) -> None:
    transaction, request = open_request(desk, wallet)
    held = HeldCredential.parse((SAMPLES / "ehic.sd-jwt").read_text().strip())
    ehic = held.present(held.select(["/subject/family_name"]), holder=wallet.holder,
                        nonce=request.nonce, aud=request.client_id,
                        iat=int(desk.clock().timestamp()))  # fmt: skip
    assert wallet.answer(request, {"social-status_1": [ehic]}).status_code == 200
    assert verdict(desk, transaction)[:2] == ("invalid", "claims.vct")


def test_a_qr_text_as_vp_token_is_invalid(desk: Desk, wallet: TestWallet) -> None:
    transaction, request = open_request(desk, wallet)
    qr = sample("social-status-venue.qr.txt").decode().strip()
    assert wallet.answer(request, {"social-status_1": [qr]}).status_code == 200
    assert verdict(desk, transaction)[:2] == ("invalid", "input.format")


# -- time ------------------------------------------------------------------------------------
def test_an_expired_request_can_neither_be_fetched_nor_answered(
    desk: Desk, wallet: TestWallet
) -> None:
    page = desk.client.post("/wallet").text
    transaction, link = transaction_in(page), link_in(page)
    request = wallet.scan(link)
    token = wallet.present(request)
    desk.clock.advance(seconds=181)  # a request lives 180 s
    fetched = desk.client.get(request_uri_of(link))
    assert fetched.status_code == 404
    assert fetched.json()["error_description"].startswith("[oid4vp.expired] ")
    refused(wallet.answer(request, token), "oid4vp.expired")
    on_the_page = desk.client.get(f"/wallet/{transaction}")
    assert on_the_page.status_code == 410
    assert on_the_page.json()["error_description"].startswith("[oid4vp.expired] ")
    desk.clock.advance(seconds=180)  # one more lifetime: forgotten entirely
    refused(wallet.answer(request, token), "oid4vp.state")
    assert desk.client.get(request_uri_of(link)).status_code == 404


# -- answers meant for another request, the wrong mode or key ---------------------------------
def test_a_response_carrying_another_requests_state_is_refused(
    desk: Desk, wallet: TestWallet
) -> None:
    transaction, request = open_request(desk, wallet)
    _other, other = open_request(desk, wallet)
    # encrypted to this request's key (its kid), but saying it answers the other request
    forged = ReceivedRequest({**request.claims, "state": other.state})
    refused(wallet.answer(forged, wallet.present(request)), "oid4vp.state")
    still_open(desk, wallet, transaction, request)


def test_a_plain_response_to_an_encrypted_request_is_refused(
    desk: Desk, wallet: TestWallet
) -> None:
    transaction, request = open_request(desk, wallet)
    plain = {"vp_token": json.dumps(wallet.present(request)), "state": request.state or ""}
    refused(wallet.post(request, plain), "oid4vp.response_mode")
    still_open(desk, wallet, transaction, request)


def test_a_response_encrypted_to_another_key_is_refused(desk: Desk, wallet: TestWallet) -> None:
    transaction, request = open_request(desk, wallet)
    kid = request.claims["client_metadata"]["jwks"]["keys"][0]["kid"]
    stranger = ec.generate_private_key(ec.SECP256R1())
    payload = json.dumps({"vp_token": wallet.present(request), "state": request.state}).encode()
    jwe = encrypt_compact(payload, stranger.public_key(), RESPONSE_ENCRYPTION, alg="ECDH-ES",
                          enc="A128GCM", header={"kid": kid})  # fmt: skip
    refused(wallet.post(request, {"response": jwe}), "oid4vp.encryption")
    still_open(desk, wallet, transaction, request)


def test_an_unknown_kid_is_refused(desk: Desk, wallet: TestWallet) -> None:
    _transaction, request = open_request(desk, wallet)
    stranger = ec.generate_private_key(ec.SECP256R1())
    jwe = encrypt_compact(b"{}", stranger.public_key(), RESPONSE_ENCRYPTION, alg="ECDH-ES",
                          enc="A128GCM", header={"kid": "nobody"})  # fmt: skip
    refused(wallet.post(request, {"response": jwe}), "oid4vp.state")


@pytest.mark.parametrize(
    "vp_token",
    [
        {"social-status_1": ["a~", "b~"]},
        {"pid": ["a~"]},
        {"social-status_1": "a~"},
        ["a~"],
    ],
)
def test_malformed_vp_tokens_are_refused_and_the_request_stays_open(
    desk: Desk, wallet: TestWallet, vp_token: Any
) -> None:
    transaction, request = open_request(desk, wallet)
    refused(wallet.answer(request, vp_token), "oid4vp.vp_token")
    still_open(desk, wallet, transaction, request)


def test_the_response_endpoint_takes_forms_only(desk: Desk, wallet: TestWallet) -> None:
    _transaction, request = open_request(desk, wallet)
    response = desk.client.post(request.response_uri, json={"vp_token": {}})
    refused(response, "oid4vp.response")


def test_an_oversized_response_is_refused(desk: Desk, wallet: TestWallet) -> None:
    _transaction, request = open_request(desk, wallet)
    response = wallet.post(request, {"response": "a" * (600 * 1024)})
    refused(response, "oid4vp.response")


# -- one nonce, one verdict --------------------------------------------------------------------
def test_two_responses_racing_for_one_request_get_one_verdict(desk: Desk) -> None:
    wallets = WalletRequests(policy=load_policy("venue-reduced-tariff"), identity=desk.identity,
                             base_url="http://127.0.0.1:8702")  # fmt: skip
    started = wallets.start(desk.clock())
    assert isinstance(started, Started)
    wallet = sample_wallet(desk)
    token = wallets.request_object(request_uri_of(started.link).rsplit("/", 1)[-1], desk.clock())
    assert isinstance(token, str)
    request = ReceivedRequest(CompactJws.parse(token).payload_object())
    body = urlencode(response_form(request, wallet.present(request))).encode()
    judged: list[Presentation] = []

    def slow_judge(presentation: Presentation, audience: str) -> Verdict:
        judged.append(presentation)
        time.sleep(0.2)  # the other response arrives while this one is judged
        return verdict_of(refused_report("kb.nonce", "judged once"), wallets.policy)

    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(
            wallets.respond(body, "application/x-www-form-urlencoded", desk.clock(), slow_judge)))
        for _ in range(2)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(judged) == 1
    assert sorted(type(r).__name__ for r in results) == ["Answered", "Refused"]
    (lost,) = [r for r in results if isinstance(r, Refused)]
    assert lost.code == "oid4vp.state"
    assert any(isinstance(r, Answered) for r in results)


def test_a_kid_header_is_not_trusted_for_the_key(desk: Desk, wallet: TestWallet) -> None:
    """A JWE naming the request's kid but carrying its own epk and a jwk is still decrypted
    with the desk's key only: it fails."""
    transaction, request = open_request(desk, wallet)
    jwk = request.claims["client_metadata"]["jwks"]["keys"][0]
    attacker = ec.generate_private_key(ec.SECP256R1())
    jwe = encrypt_compact(b'{"vp_token":{}}', attacker.public_key(), RESPONSE_ENCRYPTION,
                          alg="ECDH-ES", enc="A256GCM",
                          header={"kid": jwk["kid"], "jwk": jwk_from_public_key(attacker.public_key())})  # fmt: skip
    refused(wallet.post(request, {"response": jwe}), "oid4vp.encryption")
    still_open(desk, wallet, transaction, request)
