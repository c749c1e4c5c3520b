"""The social statuses, their institutions and the health insurers (``statuses.json``), and the
versioned rules from statuses to entitlements (``rules/entitlements-<version>.json``).

Rules are data: a new version is a new file with the day it comes into force, and the rules in
force on a day are the newest version whose ``in_force_from`` is not after it. Credentials and the
portal ask :func:`entitlements_on`, never a list of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

#: The entitlement the social-status credential's ``reduced_tariff_eligible`` says.
REDUCED_TARIFF = "reduced_tariff"


@dataclass(frozen=True)
class SocialStatus:
    code: str
    source: str  # the deciding institution, ``CC:<id>``
    source_name: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class Insurer:
    code: str  # the Belgian insurer number; EESSI institution id ``BE:<code>``
    name: str
    long_name: str

    @property
    def eessi_id(self) -> str:
        return f"BE:{self.code}"


@dataclass(frozen=True)
class Entitlement:
    code: str
    statuses: frozenset[str]
    label: Mapping[str, str]


@dataclass(frozen=True)
class RulesVersion:
    version: int
    in_force_from: date
    entitlements: Mapping[str, Entitlement]

    def grants(self, status_codes: Iterable[str]) -> list[Entitlement]:
        """The entitlements any of ``status_codes`` gives, in the table's order."""
        held = set(status_codes)
        return [e for e in self.entitlements.values() if e.statuses & held]


def _data(name: str) -> Any:
    return json.loads((resources.files("issuer.sources") / name).read_text("utf-8"))


@cache
def social_statuses() -> Mapping[str, SocialStatus]:
    raw = _data("statuses.json")["statuses"]
    return MappingProxyType(
        {
            code: SocialStatus(code, s["source"], s["source_name"], MappingProxyType(s["label"]))
            for code, s in raw.items()
        }
    )


@cache
def insurers() -> Mapping[str, Insurer]:
    raw = _data("statuses.json")["insurers"]
    return MappingProxyType(
        {code: Insurer(code, i["name"], i["long_name"]) for code, i in raw.items()}
    )


@cache
def rules_versions() -> tuple[RulesVersion, ...]:
    """Every version of the rules table, oldest first."""
    folder = resources.files("issuer.sources") / "rules"
    versions = []
    for entry in folder.iterdir():
        if not entry.name.startswith("entitlements-") or not entry.name.endswith(".json"):
            continue
        raw = json.loads(entry.read_text("utf-8"))
        unknown = {s for e in raw["entitlements"].values() for s in e["statuses"]}
        unknown -= set(social_statuses())
        if unknown:
            raise ValueError(f"{entry.name}: unknown status codes {sorted(unknown)}")
        versions.append(
            RulesVersion(
                raw["version"],
                date.fromisoformat(raw["in_force_from"]),
                MappingProxyType(
                    {
                        code: Entitlement(code, frozenset(e["statuses"]), e["label"])
                        for code, e in raw["entitlements"].items()
                    }
                ),
            )
        )
    versions.sort(key=lambda v: v.version)
    if [v.in_force_from for v in versions] != sorted(v.in_force_from for v in versions):
        raise ValueError("rules versions must come into force in version order")
    return tuple(versions)


def rules_on(day: date) -> RulesVersion:
    """The rules in force on ``day``."""
    in_force = [v for v in rules_versions() if v.in_force_from <= day]
    if not in_force:
        raise ValueError(f"no entitlement rules in force on {day.isoformat()}")
    return in_force[-1]


def entitlements_on(status_codes: Iterable[str], day: date) -> list[Entitlement]:
    """What the statuses ``status_codes`` entitle to on ``day``."""
    return rules_on(day).grants(status_codes)
