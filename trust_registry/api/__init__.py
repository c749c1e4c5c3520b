"""The registry's HTTP API (FastAPI). Thin routers over :mod:`trust_registry.domain`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from trust_registry.api import _admin_certificates, _admin_directory, _admin_lists, _public
from trust_registry.domain import RegistryError
from trust_registry.services import RegistryServices


def create_app(services: RegistryServices) -> FastAPI:
    app = FastAPI(title="civicred trust registry", version="0.1.0")
    app.state.services = services
    for module in (_admin_directory, _admin_certificates, _admin_lists, _public):
        app.include_router(module.router)

    @app.exception_handler(RegistryError)
    async def _domain_error(_request: Request, exc: RegistryError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)

    @app.exception_handler(IntegrityError)
    async def _integrity_error(_request: Request, _exc: IntegrityError) -> JSONResponse:
        detail = "the change conflicts with a concurrent change; retry"
        return JSONResponse({"detail": detail}, status_code=409)

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

    return app


__all__ = ["create_app"]
