"""Freshness classification (trust-list.md §Freshness policy), with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier import CheckResult
from verifier.trust import Freshness, FreshnessPolicy, classify_age

T0 = datetime(2026, 12, 15, tzinfo=UTC)
_ORDER = [Freshness.FRESH, Freshness.WARN, Freshness.STALE]


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(0), Freshness.FRESH),
        (timedelta(hours=11, minutes=59), Freshness.FRESH),
        (timedelta(hours=12), Freshness.WARN),
        (timedelta(hours=23, minutes=59), Freshness.WARN),
        (timedelta(hours=24), Freshness.STALE),
        (-timedelta(minutes=4), Freshness.FRESH),  # within the clock leeway
        (-timedelta(minutes=6), Freshness.FUTURE),
    ],
)
def test_default_policy(age: timedelta, expected: Freshness) -> None:
    assert classify_age(T0, now=T0 + age) is expected


def test_next_update_caps_the_age() -> None:
    assert classify_age(T0, now=T0 + timedelta(hours=3), next_update=T0 + timedelta(hours=2)) is (
        Freshness.STALE
    )
    # next_update later than max_age does not extend it
    assert classify_age(T0, now=T0 + timedelta(hours=25), next_update=T0 + timedelta(days=7)) is (
        Freshness.STALE
    )


def test_checks() -> None:
    policy = FreshnessPolicy()
    results = [policy.check("x", T0, now=T0 + timedelta(hours=h)).result for h in (1, 13, 25)]
    assert results == [CheckResult.PASSED, CheckResult.WARNING, CheckResult.UNDETERMINED]
    future = policy.check("x", T0, now=T0 - timedelta(hours=1))
    assert future.result is CheckResult.UNDETERMINED and "future" in future.message


def test_policy_validation() -> None:
    with pytest.raises(ValueError):
        FreshnessPolicy(max_age=timedelta(hours=1), warn_after=timedelta(hours=2))
    with pytest.raises(ValueError):
        classify_age(T0.replace(tzinfo=None), now=T0)


@given(
    st.integers(min_value=0, max_value=3 * 86400),
    st.integers(min_value=0, max_value=3 * 86400),
    st.integers(min_value=60, max_value=2 * 86400),
)
def test_monotone_in_time(a: int, b: int, ttl: int) -> None:
    """Data never gets fresher as the clock moves on."""
    earlier, later = sorted((a, b))
    nxt = T0 + timedelta(seconds=ttl)
    first = classify_age(T0, now=T0 + timedelta(seconds=earlier), next_update=nxt)
    second = classify_age(T0, now=T0 + timedelta(seconds=later), next_update=nxt)
    assert _ORDER.index(first) <= _ORDER.index(second)
