"""Request ids: one per request, accepted from ``X-Request-ID`` when sane, else generated.

The id is echoed in the ``X-Request-ID`` response header and in every error body, kept in
``request.state.request_id`` and in :func:`current_request_id` (for log records). Requests that
fail with an exception nobody handled end here too: the client gets a 500 in the one JSON error
shape, the log gets the exception's type and frames — not its message, which may hold personal
data — and the route template, not the raw path.
"""

from __future__ import annotations

import logging
import re
import secrets
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit._errors import exception_summary
from servicekit.http._body import error_response
from servicekit.http._routes import route_template

REQUEST_ID_HEADER = "X-Request-ID"
#: What we accept from a client or a load balancer: printable token characters, bounded length
#: (UUIDs, ULIDs, ``Root=1-…`` trace ids). Anything else is replaced, never echoed.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._~:;=+/-]{1,128}")
_current: ContextVar[str | None] = ContextVar("request_id", default=None)
log = logging.getLogger("servicekit.http")


def current_request_id() -> str | None:
    """The id of the request being handled in this context, or ``None`` outside a request."""
    return _current.get()


def new_request_id() -> str:
    return secrets.token_hex(16)


def accepted_request_id(presented: str | None) -> str:
    """``presented`` when it is a sane id, else a fresh one."""
    if presented is not None and _SANE_REQUEST_ID.fullmatch(presented):
        return presented
    return new_request_id()


class RequestIdMiddleware:
    """Pure ASGI middleware (no response buffering): request id in, header out, 500 last resort."""

    def __init__(self, app: ASGIApp, *, legacy_detail: bool = False) -> None:
        self.app = app
        self.legacy_detail = legacy_detail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accepted_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        scope.setdefault("state", {})["request_id"] = request_id
        token = _current.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            summary = exception_summary(exc)
            route = route_template(scope)
            log.error(
                "unhandled %s in %s %s (request %s)\n%s",
                summary["type"],
                scope.get("method"),
                route,
                request_id,
                "\n".join(summary["frames"]),  # type: ignore[arg-type]
                extra={"method": scope.get("method"), "route": route, "exception_summary": summary},
            )
            if started:  # the status line is out: nothing better to do than cut the response
                raise
            response = error_response(
                500, "server_error", "internal error", request_id, legacy_detail=self.legacy_detail
            )
            await response(scope, receive, send_with_id)
        finally:
            _current.reset(token)
