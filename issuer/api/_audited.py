"""The route class of the operator API: every request is in the audit chain, every answer
``Cache-Control: no-store``.

The lifecycle service records what it is asked to do — done or refused with an issuer error.
What never reaches it is recorded here: requests refused by authentication or role (401, 403),
requests that do not match the endpoint's schema (422), and defects (500). The action is the
route's ``name``; the target is built from the path parameter with
:func:`issuer.lifecycle.target`, so a malformed handle is written ``<kind>:-``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from issuer.api._deps import ANONYMOUS
from issuer.errors import IssuerError
from issuer.lifecycle import TargetKind, target
from issuer.services import IssuerServices
from servicekit import ServiceError, exception_summary

log = logging.getLogger("issuer.audit")

#: Which path parameter names which kind of target.
_PATH_TARGETS = {
    "reference": TargetKind.ISSUANCE,
    "credential_id": TargetKind.CREDENTIAL,
    "jti": TargetKind.DOCUMENT,
    "group_id": TargetKind.GROUP,
}


class AuditedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        action = self.name

        async def audited(request: Request) -> Response:
            try:
                response = await handler(request)
            except IssuerError:
                raise  # recorded by the lifecycle service
            except Exception as exc:
                await run_in_threadpool(_record_refusal, request, action, exc)
                raise
            response.headers["Cache-Control"] = "no-store"
            return response

        return audited


def refusal_target(action: str, path_params: dict[str, Any]) -> str:
    """The target of a refused request: its path parameter's, else the action's noun."""
    for name, kind in _PATH_TARGETS.items():
        if name in path_params:
            return target(kind, str(path_params[name]))
    noun = action.split(".", 1)[0]
    return target(TargetKind(noun), "") if noun in set(TargetKind) else noun


def _record_refusal(request: Request, action: str, exc: Exception) -> None:
    services: IssuerServices = request.app.state.services
    if isinstance(exc, ServiceError):
        error = exc.error
    elif isinstance(exc, RequestValidationError):
        error = "invalid_request"
    else:
        error = "server_error"
    try:
        services.lifecycle.refused(
            actor=getattr(request.state, "audit_actor", ANONYMOUS),
            action=action,
            target=refusal_target(action, request.path_params),
            error=error,
        )
    except Exception as failure:  # the request's own error is what the client must get
        log.error(
            "could not record a refused request in the audit log",
            extra={"error": error, "exception_summary": exception_summary(failure)},
        )
