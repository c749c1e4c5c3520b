"""FastAPI dependencies: the service container and admin authentication."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from issuer.services import IssuerServices


def get_services(request: Request) -> IssuerServices:
    services: IssuerServices = request.app.state.services
    return services


Services = Annotated[IssuerServices, Depends(get_services)]


def require_admin(services: Services, authorization: Annotated[str | None, Header()] = None) -> str:
    """Bearer-token admin authentication; compared in constant time against every configured token."""
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "admin token required", {"WWW-Authenticate": "Bearer"}
        )
    presented = authorization.removeprefix("Bearer ").encode()
    matches = [hmac.compare_digest(presented, t.encode()) for t in services.settings.admin_tokens]
    if not any(matches):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin token not accepted")
    return f"admin#{matches.index(True)}"


Admin = Annotated[str, Depends(require_admin)]
