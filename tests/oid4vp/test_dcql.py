"""The DCQL query of each purpose: exactly what the policy requests, its types, its binding."""

from __future__ import annotations

import pytest

from verifier.oid4vp import dcql_query
from verifier.policies import SD_JWT_VC_FORMAT, load_policy, parse_policy, policy_names


def test_venue_asks_for_the_entitlement_and_the_name_only() -> None:
    query = dcql_query(load_policy("venue-reduced-tariff"))
    assert query is not None
    assert query.as_json() == {
        "credentials": [
            {
                "id": "social-status_1",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": ["urn:civicred:social-status:1"]},
                "require_cryptographic_holder_binding": True,
                "claims": [
                    {"path": ["reduced_tariff_eligible"], "values": [True]},
                    {"path": ["given_name"]},
                    {"path": ["family_name"]},
                ],
            }
        ]
    }
    assert query.options() == (frozenset({"social-status_1"}),)


@pytest.mark.parametrize("name", policy_names())
def test_every_query_names_the_requested_claims_and_nothing_else(name: str) -> None:
    policy = load_policy(name)
    query = dcql_query(policy)
    assert query is not None
    accepted = [a for a in policy.accepts if a.format == SD_JWT_VC_FORMAT]
    assert [c.vct for c in query.credentials] == [a.type for a in accepted]
    for credential, item in zip(query.as_json()["credentials"], accepted, strict=True):
        assert [tuple(c["path"]) for c in credential["claims"]] == list(item.request)
        assert credential["meta"] == {"vct_values": [item.type]}
    ids = [c.id for c in query.credentials]
    assert len(set(ids)) == len(ids)
    if len(ids) > 1:  # one of the accepted types is enough
        assert query.as_json()["credential_sets"] == [
            {"options": [[i] for i in ids], "required": True}
        ]
        assert query.options() == tuple(frozenset({i}) for i in ids)


def test_the_pharmacy_never_asks_for_the_personal_number() -> None:
    text = str(dcql_query(load_policy("pharmacy-ehic")).as_json())  # type: ignore[union-attr]
    assert "personal_administrative_number" not in text and "document_number" not in text


def test_a_paper_only_purpose_asks_no_wallet() -> None:
    labels = {"fr": "x", "nl": "x", "de": "x", "en": "x"}
    policy = parse_policy({
        "name": "paper-only", "version": 1, "title": labels, "purpose": labels,
        "holder_binding": "optional",
        "freshness": {"trust": {"warn_after_hours": 12, "fail_after_hours": 24},
                      "status": {"warn_after_hours": 12, "fail_after_hours": 24}},
        "accepts": [{"format": "qr-jws", "type": "be.civicred:ssh:1.0",
                     "issuer_roles": ["authentic_source"], "request": [],
                     "show": [{"claim": "/ssh/fn", "labels": labels}]}],
    })  # fmt: skip
    assert dcql_query(policy) is None
