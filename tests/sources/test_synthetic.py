"""The synthetic source: deterministic citizens by index, valid and invertible national numbers,
Belgian-style statuses and insurers, a million citizens in constant memory."""

from __future__ import annotations

import tracemalloc
from datetime import date

from issuer.sources import (
    SyntheticSource,
    insurers,
    national_number,
    parse_national_number,
    social_statuses,
)
from issuer.sources._synthetic import FIRST_BIRTH, LAST_BIRTH, _age_on

REFERENCE = date(2026, 1, 1)


def test_the_same_parameters_give_the_same_citizens() -> None:
    first = list(SyntheticSource(200, seed=5, reference=REFERENCE).people())
    again = list(SyntheticSource(200, seed=5, reference=REFERENCE).people())
    other = list(SyntheticSource(200, seed=6, reference=REFERENCE).people())
    assert first == again and first != other
    assert len({p["personal_administrative_number"] for p in first}) == 200


def test_national_numbers_are_valid_and_lead_back_to_their_citizen() -> None:
    source = SyntheticSource(1000, seed=2, reference=REFERENCE)
    for person in source.people():
        number = person["personal_administrative_number"]
        birth, serial = parse_national_number(number) or (None, None)
        assert birth is not None and birth.isoformat() == person["birth_date"]
        assert FIRST_BIRTH <= birth <= LAST_BIRTH and 1 <= serial <= 998
        assert source.subject_for(number) == person["person_id"]
    # a valid number of nobody in this source (1000 of 28 million slots), and nonsense
    numbers = {p["personal_administrative_number"] for p in source.people()}
    nobody = national_number(date(1975, 5, 5), 998)
    assert nobody not in numbers and source.subject_for(nobody) is None
    assert source.subject_for("12345678901") is None
    assert source.subject_for("") is None


def test_statuses_follow_their_rules_and_name_their_institution() -> None:
    source = SyntheticSource(3000, seed=1, reference=REFERENCE)
    seen: dict[str, int] = {}
    insured = 0
    for person in source.people():
        age = _age_on(date.fromisoformat(person["birth_date"]), REFERENCE)
        for status in person["social_statuses"]:
            seen[status["code"]] = seen.get(status["code"], 0) + 1
            assert status["authentic_source"] == social_statuses()[status["code"]].source
            assert status["valid_from"] < status["valid_until"]
            if status["code"] == "GRAPA":
                assert age >= 65
            if status["code"] == "ARR":
                assert age >= 21
            if status["code"] in ("RIS", "ERIS"):
                assert age < 65
        insurance = person.get("health_insurance")
        if insurance is not None:
            insured += 1
            assert insurance["institution_id"] in insurers()
            assert insurance["institution_name"] == insurers()[insurance["institution_id"]].name
            assert insurance["coverage_from"] < insurance["coverage_until"]
    assert set(seen) == set(social_statuses())  # every status occurs in 3000 citizens
    assert 0.93 < insured / 3000 < 1
    assert insurers()["0300"].eessi_id == "BE:0300"


def test_a_million_citizens_in_constant_memory() -> None:
    tracemalloc.start()
    try:
        source = SyntheticSource(1_000_000, seed=9)
        last = source.person("syn-0999999")
        assert source.subject_for(last["personal_administrative_number"]) == "syn-0999999"
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        walked = sum(1 for _, _ in zip(range(20_000), source.people(), strict=False))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # one citizen at a time: the peak does not grow with the number walked through
    assert peak - baseline < 200_000
    assert walked == 20_000 and source.count == 1_000_000
