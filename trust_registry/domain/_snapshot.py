"""The registry's data as the ``verifier.trust`` model (the trust-list payload)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.domain._rows import institution_view, issuer_view
from trust_registry.storage import CertificateRow, InstitutionRow, IssuerRow
from verifier.trust import (
    Accreditation,
    CertificateEntry,
    CertificateState,
    CertificateUse,
    Institution,
    Issuer,
    TrustList,
    load_certificate,
)


def certificate_entry(row: CertificateRow) -> CertificateEntry:
    """The signing window: from activation (else the certificate's start) to retirement (else
    the certificate's end); ``state`` tells verifiers whether the key may sign now."""
    return CertificateEntry(
        load_certificate(row.der),
        cast(CertificateUse, row.use),
        cast(CertificateState, row.state),
        row.activated_at or row.not_before,
        row.retired_at or row.not_after,
        row.revoked_at,
    )


def certificates_by_issuer(session: Session) -> dict[str, list[CertificateRow]]:
    by_issuer: dict[str, list[CertificateRow]] = {}
    for row in session.scalars(select(CertificateRow).order_by(CertificateRow.id)):
        by_issuer.setdefault(row.issuer_id, []).append(row)
    return by_issuer


def institutions(session: Session) -> tuple[Institution, ...]:
    result = []
    for row in session.scalars(select(InstitutionRow).order_by(InstitutionRow.official_id)):
        view = institution_view(session, row)
        result.append(
            Institution(
                view.official_id,
                view.country,
                view.role,
                view.names,
                tuple(
                    Accreditation(a.document_type, a.valid_from, a.valid_until)
                    for a in view.accreditations
                ),
            )
        )
    return tuple(result)


def issuers(session: Session) -> tuple[Issuer, ...]:
    certificates = certificates_by_issuer(session)
    result = []
    for row in session.scalars(select(IssuerRow).order_by(IssuerRow.id)):
        view = issuer_view(session, row)
        result.append(
            Issuer(
                view.id,
                view.country,
                view.names,
                view.credential_issuer,
                view.signs_for,
                view.status_lists,
                view.revocation_lists,
                tuple(certificate_entry(c) for c in certificates.get(view.id, [])),
            )
        )
    return tuple(result)


def trust_list(
    session: Session, *, iss: str, issued_at: datetime, next_update: datetime, sequence: int
) -> TrustList:
    return TrustList(iss, issued_at, next_update, sequence, institutions(session), issuers(session))
