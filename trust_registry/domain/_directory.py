"""Institutions, issuers, who signs for whom, and accreditations (the EESSI IR model)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trust_registry.domain import _validation as check
from trust_registry.domain._errors import Conflict, InvalidInput
from trust_registry.domain._journal import Clock, record
from trust_registry.domain._rows import (
    get_institution_row,
    get_issuer_row,
    institution_view,
    issuer_view,
    replace_lists,
)
from trust_registry.domain._views import (
    AccreditationView,
    InstitutionView,
    IssuerView,
    accreditation_view,
    set_names,
)
from trust_registry.storage import (
    AccreditationRow,
    Database,
    InstitutionRow,
    IssuerRow,
    IssuerSignsForRow,
)


class DirectoryService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- institutions --------------------------------------------------------------------------
    def register_institution(
        self,
        actor: str,
        *,
        official_id: str,
        role: str,
        names: dict[str, str | None],
        country: str | None = None,
    ) -> InstitutionView:
        check.official_id(official_id)
        row = InstitutionRow(
            official_id=official_id,
            country=check.country_of(official_id, country),
            role=check.role(role),
        )
        set_names(row, check.names(names))
        row.created_at = row.updated_at = now = self._clock()
        with self._db.session() as session:
            if session.get(InstitutionRow, official_id) is not None:
                raise Conflict(f"institution {official_id!r} already exists")
            session.add(row)
            session.flush()
            view = institution_view(session, row)
            record(
                session,
                at=now,
                actor=actor,
                action="institution.register",
                target=official_id,
                after=view,
            )
        return view

    def update_institution(
        self,
        actor: str,
        official_id: str,
        *,
        role: str | None = None,
        names: dict[str, str | None] | None = None,
    ) -> InstitutionView:
        with self._db.session() as session:
            row = get_institution_row(session, official_id)
            before = institution_view(session, row)
            if role is not None:
                row.role = check.role(role)
            if names is not None:
                set_names(row, check.names(names))
            row.updated_at = now = self._clock()
            session.flush()
            after = institution_view(session, row)
            if after != before:
                record(
                    session,
                    at=now,
                    actor=actor,
                    action="institution.update",
                    target=official_id,
                    before=before,
                    after=after,
                )
        return after

    def get_institution(self, official_id: str) -> InstitutionView:
        with self._db.session() as session:
            return institution_view(session, get_institution_row(session, official_id))

    def list_institutions(self) -> list[InstitutionView]:
        with self._db.session() as session:
            rows = session.scalars(select(InstitutionRow).order_by(InstitutionRow.official_id))
            return [institution_view(session, r) for r in rows]

    def set_accreditation(
        self,
        actor: str,
        official_id: str,
        *,
        document_type: str,
        valid_from: date,
        valid_until: date | None = None,
    ) -> tuple[AccreditationView, bool]:
        """Create or replace the accreditation of ``official_id`` for ``document_type``;
        ``(view, created)``."""
        check.document_type(document_type)
        if valid_until is not None and valid_until < valid_from:
            raise InvalidInput("valid_until is before valid_from")
        with self._db.session() as session:
            get_institution_row(session, official_id)
            row = session.scalars(
                select(AccreditationRow).where(
                    AccreditationRow.institution_id == official_id,
                    AccreditationRow.document_type == document_type,
                )
            ).one_or_none()
            before = None if row is None else accreditation_view(row)
            if row is None:
                row = AccreditationRow(institution_id=official_id, document_type=document_type)
                session.add(row)
            row.valid_from, row.valid_until = valid_from, valid_until
            view = accreditation_view(row)
            if view != before:
                record(
                    session,
                    at=self._clock(),
                    actor=actor,
                    action="accreditation.set",
                    target=f"{official_id} {document_type}",
                    before=before,
                    after=view,
                )
        return view, before is None

    # -- issuers ---------------------------------------------------------------------------------
    def register_issuer(
        self,
        actor: str,
        *,
        issuer_id: str,
        names: dict[str, str | None],
        credential_issuer: str,
        country: str | None = None,
        signs_for: list[str] | None = None,
        status_lists: list[str] | None = None,
        revocation_lists: list[str] | None = None,
    ) -> IssuerView:
        check.official_id(issuer_id, "issuer id")
        row = IssuerRow(
            id=issuer_id,
            country=check.country_of(issuer_id, country),
            credential_issuer=check.url(credential_issuer, "credential_issuer"),
        )
        set_names(row, check.names(names))
        row.created_at = row.updated_at = now = self._clock()
        with self._db.session() as session:
            if session.get(IssuerRow, issuer_id) is not None:
                raise Conflict(f"issuer {issuer_id!r} already exists")
            self._unique_credential_issuer(session, credential_issuer, issuer_id)
            session.add(row)
            session.flush()
            self._set_relations(session, issuer_id, signs_for, status_lists, revocation_lists)
            view = issuer_view(session, row)
            record(
                session, at=now, actor=actor, action="issuer.register", target=issuer_id, after=view
            )
        return view

    def update_issuer(
        self,
        actor: str,
        issuer_id: str,
        *,
        names: dict[str, str | None] | None = None,
        credential_issuer: str | None = None,
        signs_for: list[str] | None = None,
        status_lists: list[str] | None = None,
        revocation_lists: list[str] | None = None,
    ) -> IssuerView:
        """Change what is given; ``signs_for`` and the list URIs replace the current sets."""
        with self._db.session() as session:
            row = get_issuer_row(session, issuer_id)
            before = issuer_view(session, row)
            if names is not None:
                set_names(row, check.names(names))
            if credential_issuer is not None:
                check.url(credential_issuer, "credential_issuer")
                self._unique_credential_issuer(session, credential_issuer, issuer_id)
                row.credential_issuer = credential_issuer
            self._set_relations(session, issuer_id, signs_for, status_lists, revocation_lists)
            row.updated_at = now = self._clock()
            session.flush()
            after = issuer_view(session, row)
            if after != before:
                record(
                    session,
                    at=now,
                    actor=actor,
                    action="issuer.update",
                    target=issuer_id,
                    before=before,
                    after=after,
                )
        return after

    def get_issuer(self, issuer_id: str) -> IssuerView:
        with self._db.session() as session:
            return issuer_view(session, get_issuer_row(session, issuer_id))

    def list_issuers(self) -> list[IssuerView]:
        with self._db.session() as session:
            rows = session.scalars(select(IssuerRow).order_by(IssuerRow.id))
            return [issuer_view(session, r) for r in rows]

    @staticmethod
    def _unique_credential_issuer(session: Session, url: str, issuer_id: str) -> None:
        other = session.scalars(select(IssuerRow.id).where(IssuerRow.credential_issuer == url))
        if any(o != issuer_id for o in other):
            raise Conflict(f"credential_issuer {url!r} belongs to another issuer")

    @staticmethod
    def _set_relations(
        session: Session,
        issuer_id: str,
        signs_for: list[str] | None,
        status_lists: list[str] | None,
        revocation_lists: list[str] | None,
    ) -> None:
        if signs_for is not None:
            for official_id in signs_for:
                get_institution_row(session, official_id)
            session.execute(
                delete(IssuerSignsForRow).where(IssuerSignsForRow.issuer_id == issuer_id)
            )
            session.add_all(
                IssuerSignsForRow(issuer_id=issuer_id, institution_id=i) for i in set(signs_for)
            )
        for kind, uris in (("status", status_lists), ("revocation", revocation_lists)):
            if uris is not None:
                replace_lists(session, issuer_id, kind, check.urls(uris, f"{kind} list URI"))
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("a list URI is already registered for another issuer") from None
