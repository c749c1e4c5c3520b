"""The registry's HTTP API (FastAPI). Thin routers over :mod:`trust_registry.domain`; errors are
:class:`~trust_registry.domain.RegistryError` classes, answered by the one handler of
:mod:`servicekit.http` with request ids."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from servicekit.http import install_error_handling
from trust_registry.api import _admin_certificates, _admin_directory, _admin_lists, _public
from trust_registry.domain import ConcurrentChange, RegistryError
from trust_registry.services import RegistryServices


def _concurrent_change(_exc: Exception) -> RegistryError:
    return ConcurrentChange("the change conflicts with a concurrent change; retry")


def create_app(services: RegistryServices) -> FastAPI:
    app = FastAPI(title="civicred trust registry", version="0.1.0")
    app.state.services = services
    for module in (_admin_directory, _admin_certificates, _admin_lists, _public):
        app.include_router(module.router)

    @app.middleware("http")
    async def _no_store_admin(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path.startswith("/admin") or request.url.path == "/healthz":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/healthz", tags=["public"])
    def healthz() -> dict[str, str]:
        with services.db.session() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok"}

    # ``detail`` stays in error bodies: the registry's first API documented it.
    install_error_handling(app, translate={IntegrityError: _concurrent_change}, legacy_detail=True)
    return app


__all__ = ["create_app"]
