"""The route a request matched, as its template: what logs and metrics name, never the raw path
(``/status/{list_id}``, not ``/status/85073003328``), which may carry identifiers."""

from __future__ import annotations

from starlette.types import Scope

UNMATCHED_ROUTE = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's path template (FastAPI and Starlette routes keep it in ``scope``);
    :data:`UNMATCHED_ROUTE` when no route matched (yet)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) else UNMATCHED_ROUTE
