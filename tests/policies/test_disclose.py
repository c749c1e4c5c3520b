"""``disclose``: the one filter between verified claims and whatever is shown."""

from __future__ import annotations

from verifier.policies import disclose

CLAIMS = {
    "vct": "urn:eudi:ehic:1",
    "cnf": {"jwk": {"kty": "EC", "x": "…", "y": "…"}},
    "status": {"status_list": {"idx": 417094, "uri": "https://issuer.example/status/1"}},
    "personal_administrative_number": "85073003328",
    "subject": {"given_name": "Marie", "family_name": "Peeters", "date_of_birth": "1951-07-30"},
    "authentic_source": {"id": "BE:0120", "name": "CM-MC"},
    "starting_date": "2026-01-01",
}


def test_only_the_shown_paths_are_kept_with_their_nesting() -> None:
    shown = disclose(
        CLAIMS, [("subject", "given_name"), ("authentic_source", "name"), ("starting_date",)]
    )
    assert shown == {
        "subject": {"given_name": "Marie"},
        "authentic_source": {"name": "CM-MC"},
        "starting_date": "2026-01-01",
    }


def test_technical_claims_and_unrequested_personal_data_never_pass() -> None:
    shown = disclose(CLAIMS, [("subject", "family_name")])
    text = repr(shown)
    for secret in ("85073003328", "1951-07-30", "417094", "jwk", "vct"):
        assert secret not in text


def test_absent_claims_and_paths_through_scalars_are_left_out() -> None:
    assert disclose(CLAIMS, [("document_number",), ("starting_date", "year"), ()]) == {}
    assert disclose({}, [("given_name",)]) == {}


def test_a_shown_container_is_a_copy() -> None:
    shown = disclose(CLAIMS, [("subject",)])
    shown["subject"]["given_name"] = "changed"
    assert CLAIMS["subject"]["given_name"] == "Marie"  # type: ignore[index]
