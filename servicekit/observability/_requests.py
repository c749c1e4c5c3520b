"""One access line and one latency observation per request, by route template.

The route is the template the router matched (``/status/{list_id}``), never the raw path, which
may carry identifiers; requests no route matched are ``unmatched``. Query strings, headers and
bodies are not read.
"""

from __future__ import annotations

import logging
import time

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.http import route_template

#: The label names of the latency histogram this middleware observes.
DURATION_LABELS = ("route", "method", "status_class")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def status_class(status: int) -> str:
    return f"{status // 100}xx"


class RequestObservationMiddleware:
    """Pure ASGI middleware: times each HTTP request, observes ``duration`` (a histogram with
    :data:`DURATION_LABELS`) and logs one access line on ``access_log``.

    Install it inside the request-id middleware so the line carries the request id.
    """

    def __init__(self, app: ASGIApp, *, duration: Histogram, access_log: logging.Logger) -> None:
        self.app = app
        self.duration = duration
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaped

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope.get("method", "")
            method = method if method in _METHODS else "other"
            self.duration.labels(route, method, status_class(status)).observe(elapsed)
            self.access_log.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 3),
                },
            )
