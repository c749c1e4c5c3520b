"""Institutions, issuers, accreditations and the audit trail (domain services, no HTTP).

Run on SQLite and PostgreSQL (``database_url`` from tests/conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest

from trust_registry.domain import Conflict, InvalidInput, NotFound
from trust_registry.domain._journal import versions
from trust_registry.services import RegistryServices

NAMES = {"en": "Fund 0990", "fr": "Mutualité 0990", "nl": None, "de": None}


def _sequence(services: RegistryServices) -> int:
    with services.db.session() as session:
        return versions(session)[0]


def test_dev_seed(services: RegistryServices) -> None:
    institutions = {i.official_id: i for i in services.directory.list_institutions()}
    assert set(institutions) == {"BE:CBSS", "BE:0120", "BE:0320"}
    assert institutions["BE:CBSS"].role == "authentic_source"
    assert {a.document_type for a in institutions["BE:CBSS"].accreditations} == {
        "urn:civicred:social-status:1",
        "be.civicred:ssh:1.0",
    }
    assert {a.document_type for a in institutions["BE:0120"].accreditations} == {
        "eessi:prc:1.0",
        "be.civicred:ehic:1.0",
        "urn:eudi:ehic:1",
        "urn:civicred:ehic-prc:1",
    }
    (issuer,) = services.directory.list_issuers()
    assert issuer.id == "BE:CBSS"
    assert issuer.credential_issuer == "https://issuer.civicred.localhost"
    assert issuer.signs_for == ("BE:0120", "BE:0320", "BE:CBSS")


def test_register_institution_audited_and_sequenced(services: RegistryServices) -> None:
    before = _sequence(services)
    view = services.directory.register_institution(
        "admin#0", official_id="BE:0990", role="competent_institution", names=NAMES
    )
    assert view.country == "BE" and view.names == {"en": "Fund 0990", "fr": "Mutualité 0990"}
    assert _sequence(services) == before + 1
    (entry,) = services.audit.entries(limit=1)
    assert (entry.actor, entry.action, entry.target) == (
        "admin#0",
        "institution.register",
        "BE:0990",
    )
    assert entry.before is None and entry.after["official_id"] == "BE:0990"


@pytest.mark.parametrize(
    ("official_id", "role", "names", "message"),
    [
        ("BE0990", "competent_institution", NAMES, "CC:<4-10"),
        ("BE:099", "competent_institution", NAMES, "CC:<4-10"),
        ("BE:12345678901", "competent_institution", NAMES, "CC:<4-10"),
        ("be:0990", "competent_institution", NAMES, "CC:<4-10"),
        ("BE:0990", "hospital", NAMES, "role"),
        ("BE:0990", "liaison_body", {"fr": "sans anglais"}, "English"),
        ("BE:0990", "liaison_body", {"en": "x", "it": "y"}, "language"),
    ],
)
def test_register_institution_refuses_bad_input(
    services: RegistryServices, official_id: str, role: str, names: dict, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        services.directory.register_institution(
            "admin#0", official_id=official_id, role=role, names=names
        )
    assert len(services.directory.list_institutions()) == 3


def test_duplicate_and_unknown(services: RegistryServices) -> None:
    with pytest.raises(Conflict):
        services.directory.register_institution(
            "admin#0", official_id="BE:0120", role="competent_institution", names=NAMES
        )
    with pytest.raises(InvalidInput, match="does not match"):
        services.directory.register_institution(
            "admin#0", official_id="BE:0990", role="liaison_body", names=NAMES, country="FR"
        )
    with pytest.raises(NotFound):
        services.directory.get_institution("BE:9999")
    with pytest.raises(NotFound):
        services.directory.update_issuer("admin#0", "BE:CBSS", signs_for=["BE:9999"])
    assert services.directory.get_issuer("BE:CBSS").signs_for == ("BE:0120", "BE:0320", "BE:CBSS")


def test_accreditation_set_and_replaced(services: RegistryServices) -> None:
    view, created = services.directory.set_accreditation(
        "admin#1",
        "BE:0320",
        document_type="urn:eudi:ehic:1",
        valid_from=date(2024, 1, 1),
        valid_until=date(2030, 12, 31),
    )
    assert not created and view.valid_until == date(2030, 12, 31)
    entry = services.audit.entries(limit=1, action="accreditation.set")[0]
    assert entry.before["valid_until"] is None and entry.after["valid_until"] == "2030-12-31"
    _, created = services.directory.set_accreditation(
        "admin#1", "BE:0320", document_type="eu.pda1:1", valid_from=date(2025, 1, 1)
    )
    assert created
    with pytest.raises(InvalidInput, match="before valid_from"):
        services.directory.set_accreditation(
            "admin#1",
            "BE:0320",
            document_type="x:1",
            valid_from=date(2025, 1, 2),
            valid_until=date(2025, 1, 1),
        )


def test_issuer_register_update_and_lists(services: RegistryServices) -> None:
    services.directory.register_institution(
        "admin#0", official_id="FR:12345", role="competent_institution", names={"en": "CPAM"}
    )
    issuer = services.directory.register_issuer(
        "admin#0",
        issuer_id="FR:CNAM",
        names={"en": "CNAM"},
        credential_issuer="https://issuer.example.fr/cnam",
        signs_for=["FR:12345"],
        status_lists=["https://issuer.example.fr/status/1"],
    )
    assert issuer.country == "FR" and issuer.status_lists == ("https://issuer.example.fr/status/1",)
    with pytest.raises(Conflict, match="another issuer"):
        services.directory.register_issuer(
            "admin#0",
            issuer_id="FR:OTHER",
            names={"en": "x"},
            credential_issuer="https://issuer.example.fr/cnam",
        )
    with pytest.raises(InvalidInput, match="https"):
        services.directory.update_issuer(
            "admin#0", "FR:CNAM", credential_issuer="http://issuer.example.fr"
        )
    updated = services.directory.update_issuer(
        "admin#0", "FR:CNAM", revocation_lists=["https://issuer.example.fr/revocation/0"]
    )
    assert updated.revocation_lists == ("https://issuer.example.fr/revocation/0",)
    assert updated.status_lists == issuer.status_lists
    entry = services.audit.entries(limit=1, target="FR:CNAM")[0]
    assert entry.action == "issuer.update" and entry.before["revocation_lists"] == []


def test_no_op_update_is_not_a_change(services: RegistryServices) -> None:
    before = _sequence(services)
    count = len(services.audit.entries(limit=1000))
    services.directory.update_institution("admin#0", "BE:0120", role="competent_institution")
    assert _sequence(services) == before
    assert len(services.audit.entries(limit=1000)) == count
