"""Admin API: issuer certificates (issue, register, activate, rotate, retire, revoke)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from trust_registry.api._deps import Admin, Services
from trust_registry.api._schemas import CertificateOut, CertificateRequest, RevokeIn, RotateIn
from trust_registry.domain import CertificateView

router = APIRouter(prefix="/admin", tags=["admin"])
PEM_CHAIN = "application/pem-certificate-chain"


def _out(view: CertificateView) -> CertificateOut:
    fields = {k: v for k, v in asdict(view).items() if k != "der"}
    return CertificateOut(**fields, certificate_pem=view.pem)


def _dump(view: CertificateView) -> dict[str, object]:
    return _out(view).model_dump(mode="json", by_alias=True)


@router.get("/issuers/{issuer_id}/certificates")
def list_certificates(issuer_id: str, services: Services, _actor: Admin) -> list[dict[str, object]]:
    """Every certificate of the issuer, oldest first (full history)."""
    return [_dump(v) for v in services.certificates.list(issuer_id)]


@router.post(
    "/issuers/{issuer_id}/certificates",
    status_code=status.HTTP_201_CREATED,
    responses={201: {"content": {PEM_CHAIN: {}, "application/json": {}}}},
)
def add_certificate(
    issuer_id: str, body: CertificateRequest, request: Request, services: Services, actor: Admin
) -> Response:
    """A new certificate in state ``published``. The answer is the certificate chain PEM for
    the issuer's ``x5c`` (leaf first; the root is never included: it is ``GET /root.pem``), or
    JSON with ``Accept: application/json``."""
    if body.certificate is not None:
        view = services.certificates.add(
            actor, issuer_id, use=body.use, certificate=body.certificate.encode("ascii", "replace")
        )
    else:
        view = services.certificates.issue(
            actor,
            issuer_id,
            use=body.use,
            public_jwk=body.public_jwk,
            csr_pem=body.csr,
            not_before=body.not_before,
            not_after=body.not_after,
        )
    headers = {"Location": f"/admin/certificates/{view.x5t_s256}"}
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(_dump(view), 201, headers)
    return Response(view.pem, 201, headers, PEM_CHAIN)


@router.post("/issuers/{issuer_id}/rotate")
def rotate(
    issuer_id: str, body: RotateIn, services: Services, actor: Admin
) -> list[dict[str, object]]:
    """Activate the given (published) certificate and retire the issuer's other active
    certificates of the same use. The new one comes first in the answer."""
    changed = services.certificates.rotate(actor, issuer_id, use=body.use, x5t=body.x5t_s256)
    return [_dump(v) for v in changed]


@router.get("/certificates/{x5t}")
def get_certificate(x5t: str, services: Services, _actor: Admin) -> dict[str, object]:
    return _dump(services.certificates.get(x5t))


@router.post("/certificates/{x5t}/activate")
def activate(x5t: str, services: Services, actor: Admin) -> dict[str, object]:
    return _dump(services.certificates.activate(actor, x5t))


@router.post("/certificates/{x5t}/retire")
def retire(x5t: str, services: Services, actor: Admin) -> dict[str, object]:
    return _dump(services.certificates.retire(actor, x5t))


@router.post("/certificates/{x5t}/revoke")
def revoke(
    x5t: str, services: Services, actor: Admin, body: RevokeIn | None = None
) -> dict[str, object]:
    revoked_at = None if body is None else body.revoked_at
    return _dump(services.certificates.revoke(actor, x5t, revoked_at=revoked_at))
