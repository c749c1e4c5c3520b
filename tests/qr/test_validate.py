"""Business rules (EHIC PDF QR PoC v0.5 §2.3.2, §5) and the dates of use, per document type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from qr_samples import TODAY, on, sample, with_body

from verifier import CheckResult
from verifier.qr import (
    CIVICRED_EHIC_SID,
    CIVICRED_SSH_SID,
    EESSI_PRC_SID,
    Validation,
    validate_for_issuance,
    validate_for_verification,
)

PRC = EESSI_PRC_SID


def _verify(payload: Any, treatment: dt.date | None = None, today: dt.date = TODAY) -> Validation:
    return validate_for_verification(payload, on(today, treatment))


def _rules(validation: Validation) -> list[str]:
    return [f.rule for f in validation.errors]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"dob": "2025-02-01"}, "dob<=sd"),
        ({"sd": "2025-12-31", "ed": "2025-06-30"}, "sd<=ed"),
        ({"sd": "2025-03-13"}, "sd<=di"),
        ({"di": "2026-01-01"}, "di<=ed"),
        ({"xd": "2025-12-30"}, "xd>=ed"),
    ],
)
def test_prc_must_rules_fail_for_the_verifier_and_the_issuer(
    changes: dict[str, str], rule: str
) -> None:
    payload = with_body(PRC, **changes)
    late = dt.date(2026, 6, 1)
    assert rule in _rules(validate_for_verification(payload, on(late, dt.date(2025, 3, 12))))
    issued = validate_for_issuance(payload)
    assert rule in _rules(issued) and all(
        f.code == "qr.rule" for f in issued.errors if f.rule == rule
    )


def test_partial_birth_dates_read_00_as_01() -> None:
    assert _verify(with_body(PRC, dob="2025-00-00", sd="2025-01-01", di="2025-01-01")).ok
    assert _verify(with_body(PRC, dob="2025-01-00", sd="2025-01-01", di="2025-01-01")).ok
    too_late = with_body(PRC, dob="2025-02-00", sd="2025-01-01", di="2025-01-01")
    assert _rules(_verify(too_late, dt.date(2025, 1, 1))) == ["dob<=sd"]


def test_xd_is_optional_and_ignored_for_the_treatment_window() -> None:
    assert _verify(with_body(PRC, xd=None)).ok
    payload = with_body(PRC, xd="2030-01-01")
    assert _rules(_verify(payload, dt.date(2026, 1, 1), today=dt.date(2026, 1, 1))) == [
        "sd<=treatment<=ed"
    ]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"ii": "01A0"}, "ii-digits"),
        ({"ci": "0120-000000"}, "ci-digits"),
        ({"in": "I" * 21, "ii": "01200"}, "len(ii)+len(in)<=25"),
        ({"dob": "1984-02-30"}, "dob-calendar"),
        ({"dob": "1984-00-15"}, "dob-calendar"),
    ],
)
def test_issuer_only_rules_are_warnings_for_a_verifier(changes: dict[str, str], rule: str) -> None:
    payload = with_body(PRC, **changes)
    verified = _verify(payload)
    assert verified.ok and [f.rule for f in verified.warnings] == [rule]
    assert [f.code for f in verified.warnings] == ["qr.issuer_rule"]
    checks = {c.code: c.result for c in verified.checks()}
    assert (
        checks["qr.issuer_rule"] is CheckResult.WARNING and checks["qr.rule"] is CheckResult.PASSED
    )
    issued = validate_for_issuance(payload)
    assert not issued.ok and _rules(issued) == [rule]


def test_issuance_with_today_requires_di_to_be_the_signing_date() -> None:
    assert validate_for_issuance(sample(PRC), today=TODAY).ok
    assert _rules(validate_for_issuance(sample(PRC), today=TODAY + dt.timedelta(days=1))) == [
        "di=signing date"
    ]
    assert validate_for_issuance(sample(PRC)).ok  # without a date: not checked


@pytest.mark.parametrize(
    ("treatment", "today", "code"),
    [
        (dt.date(1899, 12, 31), TODAY, "qr.treatment_date"),
        (TODAY + dt.timedelta(days=1), TODAY, "qr.treatment_date"),  # the future is not an input
        (dt.date(2024, 12, 31), TODAY, "qr.validity"),  # before sd
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), "qr.validity"),  # after ed
    ],
)
def test_treatment_date(treatment: dt.date, today: dt.date, code: str) -> None:
    assert [f.code for f in _verify(sample(PRC), treatment, today).errors] == [code]


@pytest.mark.parametrize(
    "treatment", [dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 6, 1)]
)
def test_treatment_window_is_inclusive(treatment: dt.date) -> None:
    assert _verify(sample(PRC), treatment, today=dt.date(2026, 6, 1)).ok


def test_treatment_date_defaults_to_today() -> None:
    assert _verify(sample(PRC), today=dt.date(2025, 12, 31)).ok
    assert [f.code for f in _verify(sample(PRC), today=dt.date(2026, 1, 1)).errors] == [
        "qr.validity"
    ]


def test_ehic_card_rules_and_window() -> None:
    assert _verify(sample(CIVICRED_EHIC_SID)).ok
    assert _rules(
        _verify(with_body(CIVICRED_EHIC_SID, xd="2024-12-31"), dt.date(2024, 12, 31))
    ) == [
        "sd<=xd",
        "di<=xd",
        "sd<=treatment<=xd",  # an inverted window covers no date at all
    ]
    assert "dob<=sd" in _rules(_verify(with_body(CIVICRED_EHIC_SID, dob="2025-06-00")))
    # a card issued before its coverage starts is fine (no sd<=di rule); the window is [sd, xd]
    early = with_body(CIVICRED_EHIC_SID, sd="2025-04-01")
    assert _verify(early, dt.date(2025, 4, 1), today=dt.date(2025, 4, 1)).ok
    assert _rules(_verify(early, dt.date(2025, 3, 31), today=dt.date(2025, 4, 1))) == [
        "sd<=treatment<=xd"
    ]
    assert _verify(sample(CIVICRED_EHIC_SID), dt.date(2029, 12, 31), today=dt.date(2030, 1, 1)).ok


def test_social_status_rules_and_window() -> None:
    ssh = CIVICRED_SSH_SID
    assert _verify(sample(ssh)).ok
    assert _rules(_verify(with_body(ssh, vf="2027-01-01"))) == ["vf<=vu", "vf<=treatment<=vu"]
    assert _rules(_verify(with_body(ssh, by="2026"))) == ["by<=di"]
    assert _rules(_verify(with_body(ssh, di="2027-01-01"), today=dt.date(2027, 1, 1))) == [
        "di<=vu",
        "vf<=treatment<=vu",
    ]
    visit = dt.date(2027, 1, 1)
    assert _rules(_verify(sample(ssh), visit, today=visit)) == ["vf<=treatment<=vu"]


@pytest.mark.parametrize(
    "payload",
    [
        with_body(CIVICRED_SSH_SID, hi="84072002127"),  # no national number
        with_body(CIVICRED_SSH_SID, reason="BIM"),  # no status reason
        with_body(CIVICRED_SSH_SID, dob="1984-07-20"),  # birth year only
        with_body(CIVICRED_SSH_SID, by="84"),
        {**sample(CIVICRED_SSH_SID), "jti": "x" * 20},  # the status reference is the only id
        {**sample(CIVICRED_SSH_SID), "st": {"idx": -1, "uri": "https://s.example/1"}},
        {**sample(CIVICRED_SSH_SID), "st": {"idx": True, "uri": "https://s.example/1"}},
        {**sample(CIVICRED_SSH_SID), "st": {"idx": 1.0, "uri": "https://s.example/1"}},
        {**sample(CIVICRED_SSH_SID), "st": {"idx": 1, "uri": "http://s.example/1"}},
        {k: v for k, v in sample(CIVICRED_SSH_SID).items() if k != "st"},
        {k: v for k, v in sample(CIVICRED_EHIC_SID).items() if k != "rid"},  # our card is revocable
    ],
)
def test_minimal_and_revocable_payloads_are_enforced(payload: dict[str, Any]) -> None:
    result = _verify(payload)
    assert not result.ok and {f.code for f in result.errors} == {"qr.schema"}


def test_checks_cover_every_stage() -> None:
    ok = {c.code: c.result for c in _verify(sample(PRC)).checks()}
    assert set(ok.values()) == {CheckResult.PASSED}
    bad = {c.code: c.result for c in _verify({"sid": PRC}).checks()}
    assert bad["qr.schema"] is CheckResult.FAILED and bad["qr.rule"] is CheckResult.NOT_APPLICABLE
    unknown = {c.code: c.result for c in _verify({"sid": "x"}).checks()}
    assert (
        unknown["qr.sid"] is CheckResult.FAILED
        and unknown["qr.schema"] is CheckResult.NOT_APPLICABLE
    )
    assert [f.code for f in _verify("not an object").errors] == ["qr.sid"]
    issued = {c.code: c.result for c in validate_for_issuance(sample(PRC)).checks()}
    assert issued["qr.validity"] is CheckResult.NOT_APPLICABLE


def test_findings_point_at_fields_and_cite_the_spec() -> None:
    (finding,) = _verify(with_body(PRC, sd="2025-12-31", ed="2025-06-30", di="2025-06-30")).errors[
        :1
    ]
    assert finding.path == "/prc/sd" and "v0.5 §2.3.2" in finding.cite
    assert "Certificate validity period: from (2025-12-31)" in finding.message
