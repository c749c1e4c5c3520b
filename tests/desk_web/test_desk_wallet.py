"""Wallet presentations at the desk over OpenID4VP, through the whole ASGI stack: the page's
request, the signed request object, the wallet's response (encrypted and not), the verdict on
the page, and that the desk then forgets it. The wallet is tests/desk_web/_wallet.py with the
committed samples (real signatures, the samples' bundle)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from desk.wallet import WalletRequests
from verifier.jose import CompactJws
from verifier.policies import parse_policy

from ._support import NOT_FOR_THE_VENUE, Desk, sample_desk, sample_wallet
from ._wallet import link_in, transaction_in


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return sample_desk(tmp_path)


def ask(desk: Desk, lang: str = "en") -> str:
    response = desk.client.post(f"/wallet?lang={lang}")
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.text


def verdict_for(desk: Desk, page: str, lang: str = "en") -> str:
    response = desk.client.get(f"/wallet/{transaction_in(page)}?lang={lang}")
    assert response.status_code == 200, response.text
    return response.text


def test_the_page_offers_a_wallet_and_the_request_shows_a_qr_code(desk: Desk) -> None:
    assert 'id="wallet-button"' in desk.client.get("/").text
    page = ask(desk, "fr")
    assert re.search(r'<img class="wallet-qr" src="data:image/svg\+xml;', page)
    assert "Ce poste demande : Prénom(s), Nom, Droit au tarif réduit" in page
    link = link_in(page)
    assert link.startswith("openid4vp://?")
    query = parse_qs(urlsplit(link).query)
    assert query["client_id"] == [desk.identity.client_id]
    assert query["request_uri"][0].startswith("http://127.0.0.1:8702/oid4vp/request/")


def test_the_request_object_is_signed_and_asks_for_the_policy_claims(desk: Desk) -> None:
    link = link_in(ask(desk))
    response = desk.client.get(parse_qs(urlsplit(link).query)["request_uri"][0])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/oauth-authz-req+jwt"
    assert response.headers["cache-control"] == "no-store"
    claims = CompactJws.parse(response.text).payload_object()
    assert claims["response_uri"] == "http://127.0.0.1:8702/oid4vp/response"
    assert claims["response_mode"] == "direct_post.jwt"
    paths = [c["path"] for c in claims["dcql_query"]["credentials"][0]["claims"]]
    assert paths == [["reduced_tariff_eligible"], ["given_name"], ["family_name"]]
    assert len(claims["nonce"]) >= 43 and len(claims["state"]) >= 43


@pytest.mark.parametrize("mode", ["direct_post.jwt", "direct_post"])
def test_a_wallet_answers_and_the_page_shows_the_verdict_once(tmp_path: Path, mode: str) -> None:
    desk = sample_desk(tmp_path, wallet_response_mode=mode)
    page = ask(desk, "nl")
    pending = desk.client.get(f"/wallet/{transaction_in(page)}")
    assert pending.status_code == 204  # no wait: still waiting
    answered = sample_wallet(desk).respond_to(link_in(page))
    assert answered.status_code == 200 and answered.json() == {}
    assert "GELDIG" not in answered.text  # the wallet learns nothing of the verdict
    verdict = verdict_for(desk, page, "nl")
    assert 'data-outcome="valid"' in verdict and "GELDIG" in verdict
    shown = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", verdict)
    assert [label for label, _ in shown] == ["Voornaam/voornamen", "Naam",
        "Recht op verminderd tarief", "Geldig vanaf", "Geldig tot"]  # fmt: skip
    for personal in NOT_FOR_THE_VENUE:
        assert personal not in verdict
    again = desk.client.get(f"/wallet/{transaction_in(page)}")
    assert again.status_code == 404 and "[oid4vp.state]" in again.json()["error_description"]


def test_the_page_waits_for_the_verdict(desk: Desk) -> None:
    page = ask(desk)
    waited = desk.client.get(f"/wallet/{transaction_in(page)}?wait=0.2")
    assert waited.status_code == 204


def test_a_pharmacy_asks_for_one_of_two_types(tmp_path: Path) -> None:
    desk = sample_desk(tmp_path, policy="pharmacy-ehic", audience="x509_san_dns:pharmacy.example")
    page = ask(desk, "de")
    wallet = sample_wallet(desk, ("ehic.sd-jwt",))
    request = wallet.scan(link_in(page))
    assert request.dcql_query["credential_sets"] == [
        {"options": [["ehic_1"], ["ehic-prc_1"]], "required": True}]  # fmt: skip
    assert wallet.answer(request, wallet.present(request)).status_code == 200
    verdict = verdict_for(desk, page, "de")
    assert 'data-outcome="valid"' in verdict, verdict
    assert "Geburtsdatum" in verdict and "92120512345" not in verdict  # not the personal number


def test_the_holder_may_decline(desk: Desk) -> None:
    page = ask(desk)
    wallet = sample_wallet(desk)
    request = wallet.scan(link_in(page))
    declined = wallet.post(request, {"error": "access_denied", "state": request.state or ""})
    assert declined.status_code == 200
    verdict = verdict_for(desk, page)
    assert 'data-outcome="undetermined"' in verdict and "The wallet shared nothing." in verdict


def test_a_withdrawn_request_cannot_be_answered(desk: Desk) -> None:
    page = ask(desk)
    wallet = sample_wallet(desk)
    request = wallet.scan(link_in(page))
    assert desk.client.delete(f"/wallet/{transaction_in(page)}").status_code == 204
    response = wallet.answer(request, wallet.present(request))
    assert response.status_code == 400
    assert response.json()["error_description"].startswith("[oid4vp.state]")


def test_open_requests_are_bounded(tmp_path: Path) -> None:
    desk = sample_desk(tmp_path, max_wallet_requests=2)
    ask(desk), ask(desk)
    busy = desk.client.post("/wallet")
    assert busy.status_code == 503 and busy.json()["error"] == "temporarily_unavailable"


def test_a_purpose_without_sd_jwt_vcs_asks_no_wallet(desk: Desk) -> None:
    labels = {"fr": "x", "nl": "x", "de": "x", "en": "x"}
    paper = parse_policy({
        "name": "paper-only", "version": 1, "title": labels, "purpose": labels,
        "holder_binding": "optional",
        "freshness": {"trust": {"warn_after_hours": 12, "fail_after_hours": 24},
                      "status": {"warn_after_hours": 12, "fail_after_hours": 24}},
        "accepts": [{"format": "qr-jws", "type": "be.civicred:ssh:1.0",
                     "issuer_roles": ["authentic_source"], "request": [],
                     "show": [{"claim": "/ssh/fn", "labels": labels}]}],
    })  # fmt: skip
    wallets = WalletRequests(policy=paper, identity=desk.identity, base_url="http://desk")
    assert not wallets.enabled
