"""The wallet's pushed authorization request (RFC 9126): ``POST /par``, authenticated by the
wallet attestation; the browser side (``/portal/authorize``) is in :mod:`issuer.portal`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from issuer.api._deps import Services
from issuer.api._oid4vci import FormBody, no_store_json
from issuer.oid4vci import ATTESTATION_HEADER, POP_HEADER

router = APIRouter()


@router.post("/par", status_code=201)
def pushed_authorization_request(body: FormBody, request: Request, services: Services) -> Response:
    """201 ``{"request_uri", "expires_in"}`` (RFC 9126 §2.2)."""
    answer = services.oid4vci.push_authorization_request(
        body,
        content_type=request.headers.get("content-type"),
        dpop=request.headers.getlist("dpop"),
        attestation=request.headers.getlist(ATTESTATION_HEADER),
        attestation_pop=request.headers.getlist(POP_HEADER),
    )
    return no_store_json(answer.body, dpop_nonce=answer.dpop_nonce, status=201)
