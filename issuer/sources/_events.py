"""Source events: what an authentic source tells the issuer when it changes a fact.

An event names the citizen (the source's pseudonymous subject id), the fact (its *basis*:
``status:<code>`` for a social status, ``insurance`` for the health-insurance affiliation) and
the change. The issuer's answer (issuer.source_events) is the same for every source:

========== ================================================== =================================
change     at the source                                      wallet credentials, paper
========== ================================================== =================================
withdrawn  the status (or cover) ends on ``effective``         revoked (entitlement_ended)
changed    its data changed (another validity, a correction)   revoked (superseded)
suspended  it is under review                                  suspended (status_under_review)
reinstated the review ended in its favour                      suspended ones valid again
========== ================================================== =================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

INSURANCE_BASIS = "insurance"
_BASIS = re.compile(r"status:[A-Z]{2,16}|insurance")


class SourceChange(StrEnum):
    WITHDRAWN = "withdrawn"
    CHANGED = "changed"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"


def status_basis(code: str) -> str:
    return f"status:{code}"


def is_basis(text: str) -> bool:
    return _BASIS.fullmatch(text) is not None


@dataclass(frozen=True)
class SourceEvent:
    subject_id: str
    basis: str
    change: SourceChange
    #: The day the change takes effect at the source (withdrawn: the first day without it).
    effective: date
    #: ``changed``: the new last day of validity, if that is what changed.
    valid_until: date | None = None

    def __post_init__(self) -> None:
        if not is_basis(self.basis):
            raise ValueError("basis must be status:<CODE> or insurance")
        if self.valid_until is not None and self.change is not SourceChange.CHANGED:
            raise ValueError("valid_until belongs to a 'changed' event")
