"""FastAPI dependencies: the service container and admin authentication."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from issuer.services import IssuerServices
from servicekit.http import authenticate_admin


def get_services(request: Request) -> IssuerServices:
    services: IssuerServices = request.app.state.services
    return services


Services = Annotated[IssuerServices, Depends(get_services)]


def require_admin(services: Services, authorization: Annotated[str | None, Header()] = None) -> str:
    """The audit actor ``admin#<n>`` (401 without a bearer token, 403 with a wrong one)."""
    return authenticate_admin(authorization, services.settings.admin_tokens)


Admin = Annotated[str, Depends(require_admin)]
