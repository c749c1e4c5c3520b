"""The one JSON error body of both services."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse


def error_response(
    status: int,
    error: str,
    description: str,
    request_id: str | None,
    *,
    headers: Mapping[str, str] | None = None,
    legacy_detail: bool = False,
) -> JSONResponse:
    """``{"error": code, "error_description": message, "request_id": id}`` with ``status``.

    The shape of OAuth 2.0 error responses (RFC 6749 §5.2), which OpenID4VCI reuses; never cached.
    ``legacy_detail`` adds ``detail`` (the same text) for clients of the registry's first API.
    """
    body: dict[str, str | None] = {
        "error": error,
        "error_description": description,
        "request_id": request_id,
    }
    if legacy_detail:
        body["detail"] = description
    return JSONResponse(
        body, status_code=status, headers={**(headers or {}), "Cache-Control": "no-store"}
    )
