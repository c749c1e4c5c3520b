"""Person record → QR payload for each printed document type.

The data that a wallet credential also carries comes from the same claim builders
(``issuer.catalog._claims``), so paper and wallet never disagree: the ePRC and eEHIC read
:func:`ehic_claims`, the social-status venue document reads :func:`social_status_claims`.
Every payload is checked with :func:`verifier.qr.validate_for_issuance` before it is returned.

Revocation references are inputs (the revocation services assign them): a ``jti`` + ``rid``
(EHIC PDF QR PoC v0.5 §2.3.2) for ePRC/eEHIC, a Token Status List entry
(:class:`verifier.status.StatusReference`, written as ``st`` in its compact form) for social
status.
Error messages never contain personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from issuer.catalog import credential_type
from issuer.catalog._claims import ehic_claims, prc_claims, social_status_claims
from issuer.errors import DocumentError
from verifier.qr import CIVICRED_EHIC_SID, CIVICRED_SSH_SID, EESSI_PRC_SID, validate_for_issuance
from verifier.status import StatusReference

#: Default length of an ePRC validity period, in days (sd..ed inclusive). National practice
#: varies (e.g. 90 days in Spain, DOMAIN §3); capped by the card's coverage end.
DEFAULT_PRC_DAYS = 90
#: Decision S2 field 7 / v0.5 §2.3.2: ``len(ii) + len(in) <= 25`` and ``in`` at most 21.
MAX_INSTITUTION_FIELD = 25
MAX_IN = 21


class JtiReference(Protocol):
    """A ``jti`` assigned to a revocation list ``rid`` (e.g. ``issuer.status.JtiAssignment``)."""

    @property
    def jti(self) -> str: ...

    @property
    def rid(self) -> str: ...


@dataclass(frozen=True, slots=True)
class JtiRef:
    jti: str
    rid: str


def _checked(payload: dict[str, Any], today: date) -> dict[str, Any]:
    validation = validate_for_issuance(payload, today=today)
    if not validation.ok:
        # Paths and rule ids only: the finding messages may quote field values.
        problems = ", ".join(sorted({f"{f.path} ({f.rule})" for f in validation.errors}))
        raise DocumentError(f"{payload.get('sid')}: payload refused: {problems}")
    return payload


def _split_official_id(official_id: str) -> tuple[str, str]:
    country, _, local = official_id.partition(":")
    if not country or not local:
        raise DocumentError("the institution id is not of the form CC:<id>")
    return country, local


def _institution(claims: Mapping[str, Any]) -> dict[str, str]:
    """``ic``, ``ii`` and ``in`` (truncated so ``len(ii) + len(in) <= 25``, S2 field 7)."""
    ic, ii = _split_official_id(claims["authentic_source"]["id"])
    name = claims["authentic_source"]["name"].strip()
    room = min(MAX_IN, MAX_INSTITUTION_FIELD - len(ii))
    if room < 1:
        raise DocumentError("the institution id leaves no room for its acronym (S2 field 7)")
    return {"ic": ic, "ii": ii, "in": name[:room].rstrip()}


def _holder(claims: Mapping[str, Any]) -> dict[str, str]:
    subject = claims["subject"]
    return {
        "fn": subject["family_name"],
        "gn": subject["given_name"],
        "dob": subject["date_of_birth"],
        "hi": claims["personal_administrative_number"],
    }


@dataclass(frozen=True, slots=True)
class PayloadInputs:
    """What a payload builder gets besides the person: the signing date and the references the
    revocation services assigned (``build_payload`` checks the type's required one is there)."""

    today: date
    revocation: JtiReference | None = None
    status: StatusReference | None = None
    prc_valid_from: date | None = None
    prc_days: int = DEFAULT_PRC_DAYS


def prc_payload(person: Mapping[str, Any], inputs: PayloadInputs) -> dict[str, Any]:
    """An ``eessi:prc:1.0`` payload, exactly as the EU schema defines it (nothing added).

    ``di`` = ``today`` (the signing date, v0.5 §2.2). ``sd`` = ``prc_valid_from`` (default today;
    may lie in the past for care already received, never before coverage starts nor after
    ``di``). ``ed`` = ``sd + prc_days - 1`` capped by the card's expiry, so ``xd >= ed`` holds.
    ``xd`` = the expiry of the EHIC that the certificate replaces. ``jti``/``rid`` only when given.
    """
    today, revocation = inputs.today, inputs.revocation
    try:
        claims = prc_claims(person, today, valid_from=inputs.prc_valid_from, days=inputs.prc_days)
    except ValueError as exc:
        raise DocumentError(str(exc)) from None
    institution = _institution(claims)
    body = {
        "ic": institution["ic"],
        **_holder(claims),
        "in": institution["in"],
        "ii": institution["ii"],
        "ci": claims["document_number"],
        "sd": claims["starting_date"],
        "ed": claims["ending_date"],
        "xd": claims["replaced_card_expiry"],
        "di": claims["date_of_issuance"],
    }
    payload: dict[str, Any] = {"sid": EESSI_PRC_SID}
    if revocation is not None:
        payload["jti"] = revocation.jti
        payload["rid"] = revocation.rid
    payload["prc"] = body
    return _checked(payload, today)


def ehic_payload(person: Mapping[str, Any], inputs: PayloadInputs) -> dict[str, Any]:
    """A ``be.civicred:ehic:1.0`` payload: the Decision S2 card fields + coverage start + issue
    date; ``jti``/``rid`` are required (a card is valid for years)."""
    today, revocation = inputs.today, inputs.revocation
    if revocation is None:
        raise DocumentError(f"{CIVICRED_EHIC_SID} needs a jti/rid revocation assignment")
    claims = ehic_claims(person, today)
    institution = _institution(claims)
    body = {
        "ic": institution["ic"],
        **_holder(claims),
        "in": institution["in"],
        "ii": institution["ii"],
        "ci": claims["document_number"],
        "sd": claims["starting_date"],
        "xd": claims["date_of_expiry"],
        "di": claims["date_of_issuance"],
    }
    payload = {"sid": CIVICRED_EHIC_SID, "jti": revocation.jti, "rid": revocation.rid}
    return _checked({**payload, "ehic": body}, today)


def ssh_payload(person: Mapping[str, Any], inputs: PayloadInputs) -> dict[str, Any]:
    """A ``be.civicred:ssh:1.0`` venue payload: entitlement, name, birth year, validity.

    Deliberately minimal: no national number, no status code, no authentic source of a status
    (a source such as a CPAS would reveal the reason). The issuing source is the issuing
    authority (the CBSS). ``vu`` is the wallet's ``valid_until``, capped like the wallet
    credential's technical validity (the catalog type's ``max_days``).
    """
    today, status = inputs.today, inputs.status
    if status is None:
        raise DocumentError(f"{CIVICRED_SSH_SID} needs a status list reference")
    try:
        claims = social_status_claims(person, today)
    except ValueError:
        raise DocumentError("the person has no current social status") from None
    if claims["reduced_tariff_eligible"] is not True:
        raise DocumentError("the person is not entitled to a reduced tariff")
    cap = today + timedelta(days=credential_type("social-status").max_days)
    until = min(date.fromisoformat(claims["valid_until"]), cap)
    authority = claims["issuing_authority"]
    _, source = _split_official_id(authority["id"])
    body = {
        "ic": authority["country"],
        "ii": source,
        "fn": claims["family_name"],
        "gn": claims["given_name"],
        "by": claims["birth_date"][:4],
        "rt": True,
        "vf": claims["valid_from"],
        "vu": until.isoformat(),
        "di": today.isoformat(),
    }
    payload = {"sid": CIVICRED_SSH_SID, "st": status.to_compact()}
    return _checked({**payload, "ssh": body}, today)
