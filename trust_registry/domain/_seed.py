"""The dev dataset (DEV ONLY; fictional health-insurance fund names)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from trust_registry.domain._directory import DirectoryService
from trust_registry.domain._document_types import EHIC_TYPES, SOCIAL_STATUS_TYPES
from trust_registry.storage import Database, InstitutionRow, IssuerRow

SEED_ACTOR = "system:dev-seed"
DEV_CREDENTIAL_ISSUER = "https://issuer.civicred.localhost"
SINCE = date(2024, 1, 1)
CBSS_NAMES: dict[str, str | None] = {
    "en": "Crossroads Bank for Social Security",
    "fr": "Banque Carrefour de la Sécurité Sociale",
    "nl": "Kruispuntbank van de Sociale Zekerheid",
    "de": "Zentrale Datenbank der Sozialen Sicherheit",
}


def _fund_names(code: str) -> dict[str, str | None]:
    return {
        "en": f"Health insurance fund {code} (dev)",
        "fr": f"Mutualité {code} (dev)",
        "nl": f"Ziekenfonds {code} (dev)",
        "de": f"Krankenkasse {code} (dev)",
    }


def is_empty(db: Database) -> bool:
    with db.session() as session:
        institutions = session.scalar(select(func.count()).select_from(InstitutionRow))
        issuers = session.scalar(select(func.count()).select_from(IssuerRow))
    return not institutions and not issuers


def seed_dev_data(directory: DirectoryService) -> None:
    """BE:CBSS (social-status authentic source), BE:0120 and BE:0320 (health-insurance funds),
    and the issuer BE:CBSS signing for all three. Certificates come later: the issuer asks for
    them with its public JWK (``POST /admin/issuers/BE:CBSS/certificates``)."""
    directory.register_institution(
        SEED_ACTOR, official_id="BE:CBSS", role="authentic_source", names=CBSS_NAMES
    )
    for document_type in SOCIAL_STATUS_TYPES:
        directory.set_accreditation(
            SEED_ACTOR, "BE:CBSS", document_type=document_type, valid_from=SINCE
        )
    for code in ("0120", "0320"):
        official_id = f"BE:{code}"
        directory.register_institution(
            SEED_ACTOR,
            official_id=official_id,
            role="competent_institution",
            names=_fund_names(code),
        )
        for document_type in EHIC_TYPES:
            directory.set_accreditation(
                SEED_ACTOR, official_id, document_type=document_type, valid_from=SINCE
            )
    directory.register_issuer(
        SEED_ACTOR,
        issuer_id="BE:CBSS",
        names=CBSS_NAMES,
        credential_issuer=DEV_CREDENTIAL_ISSUER,
        signs_for=["BE:CBSS", "BE:0120", "BE:0320"],
    )
