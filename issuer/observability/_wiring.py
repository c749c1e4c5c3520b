"""The issuer's operational endpoints and middleware on its app (one call from ``create_app``)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from issuer.observability import metrics
from issuer.observability._readiness import readiness_checks
from servicekit.observability import (
    RequestObservationMiddleware,
    add_shutdown_hook,
    install_health,
    metrics_endpoint,
)

if TYPE_CHECKING:  # the services import the protocol code, which records metrics here
    from issuer.services import IssuerServices

ACCESS_LOG = "issuer.access"
log = logging.getLogger("issuer.operations")
#: Never delayed nor worth a latency series of their own: probes and scrapes.
OPERATIONAL_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def install_operations(app: FastAPI, services: IssuerServices) -> None:
    """``/healthz``, ``/readyz``, ``/metrics``, request timing and access lines, the dev
    request-delay hook, and the database engine disposed at shutdown. Call it in
    ``create_app`` before ``install_error_handling`` (whose request-id middleware must stay
    outermost, so access lines carry the request id)."""
    settings = services.settings
    install_health(app, readiness_checks(services), timeout=settings.readiness_timeout_seconds)
    collector = metrics.list_collector(services.db)
    app.add_api_route(
        "/metrics", metrics_endpoint(lambda: collector), methods=["GET"], include_in_schema=False
    )
    if settings.dev_request_delay_seconds:
        app.add_middleware(DevDelayMiddleware, seconds=settings.dev_request_delay_seconds)
    app.add_middleware(
        RequestObservationMiddleware,
        duration=metrics.REQUEST_DURATION,
        access_log=logging.getLogger(ACCESS_LOG),
    )
    add_shutdown_hook(app, lambda: _close(services))


def _close(services: IssuerServices) -> None:
    services.close()
    log.info("database connections closed")


class DevDelayMiddleware:
    """Dev mode only (settings refuse it otherwise): every request but the operational ones
    waits ``seconds`` first, so tests can hold a request in flight (graceful shutdown)."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in OPERATIONAL_PATHS:
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)
