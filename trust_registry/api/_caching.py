"""ETag / If-None-Match / Cache-Control for the public documents."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response

from trust_registry.domain import SignedDocument


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest() + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison; ``*`` matches any current representation."""
    if not if_none_match:
        return False
    candidates = [c.strip().removeprefix("W/") for c in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


def cached(
    request: Request, body: bytes, media_type: str, *, max_age: int, etag: str | None = None
) -> Response:
    """``body`` with a strong ETag and ``Cache-Control: public``; 304 when the client has it."""
    etag = etag or strong_etag(body)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max(0, max_age)}"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def signed(request: Request, document: SignedDocument, *, now: float, cap: int) -> Response:
    """A signed document: ``max-age`` never reaches past its ``next_update``."""
    max_age = min(cap, int(document.next_update - now))
    return cached(
        request,
        document.body.encode("ascii"),
        "application/jwt",
        max_age=max_age,
        etag=document.etag,
    )
