"""``/healthz`` (the process answers) and ``/readyz`` (it can do its work), and shutdown hooks.

A readiness check is a function that returns when its part works and raises :class:`NotReady`
with a short reason when it does not. Any other exception counts as a failure named by its type
only (messages may hold a URL with a password, a path, a value). Each check runs in a worker
thread with a time limit; ``/readyz`` answers 200 ``{"status": "ready", "checks": {...}}`` or 503
``{"status": "not_ready", "failed": [...], "checks": {...}}``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from starlette.responses import JSONResponse

OK = "ok"
NO_STORE = {"Cache-Control": "no-store"}
log = logging.getLogger("servicekit.health")

Check = Callable[[], None]


class NotReady(Exception):
    """A readiness check failed; ``reason`` is shown to the caller (no secrets, no data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def run_checks(checks: Mapping[str, Check], *, timeout: float) -> dict[str, str]:
    """``{name: "ok" | reason}`` for each check, each within ``timeout`` seconds."""
    results = {}
    for name, check in checks.items():
        results[name] = await _run(name, check, timeout)
    return results


async def _run(name: str, check: Check, timeout: float) -> str:
    try:
        with anyio.fail_after(timeout):
            await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
    except TimeoutError:
        reason = f"no answer within {timeout:g} s"
    except NotReady as exc:
        reason = exc.reason
    except Exception as exc:
        reason = f"failed ({type(exc).__name__})"
    else:
        return OK
    log.warning("readiness check failed", extra={"check": name})
    return reason


def install_health(app: FastAPI, checks: Mapping[str, Check], *, timeout: float) -> None:
    """``GET /healthz`` and ``GET /readyz`` on ``app`` (never cached)."""

    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"}, headers=NO_STORE)

    async def readyz() -> JSONResponse:
        results = await run_checks(checks, timeout=timeout)
        failed = [name for name, result in results.items() if result != OK]
        body: dict[str, Any] = {"status": "not_ready" if failed else "ready"}
        if failed:
            body["failed"] = failed
        body["checks"] = results
        return JSONResponse(body, status_code=503 if failed else 200, headers=NO_STORE)

    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    app.add_api_route("/readyz", readyz, methods=["GET"], include_in_schema=False)


def add_shutdown_hook(app: FastAPI, hook: Callable[[], None]) -> None:
    """Run ``hook`` when the server shuts ``app`` down (after in-flight requests finished),
    whatever lifespan the app already has."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        try:
            async with inner(application) as state:
                yield state
        finally:
            hook()

    app.router.lifespan_context = lifespan
