"""Admin API: institutions, accreditations, issuers (bearer token; every write audited)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response, status

from trust_registry.api._deps import Admin, Services
from trust_registry.api._schemas import (
    AccreditationIn,
    AccreditationOut,
    InstitutionIn,
    InstitutionOut,
    InstitutionPatch,
    IssuerIn,
    IssuerOut,
    IssuerPatch,
)
from trust_registry.domain import InstitutionView, IssuerView

router = APIRouter(prefix="/admin", tags=["admin"])


def _institution(view: InstitutionView) -> InstitutionOut:
    return InstitutionOut.model_validate(asdict(view))


def _issuer(view: IssuerView) -> IssuerOut:
    return IssuerOut.model_validate(asdict(view))


@router.get("/institutions")
def list_institutions(services: Services, _actor: Admin) -> list[InstitutionOut]:
    return [_institution(v) for v in services.directory.list_institutions()]


@router.post("/institutions", status_code=status.HTTP_201_CREATED)
def register_institution(body: InstitutionIn, services: Services, actor: Admin) -> InstitutionOut:
    view = services.directory.register_institution(
        actor,
        official_id=body.official_id,
        role=body.role,
        names=body.names.model_dump(),
        country=body.country,
    )
    return _institution(view)


@router.get("/institutions/{official_id}")
def get_institution(official_id: str, services: Services, _actor: Admin) -> InstitutionOut:
    return _institution(services.directory.get_institution(official_id))


@router.patch("/institutions/{official_id}")
def update_institution(
    official_id: str, body: InstitutionPatch, services: Services, actor: Admin
) -> InstitutionOut:
    view = services.directory.update_institution(
        actor,
        official_id,
        role=body.role,
        names=None if body.names is None else body.names.model_dump(),
    )
    return _institution(view)


@router.post("/institutions/{official_id}/accreditations", responses={201: {}, 200: {}})
def set_accreditation(
    official_id: str, body: AccreditationIn, services: Services, actor: Admin, response: Response
) -> AccreditationOut:
    """Create (201) or replace (200) the accreditation for ``document_type``; end one by
    setting ``valid_until``."""
    view, created = services.directory.set_accreditation(
        actor,
        official_id,
        document_type=body.document_type,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return AccreditationOut.model_validate(asdict(view))


@router.get("/issuers")
def list_issuers(services: Services, _actor: Admin) -> list[IssuerOut]:
    return [_issuer(v) for v in services.directory.list_issuers()]


@router.post("/issuers", status_code=status.HTTP_201_CREATED)
def register_issuer(body: IssuerIn, services: Services, actor: Admin) -> IssuerOut:
    view = services.directory.register_issuer(
        actor,
        issuer_id=body.id,
        names=body.names.model_dump(),
        credential_issuer=body.credential_issuer,
        country=body.country,
        signs_for=body.signs_for,
        status_lists=body.status_lists,
        revocation_lists=body.revocation_lists,
    )
    return _issuer(view)


@router.get("/issuers/{issuer_id}")
def get_issuer(issuer_id: str, services: Services, _actor: Admin) -> IssuerOut:
    return _issuer(services.directory.get_issuer(issuer_id))


@router.patch("/issuers/{issuer_id}")
def update_issuer(issuer_id: str, body: IssuerPatch, services: Services, actor: Admin) -> IssuerOut:
    view = services.directory.update_issuer(
        actor,
        issuer_id,
        names=None if body.names is None else body.names.model_dump(),
        credential_issuer=body.credential_issuer,
        signs_for=body.signs_for,
        status_lists=body.status_lists,
        revocation_lists=body.revocation_lists,
    )
    return _issuer(view)
