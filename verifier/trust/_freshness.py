"""Freshness of trust data (docs/trust-list.md §Freshness policy).

Trust lists and bundles are cached at most 24 h (EHIC PDF QR PoC v0.5 §5 step 4, DOMAIN §1.8:
"max TTL 24 h"). Past the warn threshold the data is still used, with a warning; past the max age
(or ``next_update``, whichever comes first) it is stale and every decision that depends on it is
``undetermined``, never ``valid``. The clock is always an input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from verifier import codes
from verifier._report import Check, CheckResult


class Freshness(StrEnum):
    FRESH = "fresh"
    WARN = "warn"
    STALE = "stale"
    FUTURE = "future"  # issued after ``now`` (beyond the leeway): clock skew or forgery


@dataclass(frozen=True, slots=True)
class FreshnessPolicy:
    max_age: timedelta = timedelta(hours=24)
    warn_after: timedelta = timedelta(hours=12)
    leeway: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        if not timedelta(0) < self.warn_after <= self.max_age:
            raise ValueError("need 0 < warn_after <= max_age")
        if self.leeway < timedelta(0):
            raise ValueError("leeway must not be negative")

    def deadline(self, issued_at: datetime, next_update: datetime | None = None) -> datetime:
        """When the data becomes stale: ``issued_at + max_age``, or ``next_update`` if earlier."""
        try:
            limit = issued_at + self.max_age
        except OverflowError:  # dated near 9999-12-31: never fresh for longer than that
            limit = datetime.max.replace(tzinfo=issued_at.tzinfo)
        return limit if next_update is None else min(limit, next_update)

    def classify(
        self, issued_at: datetime, *, now: datetime, next_update: datetime | None = None
    ) -> Freshness:
        _aware(issued_at, now)
        if issued_at > now + self.leeway:
            return Freshness.FUTURE
        deadline = self.deadline(issued_at, next_update)
        if now >= deadline:
            return Freshness.STALE
        if now >= min(issued_at + self.warn_after, deadline):
            return Freshness.WARN
        return Freshness.FRESH

    def check(
        self,
        what: str,
        issued_at: datetime,
        *,
        now: datetime,
        next_update: datetime | None = None,
    ) -> Check:
        """A ``trust.freshness`` check: PASSED, WARNING or UNDETERMINED (stale or future)."""
        state = self.classify(issued_at, now=now, next_update=next_update)
        age = _hours(now - issued_at)
        deadline = self.deadline(issued_at, next_update).isoformat()
        if state is Freshness.FRESH:
            return Check(codes.TRUST_FRESHNESS, CheckResult.PASSED, f"{what} is {age} old (fresh)")
        if state is Freshness.WARN:
            return Check(
                codes.TRUST_FRESHNESS,
                CheckResult.WARNING,
                f"{what} is {age} old; refresh it (stale at {deadline})",
            )
        if state is Freshness.FUTURE:
            return Check(
                codes.TRUST_FRESHNESS,
                CheckResult.UNDETERMINED,
                f"{what} is dated in the future ({issued_at.isoformat()}): check the clock",
            )
        return Check(
            codes.TRUST_FRESHNESS,
            CheckResult.UNDETERMINED,
            f"{what} is stale ({age} old, stale since {deadline}): trust cannot be determined",
        )


def classify_age(
    issued_at: datetime,
    *,
    now: datetime,
    next_update: datetime | None = None,
    policy: FreshnessPolicy | None = None,
) -> Freshness:
    """Classify trust data issued at ``issued_at`` as seen at ``now``."""
    return (policy or FreshnessPolicy()).classify(issued_at, now=now, next_update=next_update)


def _aware(*values: datetime) -> None:
    if any(v.tzinfo is None for v in values):
        raise ValueError("times must be timezone-aware")


def _hours(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}h{seconds % 3600 // 60:02d}m"
