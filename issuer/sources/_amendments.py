"""Changes made to a built-in source's citizens (the dev and synthetic sources are data; a
real source changes on its own side and only sends the event). Kept in memory per process:
the built-in sources serve development and tests, never production."""

from __future__ import annotations

import copy
import threading
from datetime import timedelta
from typing import Any

from issuer.sources._events import INSURANCE_BASIS, SourceChange, SourceEvent


class Amendments:
    def __init__(self) -> None:
        self._events: dict[str, list[SourceEvent]] = {}
        self._lock = threading.Lock()

    def record(self, event: SourceEvent) -> None:
        with self._lock:
            self._events.setdefault(event.subject_id, []).append(event)

    def applied(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with every recorded change of its citizen (a copy when there is one)."""
        with self._lock:
            events = list(self._events.get(record["person_id"], ()))
        if not events:
            return record
        amended = copy.deepcopy(record)
        for event in events:
            _apply(amended, event)
        return amended


def _apply(record: dict[str, Any], event: SourceEvent) -> None:
    last_day = (event.effective - timedelta(days=1)).isoformat()
    if event.basis == INSURANCE_BASIS:
        insurance = record.get("health_insurance")
        if insurance is not None and event.change is SourceChange.WITHDRAWN:
            insurance["coverage_until"] = min(insurance["coverage_until"], last_day)
        return
    code = event.basis.removeprefix("status:")
    for status in record["social_statuses"]:
        if status["code"] != code:
            continue
        if event.change is SourceChange.WITHDRAWN:
            status["valid_until"] = min(status["valid_until"], last_day)
        elif event.change is SourceChange.CHANGED and event.valid_until is not None:
            status["valid_until"] = event.valid_until.isoformat()
        elif event.change is SourceChange.SUSPENDED:
            status["suspended"] = True
        elif event.change is SourceChange.REINSTATED:
            status.pop("suspended", None)
