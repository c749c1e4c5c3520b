"""The EU eEHIC Resolver API (DOMAIN §1.8 step 4; docs/trust-list.md §Resolver API).

``GET /api/v1/issuers?x509Thumbprint=&countryCode=&officialId=`` answers, per institution, the
document-signing certificates of the issuers that sign for it (all history, with their state)
and its accreditation periods. ``officialId`` is the part after ``CC:`` (``0120``); the full
``BE:0120`` is accepted too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from trust_registry.domain._document_types import EHIC_TYPES
from trust_registry.domain._rows import institution_view
from trust_registry.domain._snapshot import certificate_entry, certificates_by_issuer
from trust_registry.storage import Database, InstitutionRow, IssuerSignsForRow
from verifier.jose import jwk_from_public_key
from verifier.trust import CertificateEntry, dump_pem


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _certificate(issuer_id: str, entry: CertificateEntry) -> dict[str, Any]:
    start, end = entry.window
    return {
        "x5t#S256": entry.x5t_s256,
        "validFrom": _instant(start),
        "validUntil": _instant(end),
        "certificate": dump_pem(entry.certificate).decode("ascii"),
        # civicred extensions (ignored by EU clients):
        "state": entry.state,
        "revokedAt": None if entry.revoked_at is None else _instant(entry.revoked_at),
        "issuerId": issuer_id,
    }


def _public_key(entry: CertificateEntry) -> dict[str, Any]:
    jwk: dict[str, Any] = jwk_from_public_key(entry.certificate.public_key())  # type: ignore[arg-type]
    jwk["x5t#S256"] = entry.x5t_s256
    return jwk


class ResolverService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def issuers(
        self,
        *,
        x509_thumbprint: str | None = None,
        country_code: str | None = None,
        official_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching institution (all filters optional; no filter = the bulk download)."""
        full_id = official_id if official_id and ":" in official_id else None
        local_id_wanted = official_id if official_id and ":" not in official_id else None
        with self._db.session() as session:
            certificates = certificates_by_issuer(session)
            signers: dict[str, list[str]] = {}
            for link in session.scalars(select(IssuerSignsForRow)):
                signers.setdefault(link.institution_id, []).append(link.issuer_id)
            query = select(InstitutionRow).order_by(InstitutionRow.official_id)
            if country_code is not None:
                query = query.where(InstitutionRow.country == country_code)
            if full_id is not None:
                query = query.where(InstitutionRow.official_id == full_id)
            result = []
            for row in session.scalars(query):
                country, local_id = row.official_id.split(":", 1)
                if local_id_wanted is not None and local_id != local_id_wanted:
                    continue
                entries = [
                    (issuer_id, certificate_entry(c))
                    for issuer_id in sorted(signers.get(row.official_id, []))
                    for c in certificates.get(issuer_id, [])
                    if c.use == "document_signing"
                    and (x509_thumbprint is None or c.x5t_s256 == x509_thumbprint)
                ]
                if x509_thumbprint is not None and not entries:
                    continue
                view = institution_view(session, row)
                result.append(
                    {
                        "officialId": local_id,
                        "countryCode": country,
                        "name": view.names["en"],
                        "names": view.names,
                        "certificates": [_certificate(i, e) for i, e in entries],
                        "publicKeys": [_public_key(e) for _, e in entries],
                        "accreditationPeriods": [
                            {
                                "portableDocument": "EHIC"
                                if a.document_type in EHIC_TYPES
                                else a.document_type,
                                "documentType": a.document_type,
                                "validFrom": a.valid_from.isoformat(),
                                "validUntil": None
                                if a.valid_until is None
                                else a.valid_until.isoformat(),
                            }
                            for a in view.accreditations
                        ],
                    }
                )
        return result
