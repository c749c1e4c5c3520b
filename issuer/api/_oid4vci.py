"""The OpenID4VCI 1.0 endpoints a wallet calls (docs/openid4vci.md): metadata, offers by
reference, token, nonce, credential and notification. Thin: the request's body, content type and
headers go to :class:`issuer.oid4vci.OpenId4VciService`; its answers become JSON with
``Cache-Control: no-store`` and the next ``DPoP-Nonce``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response

from issuer.api._deps import Services
from issuer.errors import NotFound, RequestTooLarge
from issuer.oid4vci import ATTESTATION_HEADER, NONCE_HEADER, POP_HEADER, ResourceRequest
from issuer.settings import IssuerSettings
from servicekit.http import cached_response

router = APIRouter()
JSON = "application/json"
#: Metadata changes with a release only: caches may keep it a few minutes.
METADATA_MAX_AGE = 300
#: RFC 6749 §5.1 (token), OpenID4VCI 1.0 §7.2 (nonce), §8.3 (credential): never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM_LIMIT = 16 * 1024
JSON_LIMIT = 256 * 1024
MAX_HANDLE_CHARS = 128


def _body(limit: int) -> Callable[[Request], Awaitable[bytes]]:
    async def read(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"the request body is limited to {limit} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise RequestTooLarge(f"the request body is limited to {limit} bytes")
        return bytes(body)

    return read


FormBody = Annotated[bytes, Depends(_body(FORM_LIMIT))]
JsonBody = Annotated[bytes, Depends(_body(JSON_LIMIT))]


def no_store_json(
    body: Mapping[str, Any], *, dpop_nonce: str | None = None, status: int = 200
) -> Response:
    headers = dict(NO_STORE)
    if dpop_nonce is not None:
        headers[NONCE_HEADER] = dpop_nonce
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content, status_code=status, media_type=JSON, headers=headers)


def _well_known(request: Request, settings: IssuerSettings, name: str) -> None:
    """Served path-inserted (``settings.well_known``: RFC 8615, OpenID4VCI 1.0 §12.2.2, RFC 8414
    §3.1) and, for a proxy that strips the issuer's path, in the suffix form; nothing else."""
    served = {f"/.well-known/{name}", urlsplit(settings.well_known(name)).path}
    if request.url.path not in served:
        raise NotFound(f"no {name} metadata here")


def _metadata(request: Request, body: Mapping[str, Any]) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return cached_response(request, content, JSON, max_age=METADATA_MAX_AGE)


@router.get("/.well-known/openid-credential-issuer{suffix:path}")
def credential_issuer_metadata(request: Request, services: Services) -> Response:
    _well_known(request, services.settings, "openid-credential-issuer")
    return _metadata(request, services.oid4vci.issuer_metadata())


@router.get("/.well-known/oauth-authorization-server{suffix:path}")
def authorization_server_metadata(request: Request, services: Services) -> Response:
    _well_known(request, services.settings, "oauth-authorization-server")
    return _metadata(request, services.oid4vci.authorization_server_metadata())


@router.get("/offers/{handle}")
def credential_offer(handle: str, services: Services) -> Response:
    """The offer by reference (§4.1.3): the same document on each fetch while it is usable."""
    if len(handle) > MAX_HANDLE_CHARS:
        raise NotFound("no such credential offer (unknown, expired or already used)")
    return no_store_json(services.oid4vci.offer(handle))


@router.post("/token")
def token(body: FormBody, request: Request, services: Services) -> Response:
    answer = services.oid4vci.token(
        body,
        content_type=request.headers.get("content-type"),
        dpop=_dpop(request),
        attestation=request.headers.getlist(ATTESTATION_HEADER),
        attestation_pop=request.headers.getlist(POP_HEADER),
    )
    return no_store_json(answer.body, dpop_nonce=answer.dpop_nonce)


@router.post("/nonce")
def nonce(services: Services) -> Response:
    answer = services.oid4vci.nonce()
    return no_store_json(answer.body, dpop_nonce=answer.dpop_nonce)


@router.post("/credential")
def credential(body: JsonBody, request: Request, services: Services) -> Response:
    answer = services.oid4vci.credential(
        _resource(request), body, content_type=request.headers.get("content-type")
    )
    return no_store_json(answer.body, dpop_nonce=answer.dpop_nonce)


@router.post("/notification", status_code=204)
def notification(body: JsonBody, request: Request, services: Services) -> Response:
    dpop_nonce = services.oid4vci.notification(
        _resource(request), body, content_type=request.headers.get("content-type")
    )
    return Response(status_code=204, headers={**NO_STORE, NONCE_HEADER: dpop_nonce})


def _dpop(request: Request) -> list[str]:
    return request.headers.getlist("dpop")


def _resource(request: Request) -> ResourceRequest:
    return ResourceRequest(
        authorization=request.headers.getlist("authorization"),
        dpop=_dpop(request),
        query=set(request.query_params.keys()),
    )
