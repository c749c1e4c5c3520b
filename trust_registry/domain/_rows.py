"""Row lookups and view builders shared by the domain services."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.domain._errors import NotFound
from trust_registry.domain._views import (
    InstitutionView,
    IssuerView,
    accreditation_view,
    names_of,
)
from trust_registry.storage import (
    AccreditationRow,
    InstitutionRow,
    IssuerListRow,
    IssuerRow,
    IssuerSignsForRow,
)


def institution_view(session: Session, row: InstitutionRow) -> InstitutionView:
    accreditations = session.scalars(
        select(AccreditationRow)
        .where(AccreditationRow.institution_id == row.official_id)
        .order_by(AccreditationRow.document_type)
    )
    return InstitutionView(
        row.official_id,
        row.country,
        row.role,
        names_of(row),
        tuple(accreditation_view(a) for a in accreditations),
    )


def issuer_view(session: Session, row: IssuerRow) -> IssuerView:
    signs_for = session.scalars(
        select(IssuerSignsForRow.institution_id)
        .where(IssuerSignsForRow.issuer_id == row.id)
        .order_by(IssuerSignsForRow.institution_id)
    )
    lists = session.execute(
        select(IssuerListRow.kind, IssuerListRow.uri)
        .where(IssuerListRow.issuer_id == row.id)
        .order_by(IssuerListRow.uri)
    ).all()
    return IssuerView(
        row.id,
        row.country,
        names_of(row),
        row.credential_issuer,
        tuple(signs_for),
        tuple(uri for kind, uri in lists if kind == "status"),
        tuple(uri for kind, uri in lists if kind == "revocation"),
    )


def get_institution_row(session: Session, official_id: str) -> InstitutionRow:
    row = session.get(InstitutionRow, official_id)
    if row is None:
        raise NotFound(f"no institution {official_id!r}")
    return row


def get_issuer_row(session: Session, issuer_id: str) -> IssuerRow:
    row = session.get(IssuerRow, issuer_id)
    if row is None:
        raise NotFound(f"no issuer {issuer_id!r}")
    return row


def replace_lists(session: Session, issuer_id: str, kind: str, uris: list[str]) -> None:
    """Keep rows (and pushed tokens) of URIs still listed; drop the others; add the new ones."""
    current = {
        row.uri: row
        for row in session.scalars(
            select(IssuerListRow).where(
                IssuerListRow.issuer_id == issuer_id, IssuerListRow.kind == kind
            )
        )
    }
    for uri, row in current.items():
        if uri not in uris:
            session.delete(row)
    session.flush()
    for uri in uris:
        if uri not in current:
            session.add(IssuerListRow(issuer_id=issuer_id, kind=kind, uri=uri))
