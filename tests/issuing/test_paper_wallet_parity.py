"""Paper and wallet never disagree: the QR payloads and the SD-JWT VCs come from one builder."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from issuer.catalog import credential_types
from issuer.documents import build_payload
from issuer.issuance import CredentialIssuer
from issuer.sources import DevAuthenticSource
from verifier.sdjwt import HeldCredential
from verifier.signing import LocalSigner, generate_private_key

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


class _Jti:
    jti = "urn:uuid:00000000-0000-4000-8000-000000000001"
    rid = "https://issuer.civicred.localhost/revocation/0"


@pytest.mark.parametrize("person_id", ["p-0001", "p-0002"])
def test_prc_paper_and_wallet_agree(person_id: str) -> None:
    person = DevAuthenticSource().person(person_id)
    paper = build_payload("prc", person, today=TODAY, revocation=_Jti())["prc"]
    issued = CredentialIssuer("https://issuer.example", LocalSigner(generate_private_key())).issue(
        "ehic-prc", person, holder_jwk=None, now=NOW
    )
    wallet = HeldCredential.parse(issued.compact).claims  # every disclosure released
    assert wallet["vct"] == "urn:civicred:ehic-prc:1"
    assert (paper["sd"], paper["ed"], paper["xd"], paper["di"]) == (
        wallet["starting_date"],
        wallet["ending_date"],
        wallet["replaced_card_expiry"],
        wallet["date_of_issuance"],
    )
    assert paper["hi"] == wallet["personal_administrative_number"]
    assert paper["ci"] == wallet["document_number"]
    assert (paper["fn"], paper["gn"], paper["dob"]) == (
        wallet["subject"]["family_name"],
        wallet["subject"]["given_name"],
        wallet["subject"]["date_of_birth"],
    )
    assert f"{paper['ic']}:{paper['ii']}" == wallet["authentic_source"]["id"]


def test_every_credential_type_has_four_languages() -> None:
    assert {"social-status", "ehic", "ehic-prc"} <= credential_types().keys()
    for ctype in credential_types().values():
        assert set(ctype.name) == {"en", "fr", "nl", "de"}
        assert all(set(c.label) == {"en", "fr", "nl", "de"} for c in ctype.claims)
