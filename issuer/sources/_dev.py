"""A development authentic source: fictional citizens from a JSON file.

Production adapters (the CBSS social-status buffer, a health-insurance fund's register) implement
the same :class:`AuthenticSource` protocol.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, Protocol


class AuthenticSource(Protocol):
    def person(self, person_id: str) -> dict[str, Any]: ...

    def people(self) -> Iterator[dict[str, Any]]: ...


class DevAuthenticSource:
    """Fictional people shipped with civicred (``sources/dev_citizens.json``)."""

    def __init__(self) -> None:
        self._people = {p["person_id"]: p for p in _dev_citizens()}

    def person(self, person_id: str) -> dict[str, Any]:
        try:
            return self._people[person_id]
        except KeyError:
            raise KeyError(f"unknown person {person_id!r}") from None

    def people(self) -> Iterator[dict[str, Any]]:
        return iter(self._people.values())


@cache
def _dev_citizens() -> list[dict[str, Any]]:
    text = (resources.files("issuer.sources") / "dev_citizens.json").read_text("utf-8")
    citizens: list[dict[str, Any]] = json.loads(text)["citizens"]
    return citizens
