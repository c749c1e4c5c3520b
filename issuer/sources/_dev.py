"""A development authentic source: fictional citizens from a JSON file.

Production adapters (the CBSS social-status buffer, a health-insurance fund's register) implement
the same :class:`~issuer.sources.AuthenticSource` protocol (issuer.sources._http).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from issuer.sources._amendments import Amendments
from issuer.sources._events import SourceEvent


class DevAuthenticSource:
    """Fictional people shipped with civicred (``sources/dev_citizens.json``)."""

    def __init__(self) -> None:
        self._people = {p["person_id"]: p for p in _dev_citizens()}
        self.amendments = Amendments()

    def person(self, person_id: str) -> dict[str, Any]:
        try:
            return self.amendments.applied(self._people[person_id])
        except KeyError:
            raise KeyError("unknown person") from None

    def subject_for(self, national_number: str) -> str | None:
        for person in self._people.values():
            if hmac.compare_digest(person["personal_administrative_number"], national_number):
                return str(person["person_id"])
        return None

    def amend(self, event: SourceEvent) -> None:
        self.amendments.record(event)

    def people(self) -> Iterator[dict[str, Any]]:
        return (self.amendments.applied(p) for p in self._people.values())


@cache
def _dev_citizens() -> list[dict[str, Any]]:
    text = (resources.files("issuer.sources") / "dev_citizens.json").read_text("utf-8")
    citizens: list[dict[str, Any]] = json.loads(text)["citizens"]
    return citizens
