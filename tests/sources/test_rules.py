"""The versioned rules from statuses to entitlements, and the credential claims derived from
them."""

from __future__ import annotations

from datetime import date

import pytest

from issuer.catalog._claims import CLAIM_BASES, social_status_claims
from issuer.sources import REDUCED_TARIFF, DevAuthenticSource, entitlements_on, rules_on


def test_the_rules_in_force_change_with_the_day() -> None:
    assert rules_on(date(2022, 1, 1)).version == 1
    assert rules_on(date(2023, 6, 30)).version == 1
    assert rules_on(date(2023, 7, 1)).version == 2
    with pytest.raises(ValueError, match="no entitlement rules"):
        rules_on(date(2020, 1, 1))
    # the social energy tariff for BIM was temporary (version 1 only)
    codes = lambda day: [e.code for e in entitlements_on(["BIM"], day)]  # noqa: E731
    assert codes(date(2022, 1, 1)) == [REDUCED_TARIFF, "social_energy_tariff"]
    assert codes(date(2024, 1, 1)) == [REDUCED_TARIFF]
    assert [e.code for e in entitlements_on(["GRAPA"], date(2024, 1, 1))] == [
        REDUCED_TARIFF,
        "social_energy_tariff",
    ]
    assert entitlements_on([], date(2024, 1, 1)) == []
    for entitlement in rules_on(date(2024, 1, 1)).entitlements.values():
        assert set(entitlement.label) == {"en", "fr", "nl", "de"}


def test_claims_take_the_entitlement_and_skip_suspended_statuses() -> None:
    person = DevAuthenticSource().person("p-0001")
    today = date(2026, 6, 1)
    claims = social_status_claims(person, today)
    assert claims["reduced_tariff_eligible"] is True
    assert [s["code"] for s in claims["social_statuses"]] == ["BIM", "GRAPA"]
    assert CLAIM_BASES["social-status"](person, today) == ["status:BIM", "status:GRAPA"]
    assert CLAIM_BASES["ehic"](person, today) == ["insurance"]
    suspended = {
        **person,
        "social_statuses": [{**s, "suspended": True} for s in person["social_statuses"]],
    }
    with pytest.raises(ValueError, match="no current social status"):
        social_status_claims(suspended, today)
