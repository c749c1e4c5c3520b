"""What the portal shows a citizen, from the authentic source's record and the issuer's own
issuances: statuses with their institution and validity, the entitlements the rules in force
derive from them, the health-insurance cover, and what can be added to a wallet or printed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from issuer.catalog import credential_type
from issuer.catalog._claims import CLAIM_BUILDERS, current_statuses
from issuer.lifecycle import Issuance, IssuanceState
from issuer.oid4vci import configuration_id
from issuer.portal._i18n import format_date, text
from issuer.sources import entitlements_on, insurers, social_statuses

#: What "add to wallet" offers, in this order (OpenID4VCI credential configurations).
WALLET_TYPES = ("social-status", "ehic", "ehic-prc")
#: What "download PDF" prints: the portal's name → the printed type's alias (issuer.documents).
DOCUMENTS = {"ssh": "social-status", "ehic": "ehic", "prc": "ehic-prc"}


@dataclass(frozen=True)
class StatusView:
    label: str
    institution: str
    valid_from: str
    valid_until: str
    state: str  # current | ended | upcoming | suspended (a text key suffix)


@dataclass(frozen=True)
class EntitlementView:
    label: str
    valid_from: str
    valid_until: str


@dataclass(frozen=True)
class CoverView:
    insurer: str
    eessi_id: str
    valid_from: str
    valid_until: str
    current: bool


@dataclass(frozen=True)
class Choice:
    key: str  # a configuration id, or a document name of :data:`DOCUMENTS`
    label: str
    available: bool


@dataclass(frozen=True)
class Dashboard:
    name: str
    statuses: tuple[StatusView, ...]
    entitlements: tuple[EntitlementView, ...]
    cover: CoverView | None
    wallet: tuple[Choice, ...]
    documents: tuple[Choice, ...]


@dataclass(frozen=True)
class IssuedView:
    reference: str
    label: str
    created_on: str
    state: str
    #: Wallet copies and paper documents (each one a status entry or a jti).
    copies: int
    revocable: bool


def _state(status: Mapping[str, Any], today: date) -> str:
    if status.get("suspended"):
        return "suspended"
    if today < date.fromisoformat(status["valid_from"]):
        return "upcoming"
    return "ended" if date.fromisoformat(status["valid_until"]) < today else "current"


def _can_build(type_id: str, person: Mapping[str, Any], today: date) -> bool:
    try:
        claims = CLAIM_BUILDERS[type_id](person, today)
    except (ValueError, KeyError):
        return False
    return type_id != "social-status" or claims["reduced_tariff_eligible"] is True


def dashboard(person: Mapping[str, Any], today: date, lang: str) -> Dashboard:
    statuses = tuple(
        StatusView(
            label=social_statuses()[s["code"]].label[lang],
            institution=social_statuses()[s["code"]].source_name,
            valid_from=format_date(s["valid_from"], lang),
            valid_until=format_date(s["valid_until"], lang),
            state=_state(s, today),
        )
        for s in person["social_statuses"]
        if s["code"] in social_statuses()
    )
    current = current_statuses(person, today)
    entitlements = []
    for entitlement in entitlements_on((s["code"] for s in current), today):
        granting = [s for s in current if s["code"] in entitlement.statuses]
        entitlements.append(
            EntitlementView(
                label=entitlement.label[lang],
                valid_from=format_date(min(s["valid_from"] for s in granting), lang),
                valid_until=format_date(max(s["valid_until"] for s in granting), lang),
            )
        )
    cover = None
    insurance = person.get("health_insurance")
    if insurance is not None:
        known = insurers().get(insurance["institution_id"])
        cover = CoverView(
            insurer=known.long_name if known else insurance["institution_name"],
            eessi_id=f"{insurance['country']}:{insurance['institution_id']}",
            valid_from=format_date(insurance["coverage_from"], lang),
            valid_until=format_date(insurance["coverage_until"], lang),
            current=date.fromisoformat(insurance["coverage_from"])
            <= today
            <= date.fromisoformat(insurance["coverage_until"]),
        )
    wallet = tuple(
        Choice(
            configuration_id(credential_type(t)),
            credential_type(t).name[lang],
            _can_build(t, person, today),
        )
        for t in WALLET_TYPES
    )
    documents = tuple(
        Choice(name, text(f"document.{name}", lang), _can_build(type_id, person, today))
        for name, type_id in DOCUMENTS.items()
    )
    return Dashboard(
        name=f"{person['given_name']} {person['family_name']}",
        statuses=statuses,
        entitlements=tuple(entitlements),
        cover=cover,
        wallet=wallet,
        documents=documents,
    )


def issued(issuances: Sequence[Issuance], lang: str) -> list[IssuedView]:
    views = []
    for issuance in issuances:
        views.append(
            IssuedView(
                reference=issuance.reference,
                label=credential_type(issuance.credential_type).name[lang],
                created_on=format_date(issuance.created_on, lang),
                state=issuance.state.value,
                copies=len(issuance.members),
                revocable=issuance.state is not IssuanceState.REVOKED,
            )
        )
    return views
