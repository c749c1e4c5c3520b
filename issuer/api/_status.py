"""Status list publication (draft-ietf-oauth-status-list §8) and the revocation admin API."""

from __future__ import annotations

import hashlib
from typing import Literal

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel

from issuer.api._deps import Admin, Services
from issuer.status import StatusError
from verifier.status import STATUS_LIST_CWT_MEDIA_TYPE, STATUS_LIST_JWT_MEDIA_TYPE, TokenStatus

router = APIRouter()


@router.get("/status/{list_id}")
def status_list(list_id: str, request: Request, services: Services) -> Response:
    """The Status List Token: JWT by default, CWT when the client asks for it (§8.1)."""
    published = services.status.published(list_id)
    if published is None:
        raise HTTPException(404, "no such status list")
    if STATUS_LIST_CWT_MEDIA_TYPE in request.headers.get("accept", ""):
        body, media_type = published.token_cwt, STATUS_LIST_CWT_MEDIA_TYPE
    else:
        body, media_type = published.token_jwt.encode("ascii"), STATUS_LIST_JWT_MEDIA_TYPE
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        # ttl (§5.1) bounds how long a relying party may cache; never past the token's exp.
        "Cache-Control": f"public, max-age={services.settings.status_list_ttl_seconds}",
        "Vary": "Accept",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


class StatusChange(BaseModel):
    status: Literal["valid", "invalid", "suspended"]


class DocumentRevocation(BaseModel):
    jti: str


_STATUS = {
    "valid": TokenStatus.VALID,
    "invalid": TokenStatus.INVALID,
    "suspended": TokenStatus.SUSPENDED,
}


@router.post("/admin/credentials/{credential_id}/status", status_code=204)
def change_credential(
    credential_id: str, change: StatusChange, services: Services, actor: Admin
) -> None:
    try:
        services.status.set_status(credential_id, _STATUS[change.status], actor=actor)
    except StatusError as exc:
        raise HTTPException(409 if "cannot change" in str(exc) else 404, str(exc)) from None


@router.post("/admin/groups/{group_id}/status")
def change_group(
    group_id: str, change: StatusChange, services: Services, actor: Admin
) -> dict[str, int]:
    try:
        count = services.status.set_group_status(group_id, _STATUS[change.status], actor=actor)
    except StatusError as exc:
        raise HTTPException(409 if "cannot change" in str(exc) else 404, str(exc)) from None
    return {"changed": count}


@router.get("/revocation/{list_id}")
def revocation_list(list_id: str, request: Request, services: Services) -> Response:
    """A signed jti revocation list (the ``rid`` of paper documents; docs/revocation-lists.md)."""
    token = services.revocation.published(list_id)
    if token is None:
        raise HTTPException(404, "no such revocation list")
    body = token.encode("ascii")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={services.settings.status_list_ttl_seconds}",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/jwt", headers=headers)


@router.post("/admin/documents/revoke", status_code=204)
def revoke_document(change: DocumentRevocation, services: Services, actor: Admin) -> None:
    """Revoke a paper document by its ``jti`` (final)."""
    try:
        services.revocation.revoke(change.jti, actor=actor)
    except StatusError as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/status")
def status_lists(services: Services) -> dict[str, list[str]]:
    """Every published list: for verifiers that prefetch (the draft's aggregation, §9)."""
    return {"status_lists": services.status.list_uris()}
