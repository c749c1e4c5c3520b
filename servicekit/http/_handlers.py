"""The one exception handler: :class:`~servicekit.ServiceError` and FastAPI's own errors → the one
JSON error body (:func:`~servicekit.http._body.error_response`).

- a :class:`ServiceError`: its class's status, ``error`` code and headers, its message;
- request validation (FastAPI/pydantic), a body that is not JSON included: ``422
  invalid_request`` naming each offending field and what is wrong with it — never the value
  sent, which may be personal data (422 is FastAPI's status and the registry's documented one;
  400 stays for requests that pass the schema but cannot be acted on);
- routing errors (unknown path, wrong method…): their status, a code per status;
- anything else: ``500 server_error`` (in :class:`~servicekit.http.RequestIdMiddleware`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from servicekit._errors import ServiceError
from servicekit.http._body import error_response
from servicekit.http._request_id import RequestIdMiddleware
from servicekit.http._routes import route_template

log = logging.getLogger("servicekit.http")

#: Codes for the statuses the framework itself answers with (routing, methods, media types).
HTTP_STATUS_CODES: Mapping[int, str] = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
}
MAX_REPORTED_FIELDS = 5

#: Turns an exception from a library (e.g. a database constraint) into the service's error.
Translation = Callable[[Exception], ServiceError]


def install_error_handling(
    app: FastAPI,
    *,
    translate: Mapping[type[Exception], Translation] | None = None,
    legacy_detail: bool = False,
    log_refusals: bool = False,
) -> None:
    """Request ids and the one error handler on ``app``; call it last in ``create_app`` so the
    request-id middleware is the outermost one.

    ``translate`` maps foreign exception classes to a :class:`ServiceError` factory.
    ``legacy_detail`` adds ``detail`` to every error body (the registry's first API had it).
    ``log_refusals`` also logs each 4xx :class:`ServiceError` (at ``info``: route, status and
    ``error`` code, never the description), so an operator finds a client's refusal by its
    request id; 5xx errors are always logged (``warning``).
    """

    def respond(request: Request, exc: ServiceError) -> Response:
        if exc.status_code >= 500 or log_refusals:
            route = route_template(request.scope)
            log.log(
                logging.WARNING if exc.status_code >= 500 else logging.INFO,
                "%s %s → %d %s (request %s)",
                request.method,
                route,
                exc.status_code,
                exc.error,
                _request_id(request),
                extra={
                    "method": request.method,
                    "route": route,
                    "status": exc.status_code,
                    "error": exc.error,
                },
            )
        return error_response(
            exc.status_code,
            exc.error,
            exc.message,
            _request_id(request),
            headers=exc.headers,
            legacy_detail=legacy_detail,
        )

    async def service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        return respond(request, exc)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(
            422,
            "invalid_request",
            describe_validation_errors(list(exc.errors())),
            _request_id(request),
            legacy_detail=legacy_detail,
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        default = "server_error" if exc.status_code >= 500 else "http_error"
        return error_response(
            exc.status_code,
            HTTP_STATUS_CODES.get(exc.status_code, default),
            str(exc.detail),
            _request_id(request),
            headers=exc.headers,
            legacy_detail=legacy_detail,
        )

    def translated(factory: Translation) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handler(request: Request, exc: Exception) -> Response:
            return respond(request, factory(exc))

        return handler

    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    for exception_class, factory in (translate or {}).items():
        app.add_exception_handler(exception_class, translated(factory))
    app.add_middleware(RequestIdMiddleware, legacy_detail=legacy_detail)


def describe_validation_errors(errors: list[Any]) -> str:
    """``"body.status: Input should be 'valid' or 'invalid'; …"``: where and why, not the value."""
    parts = []
    for error in errors[:MAX_REPORTED_FIELDS]:
        where = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", ""))
    if len(errors) > MAX_REPORTED_FIELDS:
        parts.append(f"and {len(errors) - MAX_REPORTED_FIELDS} more")
    return "; ".join(parts) or "the request is not valid"


def _request_id(request: Request) -> str | None:
    request_id = getattr(request.state, "request_id", None)
    return request_id if isinstance(request_id, str) else None
