"""Status and revocation list publication (draft-ietf-oauth-status-list §8; public, no token)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from issuer.api._deps import Services
from servicekit.http import cached_response
from verifier.status import STATUS_LIST_CWT_MEDIA_TYPE, STATUS_LIST_JWT_MEDIA_TYPE

router = APIRouter()
REVOCATION_LIST_MEDIA_TYPE = "application/jwt"


@router.get("/status/{list_id}")
def status_list(list_id: str, request: Request, services: Services) -> Response:
    """The Status List Token: JWT by default, CWT when the client asks for it (§8.1); strong ETag
    per representation, 304 on a matching ``If-None-Match``."""
    published = services.status.published(list_id)
    if STATUS_LIST_CWT_MEDIA_TYPE in request.headers.get("accept", ""):
        body, media_type = published.token_cwt, STATUS_LIST_CWT_MEDIA_TYPE
    else:
        body, media_type = published.token_jwt.encode("ascii"), STATUS_LIST_JWT_MEDIA_TYPE
    # ttl (§5.1) bounds how long a relying party may cache; never past the token's exp.
    until_exp = int((published.expires_at - services.clock()).total_seconds())
    max_age = min(services.settings.status_list_ttl_seconds, until_exp)
    return cached_response(request, body, media_type, max_age=max_age, vary="Accept")


@router.get("/revocation/{list_id}")
def revocation_list(list_id: str, request: Request, services: Services) -> Response:
    """A signed jti revocation list (the ``rid`` of paper documents; docs/revocation-lists.md)."""
    body = services.revocation.published(list_id).encode("ascii")
    max_age = services.settings.status_list_ttl_seconds
    return cached_response(request, body, REVOCATION_LIST_MEDIA_TYPE, max_age=max_age)


@router.get("/status")
def status_lists(services: Services) -> dict[str, list[str]]:
    """Every published list: for verifiers that prefetch (the draft's aggregation, §9)."""
    return {"status_lists": services.status.list_uris()}
