"""From authentic-source records to credential claims, one builder per credential type.

Paper (QR) documents and wallet credentials are generated from the same builders so that they
never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from issuer.sources import INSURANCE_BASIS, REDUCED_TARIFF, entitlements_on, status_basis

Claims = dict[str, Any]
ISSUING_AUTHORITY = {
    "id": "BE:CBSS",
    "name": "Crossroads Bank for Social Security (dev)",
    "country": "BE",
}


def _age_on(birth: str, today: date) -> int:
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def current_statuses(person: Mapping[str, Any], today: date) -> list[dict[str, Any]]:
    """The statuses valid on ``today`` and not suspended by their source."""
    return [
        dict(s)
        for s in person["social_statuses"]
        if date.fromisoformat(s["valid_from"]) <= today <= date.fromisoformat(s["valid_until"])
        and not s.get("suspended", False)
    ]


def social_status_claims(person: Mapping[str, Any], today: date) -> Claims:
    """The MyBenefits-style attestation: every current status, and the derived, reason-free
    ``reduced_tariff_eligible`` a venue asks for (DOMAIN §6.2.3), from the entitlement rules in
    force today (issuer.sources, ``rules/``)."""
    current = current_statuses(person, today)
    if not current:
        raise ValueError("the person has no current social status")
    entitled = {e.code for e in entitlements_on((s["code"] for s in current), today)}
    return {
        "issuing_authority": dict(ISSUING_AUTHORITY),
        "valid_from": min(s["valid_from"] for s in current),
        "valid_until": max(s["valid_until"] for s in current),
        "reduced_tariff_eligible": REDUCED_TARIFF in entitled,
        "family_name": person["family_name"],
        "given_name": person["given_name"],
        "birth_date": person["birth_date"],
        "age_over_65": _age_on(person["birth_date"], today) >= 65,
        "personal_administrative_number": person["personal_administrative_number"],
        "municipality_nis": person["municipality_nis"],
        "social_statuses": current,
    }


def ehic_claims(person: Mapping[str, Any], today: date) -> Claims:
    """EHIC with the DC4EU rulebook claim names (``urn:eudi:ehic:1``)."""
    insurance = person.get("health_insurance")
    if insurance is None:
        raise ValueError("the person has no health-insurance affiliation")
    if date.fromisoformat(insurance["coverage_until"]) < today:
        raise ValueError("the health-insurance coverage has ended")
    institution = f"{insurance['country']}:{insurance['institution_id']}"
    return {
        "personal_administrative_number": person["personal_administrative_number"],
        "document_number": insurance["institution_id"].rjust(10, "0") + insurance["card_serial"],
        "issuing_authority": {"id": "BE:CBSS", "name": ISSUING_AUTHORITY["name"], "country": "BE"},
        "authentic_source": {"id": institution, "name": insurance["institution_name"]},
        "date_of_issuance": today.isoformat(),
        "date_of_expiry": insurance["coverage_until"],
        "starting_date": insurance["coverage_from"],
        "ending_date": insurance["coverage_until"],
        "attestation_legal_category": "PuB-EAA",
        "subject": {
            "family_name": person["family_name"],
            "given_name": person["given_name"],
            "date_of_birth": person["birth_date"],
        },
    }


DEFAULT_PRC_DAYS = 90


def prc_claims(
    person: Mapping[str, Any],
    today: date,
    *,
    valid_from: date | None = None,
    days: int = DEFAULT_PRC_DAYS,
) -> Claims:
    """The Provisional Replacement Certificate (Decision S1/S2): the EHIC's claims with the
    certificate's own period. One source for the paper ePRC (``sd``/``ed``/``xd``/``di``) and the
    wallet form: ``starting_date`` = sd, ``ending_date`` = ``date_of_expiry`` = ed,
    ``date_of_issuance`` = di, ``replaced_card_expiry`` = xd.

    Rules (EHIC PDF QR PoC v0.5 §1.4): sd <= di <= ed, sd not before coverage, ed capped by the
    replaced card's expiry so that xd >= ed. Raises ``ValueError`` when they cannot hold.
    """
    claims = ehic_claims(person, today)
    start = valid_from or today
    coverage_from = date.fromisoformat(claims["starting_date"])
    expiry = date.fromisoformat(claims["date_of_expiry"])
    if days < 1:
        raise ValueError("a PRC validity period needs at least one day")
    if start > today:
        raise ValueError("a PRC cannot start after its delivery date (sd <= di)")
    if start < coverage_from:
        raise ValueError("a PRC cannot start before the insurance coverage")
    if expiry < today:
        raise ValueError("the card's coverage has ended; no PRC can be issued")
    end = min(start + timedelta(days=days - 1), expiry)
    if end < today:
        raise ValueError("the requested PRC period ends before its delivery date (di <= ed)")
    claims.update(
        date_of_issuance=today.isoformat(),
        starting_date=start.isoformat(),
        ending_date=end.isoformat(),
        date_of_expiry=end.isoformat(),
        replaced_card_expiry=expiry.isoformat(),
    )
    return claims


CLAIM_BUILDERS: dict[str, Callable[[Mapping[str, Any], date], Claims]] = {
    "social-status": social_status_claims,
    "ehic": ehic_claims,
    "ehic-prc": prc_claims,
}


def _status_bases(person: Mapping[str, Any], today: date) -> list[str]:
    return [status_basis(s["code"]) for s in current_statuses(person, today)]


def _insurance_basis(person: Mapping[str, Any], today: date) -> list[str]:
    return [INSURANCE_BASIS]


#: The source facts each credential type is built on (``status:<code>``, ``insurance``): when the
#: source withdraws or changes one, what was built on it is revoked (issuer.source_events).
CLAIM_BASES: dict[str, Callable[[Mapping[str, Any], date], list[str]]] = {
    "social-status": _status_bases,
    "ehic": _insurance_basis,
    "ehic-prc": _insurance_basis,
}
