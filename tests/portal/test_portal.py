"""The portal's pages over real HTTP with a citizen logged in through the real provider: the
four languages, wallet offers redeemed by a wallet, signed PDFs verified offline, what was
issued and self-revocation, CSRF, and one citizen never reaching another's data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography import x509
from sqlalchemy import select

from issuer.api import create_app
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from issuer.storage import OfferRow
from issuer.world import publish
from servicekit.local import asgi_client
from tests.openid4vci._wallet import Wallet, new_key
from verifier import OfflineVerifier, Outcome, VerificationTime
from verifier.inputs import detect_input
from verifier.sdjwt import VerificationPolicy
from verifier.signing import LocalSigner, generate_private_key

from ._provider import MARIE, ZANETA
from ._support import PortalWorld, browser, csrf_of, log_in, portal_world, visible_text


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalWorld]:
    with portal_world(tmp_path_factory.mktemp("portal")) as world:
        yield world


@pytest.fixture(scope="module")
def marie(portal: PortalWorld) -> tuple[httpx.Client, str]:
    client = browser()
    page = log_in(client, portal.portal, MARIE)
    return client, page.text


def offline(portal: PortalWorld) -> tuple[OfflineVerifier, VerificationPolicy]:
    world = portal.world
    publish(world)
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    root = x509.load_pem_x509_certificate(world.registry.root_pem())
    verifier = OfflineVerifier.from_bundle(
        world.registry.bundle(), root=root, time=VerificationTime.at(now, timezone=UTC)
    )
    return verifier, VerificationPolicy.at(now)


@pytest.mark.parametrize(
    ("accept", "lang", "heading", "status", "entitlement"),
    [
        (
            "fr-BE,fr;q=0.9",
            "fr",
            "Bonjour Marie-Louise",
            "Intervention majorée (BIM)",
            "Tarif réduit",
        ),
        ("nl-BE", "nl", "Dag Marie-Louise", "Verhoogde tegemoetkoming (VT)", "Verminderd tarief"),
        (
            "de;q=1, en;q=0.5",
            "de",
            "Guten Tag Marie-Louise",
            "Erhöhte Kostenbeteiligung",
            "Ermäßigter Tarif",
        ),
        ("en-GB", "en", "Hello Marie-Louise", "Increased reimbursement (BIM)", "Reduced tariff"),
        ("es", "en", "Hello Marie-Louise", "Increased reimbursement (BIM)", "Reduced tariff"),
    ],
)
def test_the_page_speaks_the_browsers_language(
    portal: PortalWorld, marie: tuple[httpx.Client, str], accept: str, lang: str, heading: str,
    status: str, entitlement: str,
) -> None:  # fmt: skip
    client, _ = marie
    page = client.get(f"{portal.portal}/", headers={"Accept-Language": accept})
    text = visible_text(page.text)
    assert heading in text and status in text and entitlement in text
    assert f'<html lang="{lang}">' in page.text


def test_the_language_can_be_switched_and_is_remembered(
    portal: PortalWorld, marie: tuple[httpx.Client, str]
) -> None:
    client, _ = marie
    switched = client.get(f"{portal.portal}/?lang=nl", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in switched.text and "Mijn sociale statuten" in switched.text
    later = client.get(f"{portal.portal}/issued", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in later.text and "Wat mij werd uitgereikt" in later.text
    client.get(f"{portal.portal}/?lang=en")


def test_security_headers_and_cookie_attributes(
    portal: PortalWorld, marie: tuple[httpx.Client, str]
) -> None:
    client, _ = marie
    page = client.get(f"{portal.portal}/")
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    cookie = next(c for c in client.cookies.jar if c.name == "civicred-portal")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/"
    assert not cookie.secure  # http on 127.0.0.1: Secure only outside localhost (test below)


def add_to_wallet(
    portal: PortalWorld, client: httpx.Client, configuration_id: str
) -> dict[str, str]:
    page = client.get(f"{portal.portal}/")
    offer = client.post(
        f"{portal.portal}/wallet",
        data={"csrf": csrf_of(page.text), "configuration_id": configuration_id},
    )
    assert offer.status_code == 200, offer.text
    link = re.search(r'id="same-device" href="([^"]+)"', offer.text)
    digits = re.findall(r'<span class="digit">(\d)</span>', offer.text)
    assert link is not None and len(digits) == 6
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in offer.text and 'role="img"' in offer.text
    return {"link": unescape(link.group(1)), "tx_code": "".join(digits), "page": offer.text}


def redeem(link: str, tx_code: str, copies: int = 2) -> list[str]:
    uri = parse_qs(urlsplit(link).query)["credential_offer_uri"][0]
    wallet = Wallet(httpx.Client(timeout=10))
    offer = wallet.fetch_offer(uri)
    wallet.discover(offer["credential_issuer"])
    code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert code["tx_code"]["length"] == 6
    token = wallet.access_token(code["pre-authorized_code"], tx_code)
    proofs = [wallet.key_proof(new_key(), nonce=wallet.c_nonce()) for _ in range(copies)]
    response = wallet.credential_request(
        token,
        {
            "credential_configuration_id": offer["credential_configuration_ids"][0],
            "proofs": {"jwt": proofs},
        },
    )
    assert response.status_code == 200, response.text
    return [c["credential"] for c in response.json()["credentials"]]


def test_add_to_wallet_then_see_it_issued_then_revoke_it(
    portal: PortalWorld, marie: tuple[httpx.Client, str]
) -> None:
    client, _ = marie
    offer = add_to_wallet(portal, client, "social-status-1")
    assert offer["link"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert offer["tx_code"] not in offer["link"]  # the code travels apart from the QR
    credentials = redeem(offer["link"], offer["tx_code"])
    verifier, policy = offline(portal)
    assert {verifier.verify_sd_jwt(c, policy).outcome for c in credentials} == {Outcome.VALID}

    issued = client.get(f"{portal.portal}/issued")
    rows = re.findall(r'data-reference="(iss_[a-z2-7]+)"', issued.text)
    assert rows, issued.text
    reference = rows[0]  # newest first: the wallet issuance just made
    revoke = client.post(
        f"{portal.portal}/issued/{reference}/revoke",
        data={"csrf": csrf_of(issued.text), "reason": "device_lost"},
    )
    assert revoke.status_code == 200 and "Revoked." in revoke.text
    assert f'data-reference="{reference}"' in revoke.text
    verifier, policy = offline(portal)
    reports = [verifier.verify_sd_jwt(c, policy) for c in credentials]
    assert {r.failures[0].code for r in reports} == {"status.revoked"}  # every batch copy
    entries = portal.world.services.lifecycle.audit_entries(actor="test", limit=100)
    mine = [
        e for e in entries if e.target == f"issuance:{reference}" and e.action == "issuance.revoke"
    ]
    assert mine and mine[-1].actor == "citizen" and mine[-1].detail["reason"] == "device_lost"


@pytest.mark.parametrize(("name", "kind"), [("ehic", "ehic"), ("prc", "prc"), ("ssh", "ssh")])
def test_download_a_signed_pdf_that_verifies_offline(
    portal: PortalWorld, marie: tuple[httpx.Client, str], name: str, kind: str
) -> None:
    client, _ = marie
    page = client.get(f"{portal.portal}/?lang=fr")
    pdf = client.post(
        f"{portal.portal}/documents/{name}?lang=fr", data={"csrf": csrf_of(page.text)}
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith(f'attachment; filename="{name}-')
    verifier, _ = offline(portal)
    report = verifier.verify_document(pdf.content, detect_input(pdf.content))
    assert report.outcome is Outcome.VALID, report.failures
    client.get(f"{portal.portal}/?lang=en")


def test_state_changes_need_this_sessions_csrf_token_and_origin(
    portal: PortalWorld, marie: tuple[httpx.Client, str]
) -> None:
    client, _ = marie
    url = f"{portal.portal}/wallet"
    missing = client.post(url, data={"configuration_id": "ehic-1"})
    assert missing.status_code == 403 and "This form has expired" in missing.text
    other = browser()
    other_page = log_in(other, portal.portal, ZANETA)
    foreign = client.post(
        url, data={"csrf": csrf_of(other_page.text), "configuration_id": "ehic-1"}
    )
    assert foreign.status_code == 403
    cross_site = client.post(
        url,
        data={"csrf": csrf_of(client.get(f"{portal.portal}/").text), "configuration_id": "ehic-1"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    logged_out = httpx.post(url, data={"csrf": "x", "configuration_id": "ehic-1"}, timeout=10)
    assert logged_out.status_code == 401 and "Your session has ended" in logged_out.text


def test_one_citizen_never_reaches_anothers_data(
    portal: PortalWorld, marie: tuple[httpx.Client, str]
) -> None:
    marie_client, _ = marie
    marie_pdf_page = marie_client.get(f"{portal.portal}/")
    marie_client.post(
        f"{portal.portal}/documents/ehic", data={"csrf": csrf_of(marie_pdf_page.text)}
    )
    marie_issued = marie_client.get(f"{portal.portal}/issued").text
    marie_refs = set(re.findall(r'data-reference="(iss_[a-z2-7]+)"', marie_issued))
    assert marie_refs

    zaneta = browser()
    page = log_in(zaneta, portal.portal, ZANETA)
    text = visible_text(page.text)
    assert "Żaneta" in text and "Marie-Louise" not in text and "Peeters" not in text
    issued = zaneta.get(f"{portal.portal}/issued").text
    assert not marie_refs & set(re.findall(r'data-reference="(iss_[a-z2-7]+)"', issued))
    # revoking one of Marie's issuances with Zaneta's own session and token: as if it did not exist
    lifecycle = portal.world.services.lifecycle
    before = {i.reference: i.state for i in lifecycle.of_subject("p-0001")}
    for reference in marie_refs:
        tried = zaneta.post(
            f"{portal.portal}/issued/{reference}/revoke",
            data={"csrf": csrf_of(issued), "reason": "device_lost"},
        )
        assert tried.status_code == 404
    assert {i.reference: i.state for i in lifecycle.of_subject("p-0001")} == before
    assert "active" in {state.value for state in before.values()}
    # a subject smuggled into the form is ignored: the offer is Zaneta's own
    zaneta.post(
        f"{portal.portal}/wallet",
        data={"csrf": csrf_of(issued), "configuration_id": "ehic-1", "subject_id": "p-0001"},
    )
    with portal.world.services.db.session() as session:
        newest = session.scalars(select(OfferRow).order_by(OfferRow.created_at.desc())).first()
    assert newest is not None and newest.subject_id == "p-0002"
    # Marie's PDFs cannot be had either: the document routes take nothing but the session
    mine = zaneta.post(f"{portal.portal}/documents/ehic", data={"csrf": csrf_of(issued)})
    assert mine.status_code == 200 and b"Peeters" not in mine.content


def test_unavailable_choices_and_unknown_documents_are_refused(
    portal: PortalWorld, marie: tuple[httpx.Client, str]
) -> None:
    client, _ = marie
    token = csrf_of(client.get(f"{portal.portal}/").text)
    unknown = client.post(
        f"{portal.portal}/wallet", data={"csrf": token, "configuration_id": "x-1"}
    )
    assert unknown.status_code == 400
    nothing = client.post(f"{portal.portal}/documents/passport", data={"csrf": token})
    assert nothing.status_code == 404 and "This page does not exist" in nothing.text


def test_cookies_are_secure_with_the_host_prefix_outside_localhost(
    portal: PortalWorld, tmp_path: Path
) -> None:
    settings = IssuerSettings(
        public_base_url="https://portal.example.test",
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        login=portal.world.services.settings.login,
    )
    signer = LocalSigner(generate_private_key("ES256"))
    services = IssuerServices.build(settings, document_signer=signer, status_signer=signer)
    client = asgi_client(create_app(services), "https://portal.example.test")
    start = client.get("/portal/login")
    assert start.status_code == 303
    cookie = start.headers["set-cookie"]
    assert cookie.startswith("__Host-civicred-login=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "samesite=lax" in cookie.lower() and "Domain" not in cookie
