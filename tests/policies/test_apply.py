"""A purpose's checks and claims on real credentials: the committed samples (real signatures,
the registry's bundle), verified offline at their generation time or later."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from verifier import Outcome, VerificationReport
from verifier.inputs import detect_input
from verifier.policies import apply_policy, load_policy, parse_policy
from verifier.qr import QR_FORMAT

from ._samples import GENERATED_AT, manifest_entry, offline, sample


def _raw(name: str) -> dict[str, Any]:
    path = Path(__file__).resolve().parents[2] / "verifier/policies/purposes" / f"{name}.json"
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _venue_raw() -> dict[str, Any]:
    return _raw("venue-reduced-tariff")


INSTITUTION_VENUE = parse_policy(
    {**_venue_raw(), "freshness": _raw("institution-ehic")["freshness"]}
)


VENUE = load_policy("venue-reduced-tariff")
PHARMACY = load_policy("pharmacy-ehic")
INSTITUTION = load_policy("institution-ehic")


def verify(name: str, policy: Any, now: datetime = GENERATED_AT) -> VerificationReport:
    verifier = offline(now)
    data = sample(name)
    kind = detect_input(data)
    if kind.value.startswith("sd-jwt"):
        entry = manifest_entry(name)
        sd = policy.sd_jwt_policy(now, expected_nonce=entry["nonce"], expected_aud=entry["aud"])
        report = verifier.verify_sd_jwt(data.decode().strip(), sd)
    else:
        report = verifier.verify_document(data, kind)
    return apply_policy(report, policy, now=now, bundle=verifier.bundle)


def codes(report: VerificationReport) -> dict[str, str]:
    return {c.code: c.result.value for c in report.checks}


def test_venue_shows_entitlement_name_and_validity_of_the_wallet_credential() -> None:
    report = verify("social-status.presentation.sd-jwt", VENUE)
    assert report.outcome is Outcome.VALID, report.failures
    assert report.claims == {
        "given_name": "Marie-Louise",
        "family_name": "Peeters",
        "reduced_tariff_eligible": True,
        "valid_from": "2025-03-01",
        "valid_until": "2027-12-31",
    }
    assert {"policy.type", "policy.issuer", "policy.claims"} <= codes(report).keys()
    assert report.details["policy"] == "venue-reduced-tariff"


def test_venue_requires_holder_binding() -> None:
    report = verify("social-status.sd-jwt", VENUE)  # as issued: no KB-JWT
    assert report.outcome is Outcome.INVALID
    assert report.failures[0].code == "kb.missing"
    assert report.claims is None


@pytest.mark.parametrize("name", ["social-status-venue.qr.txt", "social-status-venue.qr.png",
                                  "social-status-venue.pdf"])  # fmt: skip
def test_venue_document_shows_five_fields_and_no_qr_text(name: str) -> None:
    report = verify(name, VENUE)
    assert report.outcome is Outcome.VALID, report.failures
    assert report.claims == {
        "ssh": {"gn": "Marie-Louise", "fn": "Peeters", "rt": True, "vf": "2025-03-01",
                "vu": "2027-12-31"},
    }  # fmt: skip
    assert "qr_text" not in report.details and "pdf" not in report.details
    assert "1951" not in report.to_json()  # the birth year is printed, not shown
    assert report.details["conclusion"] == "Approved"


@pytest.mark.parametrize("name", ["eehic.qr.txt", "ehic.presentation.sd-jwt", "eprc.qr.png"])
def test_an_ehic_is_not_accepted_at_the_venue_and_shows_nothing(name: str) -> None:
    report = verify(name, VENUE)
    assert report.outcome is Outcome.INVALID
    assert report.failures[0].code == "policy.type"
    assert report.claims is None
    text = report.to_json()
    for personal in ("92120512345", "85073003328", "1992-12-05", "1951-07-30", "Peeters"):
        assert personal not in text
    assert report.details.get("conclusion", "Rejected") == "Rejected"


def test_pharmacy_sees_coverage_and_identity_but_no_numbers() -> None:
    report = verify("ehic.presentation.sd-jwt", PHARMACY)
    assert report.outcome is Outcome.VALID, report.failures
    claims = report.claims or {}
    assert claims["subject"] == {
        "family_name": "Peeters", "given_name": "Marie-Louise", "date_of_birth": "1951-07-30",
    }  # fmt: skip
    assert claims["authentic_source"] == {"name": "CM-MC", "id": "BE:0120"}
    assert "personal_administrative_number" not in claims and "document_number" not in claims
    assert not {"cnf", "status", "iat", "vct", "iss"} & claims.keys()


def test_pharmacy_reads_the_prc_without_hi_and_ci() -> None:
    report = verify("eprc.qr.txt", PHARMACY)
    assert report.outcome is Outcome.VALID, report.failures
    assert set(report.claims["prc"]) == {"fn", "gn", "dob", "ic", "in", "ii", "sd", "ed"}  # type: ignore[index]


def test_institution_sees_every_field() -> None:
    report = verify("eehic.qr.txt", INSTITUTION)
    assert report.outcome is Outcome.VALID, report.failures
    assert report.claims["ehic"]["hi"] == "92120512345"  # type: ignore[index]
    assert len(report.claims["ehic"]) == 11  # type: ignore[index, arg-type]


def test_a_social_status_at_the_pharmacy_is_refused_by_type() -> None:
    report = verify("social-status-venue.qr.txt", PHARMACY)
    assert report.failures[0].code == "policy.type"


def test_an_issuer_role_outside_the_policy_is_refused() -> None:
    data = {**_venue_raw(), "accepts": [{**_venue_raw()["accepts"][1],
                                          "issuer_roles": ["competent_institution"]}]}  # fmt: skip
    report = verify("social-status-venue.qr.txt", parse_policy(data))
    assert report.outcome is Outcome.INVALID
    assert report.failures[0].code == "policy.issuer"
    assert "authentic_source" in report.failures[0].message


def test_a_required_claim_not_disclosed_is_invalid() -> None:
    raw = _venue_raw()
    raw["accepts"][0]["show"].append(
        {"claim": "/age_over_65", "labels": raw["title"], "required": True}
    )
    raw["accepts"][0]["request"].append("/age_over_65")
    report = verify("social-status.presentation.sd-jwt", parse_policy(raw))
    assert report.outcome is Outcome.INVALID
    assert report.failures[0].code == "policy.claims"
    assert "/age_over_65" in report.failures[0].message


def test_without_a_trust_list_the_issuer_role_is_undetermined() -> None:
    verifier = offline()
    data = sample("social-status-venue.qr.txt")
    report = verifier.verify_document(data, detect_input(data))
    judged = apply_policy(report, VENUE, now=GENERATED_AT, bundle=None)
    assert codes(judged)["policy.issuer"] == "undetermined"
    assert judged.outcome is Outcome.UNDETERMINED


def test_trust_data_past_the_warning_age_warns() -> None:
    report = verify(
        "social-status-venue.qr.txt", INSTITUTION_VENUE, GENERATED_AT + timedelta(hours=7)
    )
    assert codes(report)["policy.trust_freshness"] == "warning"
    assert report.outcome is Outcome.VALID


def test_trust_data_past_the_policy_limit_is_undetermined_never_valid() -> None:
    strict = _venue_raw()
    strict["freshness"]["trust"] = {"warn_after_hours": 1, "fail_after_hours": 2}
    report = verify("social-status-venue.qr.txt", parse_policy(strict),
                    GENERATED_AT + timedelta(hours=3))  # fmt: skip
    assert codes(report)["trust.freshness"] == "passed"  # the library's 24 h still holds
    assert codes(report)["policy.trust_freshness"] == "undetermined"
    assert report.outcome is Outcome.UNDETERMINED
    assert report.details["conclusion"] == "Rejected"


def test_status_data_past_the_policy_limit_is_undetermined() -> None:
    strict = _venue_raw()
    strict["freshness"]["status"] = {"warn_after_hours": 1, "fail_after_hours": 2}
    report = verify("social-status-venue.qr.txt", parse_policy(strict),
                    GENERATED_AT + timedelta(hours=3))  # fmt: skip
    assert codes(report)["policy.status_freshness"] == "undetermined"
    assert report.outcome is Outcome.UNDETERMINED


def test_a_revocation_list_is_rated_too() -> None:
    strict = json.loads(json.dumps(_raw("pharmacy-ehic")))
    strict["freshness"]["status"] = {"warn_after_hours": 1, "fail_after_hours": 2}
    report = verify(
        "eehic.qr.txt", parse_policy(strict), GENERATED_AT + timedelta(hours=1, minutes=30)
    )
    assert codes(report)["policy.status_freshness"] == "warning"


def test_a_stale_bundle_is_undetermined_under_every_policy() -> None:
    report = verify("social-status-venue.qr.txt", VENUE, GENERATED_AT + timedelta(hours=25))
    assert report.outcome is Outcome.UNDETERMINED
    assert codes(report)["policy.trust_freshness"] == "undetermined"


def test_the_format_of_a_report_without_a_type_gets_no_type_check() -> None:
    report = verify("social-status.sd-jwt", VENUE)
    assert "policy.type" not in codes(report)  # invalid before its vct was read: nothing to add
    assert report.format != QR_FORMAT


def test_the_issue_time_of_a_cwt_status_list_is_read_too() -> None:
    import base64
    import dataclasses

    from verifier.policies import list_issued_at
    from verifier.status import STATUS_LIST_CWT_MEDIA_TYPE
    from verifier.trust import StatusToken

    from ._samples import SAMPLES

    bundle = offline().bundle
    (uri,) = bundle.status_tokens
    cwt = next((SAMPLES / "status").glob("*.cwt")).read_bytes()
    carried = StatusToken(STATUS_LIST_CWT_MEDIA_TYPE, base64.b64encode(cwt).decode())
    with_cwt = dataclasses.replace(bundle, status_tokens={uri: carried})
    issued = list_issued_at(with_cwt, uri)
    assert issued is not None and abs(issued - list_issued_at(bundle, uri)) < timedelta(minutes=5)  # type: ignore[operator]
    assert list_issued_at(bundle, "https://nowhere.example/status") is None
