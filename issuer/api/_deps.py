"""FastAPI dependencies: the service container and the two roles of the operator API.

- ``Operator``: a token from ``admin_tokens``; may change and read. ``Admin`` is the same (the
  older name, kept for the ``/admin`` routes and code that uses it).
- ``Auditor``: a token from ``auditor_tokens`` or an operator token; may only read.

Without a bearer token: 401 ``unauthorized``; a token of no role: 403 ``invalid_token``; an
auditor token where an operator is needed: 403 ``forbidden``. Each dependency is the audit actor
(``operator#<n>``, ``auditor#<n>``), and leaves it in ``request.state.audit_actor`` for the
record of a refused request (``-`` while nobody is authenticated).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from issuer.services import IssuerServices
from servicekit import Forbidden
from servicekit.http import Principal, authenticate_bearer

OPERATOR = "operator"
AUDITOR = "auditor"
#: The audit actor of a request that presented no accepted token.
ANONYMOUS = "-"


def get_services(request: Request) -> IssuerServices:
    services: IssuerServices = request.app.state.services
    return services


Services = Annotated[IssuerServices, Depends(get_services)]


def _principal(request: Request, services: IssuerServices, authorization: str | None) -> Principal:
    request.state.audit_actor = ANONYMOUS
    settings = services.settings
    principal = authenticate_bearer(
        authorization, {OPERATOR: settings.admin_tokens, AUDITOR: settings.auditor_tokens}
    )
    request.state.audit_actor = principal.actor
    return principal


def require_operator(
    request: Request, services: Services, authorization: Annotated[str | None, Header()] = None
) -> str:
    """The audit actor ``operator#<n>``."""
    principal = _principal(request, services, authorization)
    if principal.role != OPERATOR:
        raise Forbidden("this request needs an operator token (auditor tokens may only read)")
    return principal.actor


def require_auditor(
    request: Request, services: Services, authorization: Annotated[str | None, Header()] = None
) -> str:
    """The audit actor ``auditor#<n>`` or ``operator#<n>`` (operators may read too)."""
    return _principal(request, services, authorization).actor


Operator = Annotated[str, Depends(require_operator)]
Auditor = Annotated[str, Depends(require_auditor)]
Admin = Operator
