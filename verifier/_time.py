"""When a verification happens: one explicit input, fixed when a verifier is built.

A verifier never reads the clock: the caller (the CLI, a desk, a test) reads it once, at the edge,
and every check of that verification sees the same instant and the same dates — as pyca's
``PolicyBuilder().time(...)`` fixes the validation time of an X.509 verifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo


@dataclass(frozen=True, slots=True)
class VerificationTime:
    """The instant and the dates a verification is made for.

    ``now`` (timezone-aware) is the instant: token validity, the age of trust, status and
    revocation data. ``today`` is the verifier's local calendar date: signed QR documents carry
    local dates, compared "ignoring time zones" (EHIC PDF QR PoC v0.5 §1.2). ``treatment_date`` is
    the date of treatment (or of the visit, for a venue) a document is checked for (v0.5 §5
    step 1); ``None`` means today.
    """

    now: datetime
    today: date
    treatment_date: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.now, datetime) or self.now.tzinfo is None:
            raise ValueError("now must be a timezone-aware datetime")
        if not isinstance(self.today, date) or isinstance(self.today, datetime):
            raise TypeError("today must be a date")
        treatment = self.treatment_date
        if treatment is not None and (
            not isinstance(treatment, date) or isinstance(treatment, datetime)
        ):
            raise TypeError("treatment_date must be a date or None")

    @classmethod
    def at(
        cls, now: datetime, *, timezone: tzinfo, treatment_date: date | None = None
    ) -> VerificationTime:
        """``now`` with ``today`` its calendar date in ``timezone`` (the verifier's zone)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return cls(now, now.astimezone(timezone).date(), treatment_date)

    @property
    def day_of_use(self) -> date:
        """The date a document must be valid on: the treatment date, else today (v0.5 §5.1)."""
        return self.treatment_date or self.today

    @property
    def timestamp(self) -> float:
        """``now`` as seconds since the epoch (NumericDate, RFC 7519 §2)."""
        return self.now.timestamp()
