"""The issuer's HTTP API (FastAPI). Thin routers over :mod:`issuer.services`; errors are
:mod:`issuer.errors`, answered by the one handler of :mod:`servicekit.http` with request ids."""

from __future__ import annotations

from fastapi import FastAPI

from issuer.api import _admin, _authorization, _offers, _oid4vci, _operator, _sources, _status
from issuer.observability import install_operations
from issuer.portal import create_portal_app
from issuer.services import IssuerServices
from servicekit.http import install_error_handling


def create_app(services: IssuerServices) -> FastAPI:
    app = FastAPI(title="civicred issuer", version="0.1.0")
    app.state.services = services
    app.include_router(_status.router)
    app.include_router(_operator.router)
    app.include_router(_admin.router)
    app.include_router(_oid4vci.router)
    app.include_router(_offers.router)
    app.include_router(_sources.router)
    app.include_router(_authorization.router)
    app.mount("/portal", create_portal_app(services))
    install_operations(app, services)  # health, readiness, metrics, access log, shutdown
    # refusals are logged with their code and request id: a wallet's failure can be found
    install_error_handling(app, log_refusals=True)
    return app


__all__ = ["create_app"]
