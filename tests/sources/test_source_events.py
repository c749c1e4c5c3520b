"""Source events end to end: a status withdrawn (or put under review) at the source revokes (or
suspends) every wallet credential and paper document built on it, audited; a verifier's offline
answer flips once the bundle is refreshed. Real registry subprocess, issuer over HTTP, the wallet
side of OpenID4VCI over HTTP, real signatures and status lists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography import x509

from issuer.documents import DocumentService
from issuer.paper import PaperIssuer
from issuer.settings import DEV_ADMIN_TOKEN
from issuer.world import World, publish, running_world
from tests.openid4vci._wallet import Wallet, new_key
from verifier import OfflineVerifier, Outcome, VerificationTime
from verifier.inputs import detect_input
from verifier.sdjwt import HeldCredential, VerificationPolicy

OPERATOR = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}
SUBJECT = "p-0001"  # BIM and GRAPA, insured


@dataclass
class Held:
    wallet_social: list[str]
    wallet_ehic: list[str]
    venue_pdf: bytes
    card_pdf: bytes


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_world(tmp_path_factory.mktemp("world")) as running:
        yield running


def obtain(world: World, configuration_id: str, copies: int = 2) -> list[str]:
    """A citizen's wallet through the pre-authorized flow over HTTP (a batch of ``copies``)."""
    offer = world.services.oid4vci.create_offer(
        subject_id=SUBJECT, configuration_ids=[configuration_id], tx_code=True, actor="test"
    )
    http = httpx.Client(timeout=10)
    wallet = Wallet(http)
    document = wallet.fetch_offer(offer.credential_offer_uri)
    wallet.discover(document["credential_issuer"])
    code = document["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    token = wallet.access_token(code["pre-authorized_code"], offer.tx_code)
    proofs = [wallet.key_proof(new_key(), nonce=wallet.c_nonce()) for _ in range(copies)]
    response = wallet.credential_request(
        token, {"credential_configuration_id": configuration_id, "proofs": {"jwt": proofs}}
    )
    assert response.status_code == 200, response.text
    return [c["credential"] for c in response.json()["credentials"]]


def verifier_now(world: World) -> tuple[OfflineVerifier, VerificationPolicy, datetime]:
    publish(world)
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    root = x509.load_pem_x509_certificate(world.registry.root_pem())
    time = VerificationTime.at(now, timezone=UTC)
    return (
        OfflineVerifier.from_bundle(world.registry.bundle(), root=root, time=time),
        (VerificationPolicy.at(now)),
        now,
    )


def answers(world: World, held: Held) -> dict[str, Any]:
    offline, policy, _ = verifier_now(world)

    def first_failure(report: Any) -> str:
        return "valid" if report.outcome is Outcome.VALID else report.failures[0].code

    return {
        "wallet_social": {first_failure(offline.verify_sd_jwt(c, policy)) for c in held.wallet_social},
        "wallet_ehic": {first_failure(offline.verify_sd_jwt(c, policy)) for c in held.wallet_ehic},
        "venue_pdf": first_failure(
            offline.verify_document(held.venue_pdf, detect_input(held.venue_pdf))
        ),
        "card_pdf": first_failure(offline.verify_document(held.card_pdf, detect_input(held.card_pdf))),
    }  # fmt: skip


def source_event(world: World, **body: str) -> httpx.Response:
    today = datetime.now(UTC).date().isoformat()
    return httpx.post(
        f"{world.issuer_url}/operator/source-events",
        json={"subject_id": SUBJECT, "effective": today, **body},
        headers=OPERATOR,
        timeout=10,
    )


def hold_everything(world: World) -> Held:
    paper = PaperIssuer(world.services, DocumentService())
    person = world.services.source.person(SUBJECT)
    now = datetime.now(UTC).astimezone()
    return Held(
        wallet_social=obtain(world, "social-status-1"),
        wallet_ehic=obtain(world, "ehic-1"),
        venue_pdf=paper.issue("ssh", person, "nl", now=now).rendered.pdf_bytes,
        card_pdf=paper.issue("ehic", person, "fr", now=now).rendered.pdf_bytes,
    )


def test_a_suspension_at_the_source_suspends_then_a_reinstatement_restores(world: World) -> None:
    held = hold_everything(world)
    assert answers(world, held) == {
        "wallet_social": {"valid"}, "wallet_ehic": {"valid"}, "venue_pdf": "valid",
        "card_pdf": "valid",
    }  # fmt: skip
    response = source_event(world, basis="status:GRAPA", change="suspended")
    assert response.status_code == 200, response.text
    outcomes = {o["outcome"] for o in response.json()["issuances"]}
    assert outcomes == {"changed"}
    after = answers(world, held)
    assert after["wallet_social"] == {"status.suspended"}
    assert after["venue_pdf"] == "status.suspended"
    assert after["wallet_ehic"] == {"valid"} and after["card_pdf"] == "valid"
    assert source_event(world, basis="status:GRAPA", change="reinstated").status_code == 200
    assert answers(world, held)["wallet_social"] == {"valid"}
    # the reinstatement left the citizen's issuances active again; the audit chain says why
    audit = world.services.audit.verify()
    assert audit.intact


def test_a_withdrawal_at_the_source_revokes_wallet_and_paper_built_on_it(world: World) -> None:
    held = hold_everything(world)
    assert answers(world, held)["wallet_social"] == {"valid"}
    built_on_bim = {
        i.reference
        for i in world.services.lifecycle.built_on(SUBJECT, "status:BIM")
        if i.state.value != "revoked"
    }
    assert len(built_on_bim) >= 2  # at least this test's wallet batch and venue document

    response = source_event(world, basis="status:BIM", change="withdrawn")
    assert response.status_code == 200, response.text
    changed = [o for o in response.json()["issuances"] if o["outcome"] == "changed"]
    assert {o["reference"] for o in changed} == built_on_bim

    after = answers(world, held)
    assert after["wallet_social"] == {"status.revoked"}  # every batch copy
    assert after["venue_pdf"] == "status.revoked"
    # the EHIC (built on the insurance, not on BIM) is untouched
    assert after["wallet_ehic"] == {"valid"} and after["card_pdf"] == "valid"

    # audited: one revoke per issuance with the reason, then the event itself (no subject in it)
    with world.services.db.session() as session:
        entries = world.services.audit.entries(session, limit=1000)
    revokes = [e for e in entries if e.action == "issuance.revoke"]
    last = revokes[-len(changed) :]
    assert {e.target.removeprefix("issuance:") for e in last} == built_on_bim
    assert all(e.detail["reason"] == "entitlement_ended" for e in last)
    event = [e for e in entries if e.action == "source.event"][-1]
    assert event.actor == "operator#0" and event.target == "source:status"
    assert SUBJECT not in str(event.detail) and event.detail["changed"] == len(changed)

    # the source no longer has BIM today: a new credential carries GRAPA only
    fresh = obtain(world, "social-status-1", copies=1)[0]
    claims = HeldCredential.parse(fresh).claims
    assert [s["code"] for s in claims["social_statuses"]] == ["GRAPA"]


def test_an_event_is_checked_and_needs_an_operator(world: World) -> None:
    anonymous = httpx.post(
        f"{world.issuer_url}/operator/source-events",
        json={"subject_id": SUBJECT, "basis": "status:BIM", "change": "withdrawn",
              "effective": "2026-01-01"},
        timeout=10,
    )  # fmt: skip
    assert anonymous.status_code == 401
    bad = source_event(world, basis="status:bim; drop", change="withdrawn")
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"
    nonsense = httpx.post(
        f"{world.issuer_url}/operator/source-events",
        json={"subject_id": "85073003328 ", "basis": "insurance", "change": "withdrawn",
              "effective": "2026-01-01"},
        headers=OPERATOR, timeout=10,
    )  # fmt: skip
    assert nonsense.status_code == 422  # a national number is not a subject id
    no_feed = httpx.post(
        f"{world.issuer_url}/operator/source-events/poll", json={}, headers=OPERATOR, timeout=10
    )
    assert no_feed.status_code == 404 and no_feed.json()["error"] == "not_found"
