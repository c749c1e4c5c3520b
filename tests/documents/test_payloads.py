"""Person → QR payload: the ePRC exactly as the EU schema, our eEHIC and the minimal social-status
payload; paper agrees with the wallet claim builders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import conformance_path
from referencing import Registry, Resource

from issuer.catalog._claims import ehic_claims, social_status_claims
from issuer.documents import DocumentError, build_payload, resolve_doc_type
from verifier.jose import CompactJws, b64url_decode
from verifier.qr import (
    CIVICRED_EHIC_SID,
    CIVICRED_SSH_SID,
    EESSI_PRC_SID,
    eessi_kid,
    sign_document,
    validate_for_issuance,
)

from ._support import JTI, STATUS, TODAY, person, worst_case_person

PRC_KEYS = ["ic", "fn", "gn", "dob", "hi", "in", "ii", "ci", "sd", "ed", "xd", "di"]


def _payload(doc_type: str, who: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    return build_payload(
        doc_type, who or person(), today=TODAY, revocation=JTI, status=STATUS, **kw
    )


def test_prc_is_exactly_the_eu_shape() -> None:
    payload = _payload("prc")
    assert list(payload) == ["sid", "jti", "rid", "prc"]
    assert payload["sid"] == EESSI_PRC_SID
    assert list(payload["prc"]) == PRC_KEYS
    body = payload["prc"]
    assert (body["sd"], body["di"]) == ("2026-07-01", "2026-07-01")
    assert body["ed"] == "2026-09-28"  # 90 days, sd..ed inclusive
    assert body["xd"] == "2028-12-31"  # the card it replaces
    assert validate_for_issuance(payload, today=TODAY).ok


def test_prc_without_revocation_has_no_jti_or_rid() -> None:
    payload = build_payload("prc", person(), today=TODAY)
    assert list(payload) == ["sid", "prc"]


def test_prc_period_rules() -> None:
    past = _payload("prc", prc_valid_from=dt.date(2026, 6, 1), prc_days=31)["prc"]
    assert (past["sd"], past["ed"], past["di"]) == ("2026-06-01", "2026-07-01", "2026-07-01")
    capped = _payload("prc", prc_days=5000)["prc"]
    assert capped["ed"] == capped["xd"] == "2028-12-31"  # xd >= ed
    with pytest.raises(DocumentError, match="after its delivery date"):
        _payload("prc", prc_valid_from=dt.date(2026, 7, 2))
    with pytest.raises(DocumentError, match="before the insurance coverage"):
        _payload("prc", prc_valid_from=dt.date(2025, 12, 31))
    with pytest.raises(DocumentError, match="ends before its delivery date"):
        _payload("prc", prc_valid_from=dt.date(2026, 6, 1), prc_days=10)
    ended = person()
    ended["health_insurance"]["coverage_until"] = "2026-06-30"
    with pytest.raises(DocumentError, match="coverage has ended"):
        _payload("prc", ended)


def test_institution_name_is_truncated_for_field_7() -> None:
    who = worst_case_person()
    for doc_type, body in (("prc", "prc"), ("ehic", "ehic")):
        fields = _payload(doc_type, who)[body]
        assert len(fields["ii"]) + len(fields["in"]) <= 25 and len(fields["in"]) == 21
        assert who["health_insurance"]["institution_name"].startswith(fields["in"])
    who["health_insurance"]["institution_id"] = "1234567890"
    assert len(_payload("prc", who)["prc"]["in"]) == 15


@pytest.mark.parametrize("doc_type", ["prc", "ehic"])
def test_paper_agrees_with_the_wallet_ehic(doc_type: str) -> None:
    who = person()
    wallet = ehic_claims(who, TODAY)
    body = _payload(doc_type, who)[doc_type]
    assert body["hi"] == wallet["personal_administrative_number"]
    assert body["ci"] == wallet["document_number"]
    assert f"{body['ic']}:{body['ii']}" == wallet["authentic_source"]["id"]
    assert body["in"] == wallet["authentic_source"]["name"]
    subject = wallet["subject"]
    assert (body["fn"], body["gn"], body["dob"]) == (
        subject["family_name"],
        subject["given_name"],
        subject["date_of_birth"],
    )
    assert body["xd"] == wallet["date_of_expiry"]
    if doc_type == "ehic":
        assert body["sd"] == wallet["starting_date"] and body["di"] == wallet["date_of_issuance"]


def test_ehic_payload() -> None:
    payload = _payload("ehic")
    assert payload["sid"] == CIVICRED_EHIC_SID
    assert (payload["jti"], payload["rid"]) == (JTI.jti, JTI.rid)
    assert validate_for_issuance(payload, today=TODAY).ok
    with pytest.raises(DocumentError, match="jti/rid"):
        build_payload("ehic", person(), today=TODAY)


@pytest.mark.parametrize("person_id", ["p-0001", "p-0002"])
def test_social_status_is_minimal_and_agrees_with_the_wallet(person_id: str) -> None:
    who = person(person_id)
    wallet = social_status_claims(who, TODAY)
    payload = _payload("ssh", who)
    assert payload["sid"] == CIVICRED_SSH_SID
    assert payload["st"] == {"idx": STATUS.idx, "uri": STATUS.uri}
    body = payload["ssh"]
    assert set(body) == {"ic", "ii", "fn", "gn", "by", "rt", "vf", "vu", "di"}
    assert (body["fn"], body["gn"]) == (wallet["family_name"], wallet["given_name"])
    assert body["by"] == wallet["birth_date"][:4] and body["rt"] is True
    assert body["vf"] == wallet["valid_from"] and body["vu"] <= wallet["valid_until"]
    assert (body["ic"], body["ii"]) == ("BE", "CBSS")  # the issuing authority, never a source
    text = json.dumps(payload)
    assert who["personal_administrative_number"] not in text
    assert who["birth_date"] not in text
    for status in who["social_statuses"]:  # no status code, no authentic source of a status
        assert status["code"] not in text and status["authentic_source"] not in text


def test_social_status_validity_is_capped_like_the_wallet() -> None:
    body = _payload("ssh", person("p-0001"))["ssh"]
    assert body["vu"] == "2027-08-05"  # today + 400 days (catalog max_days) < 2027-12-31


def test_refusals_carry_no_personal_data() -> None:
    who = person()
    who["social_statuses"] = []
    with pytest.raises(DocumentError, match="no current social status"):
        _payload("ssh", who)
    long_name = person()
    long_name["family_name"] = "Żółćęśąźń" * 5
    with pytest.raises(DocumentError) as caught:
        _payload("prc", long_name)
    assert "Żółć" not in str(caught.value) and "/prc/fn" in str(caught.value)
    with pytest.raises(DocumentError, match="unknown document type"):
        resolve_doc_type("pda1")


def _prc_schema_dir() -> Path:
    return conformance_path("eehic-prc-schema", "schemes")


@pytest.mark.parametrize("who", ["p-0001", "p-0002", "worst"])
def test_eprc_token_validates_against_the_eu_schema(who: str, pki: Any) -> None:
    folder = _prc_schema_dir()
    prc_schema = json.loads((folder / "schema-prc-v1.json").read_text("utf-8"))
    jws_schema = json.loads((folder / "schema-prc-jws-v1.json").read_text("utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        "schema-prc-v1.json", Resource.from_contents(prc_schema)
    )
    formats = jsonschema.Draft202012Validator.FORMAT_CHECKER
    subject = worst_case_person() if who == "worst" else person(who)
    payload = _payload("prc", subject)
    jws, _ = sign_document(payload, pki.signer, eessi_kid(pki.signer.certificate_chain[0]))
    header = json.loads(b64url_decode(jws.split(".")[0]))
    token = {"protected": header, "payload": json.loads(CompactJws.parse(jws).payload)}
    jsonschema.Draft202012Validator(prc_schema, format_checker=formats).validate(payload)
    jsonschema.Draft202012Validator(jws_schema, registry=registry, format_checker=formats).validate(
        token
    )
