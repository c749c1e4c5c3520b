"""Public documents: the signed trust list, the bundle, the root, issuer metadata, JWK Sets."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response

from servicekit.http import cached_response
from trust_registry.api._caching import signed
from trust_registry.api._deps import Services

router = APIRouter(tags=["public"])


def _json(request: Request, services: Services, value: Any) -> Response:
    body = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return cached_response(
        request, body, "application/json", max_age=services.settings.cache_max_age_seconds
    )


@router.get("/trust-list", responses={200: {"content": {"application/jwt": {}}}})
def trust_list(request: Request, services: Services) -> Response:
    """The ``civicred-trust-list+jwt`` (docs/trust-list.md), re-signed when the data changes."""
    document = services.publication.trust_list()
    now = services.clock().timestamp()
    return signed(request, document, now=now, cap=services.settings.cache_max_age_seconds)


@router.get("/bundle", responses={200: {"content": {"application/jwt": {}}}})
def bundle(request: Request, services: Services) -> Response:
    """The offline ``civicred-bundle+jwt``: trust list, pushed status and revocation lists."""
    document = services.publication.bundle()
    now = services.clock().timestamp()
    return signed(request, document, now=now, cap=services.settings.cache_max_age_seconds)


@router.get("/root.pem", responses={200: {"content": {"application/x-pem-file": {}}}})
def root_pem(request: Request, services: Services) -> Response:
    """The registry root certificate that verifiers pin."""
    return cached_response(
        request,
        services.ca.root_pem,
        "application/x-pem-file",
        max_age=services.settings.cache_max_age_seconds,
    )


@router.get("/.well-known/jwt-vc-issuer")
@router.get("/.well-known/jwt-vc-issuer/{suffix:path}")
def jwt_vc_issuer(request: Request, services: Services, suffix: str = "") -> Response:
    """JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc §4) of the issuer whose URL path (or
    host and path) is ``suffix``."""
    return _json(request, services, services.metadata.issuer_metadata(suffix))


@router.get("/issuers/{issuer_id}/jwks.json")
def issuer_jwks(issuer_id: str, request: Request, services: Services) -> Response:
    """The issuer's active and published document-signing keys (with ``kid`` and ``x5c``)."""
    return _json(request, services, services.metadata.jwks(issuer_id))


@router.get("/api/v1/issuers")
def resolver(
    request: Request,
    services: Services,
    x509Thumbprint: str | None = None,
    countryCode: str | None = None,
    officialId: str | None = None,
) -> Response:
    """The EU Resolver API (all filters optional)."""
    issuers = services.resolver.issuers(
        x509_thumbprint=x509Thumbprint, country_code=countryCode, official_id=officialId
    )
    return _json(request, services, {"issuers": issuers})


@router.get("/api/v1/issuers/bulk")
def resolver_bulk(request: Request, services: Services) -> Response:
    """Every institution with all historical certificates, for offline caching."""
    return _json(request, services, {"issuers": services.resolver.issuers()})
