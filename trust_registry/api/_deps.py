"""FastAPI dependencies: the service container and admin authentication."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from trust_registry.services import RegistryServices


def get_services(request: Request) -> RegistryServices:
    services: RegistryServices = request.app.state.services
    return services


Services = Annotated[RegistryServices, Depends(get_services)]


def require_admin(services: Services, authorization: Annotated[str | None, Header()] = None) -> str:
    """``Authorization: Bearer <token>``: 401 without one, 403 with a wrong one. Every configured
    token is compared in constant time (no early exit). Returns the audit actor ``admin#<n>``."""
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "an admin bearer token is required",
            {"WWW-Authenticate": "Bearer"},
        )
    given = presented.strip().encode()
    matches = [
        hmac.compare_digest(given, token.get_secret_value().encode())
        for token in services.settings.admin_tokens
    ]
    if not any(matches):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "the admin token is not accepted",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return f"admin#{matches.index(True)}"


Admin = Annotated[str, Depends(require_admin)]
