"""Caching of the signed public documents (ETag and 304 come from ``servicekit.http``)."""

from __future__ import annotations

from fastapi import Request, Response

from servicekit.http import cached_response
from trust_registry.domain import SignedDocument


def signed(request: Request, document: SignedDocument, *, now: float, cap: int) -> Response:
    """A signed document: ``max-age`` never reaches past its ``next_update``."""
    max_age = min(cap, int(document.next_update - now))
    return cached_response(
        request,
        document.body.encode("ascii"),
        "application/jwt",
        max_age=max_age,
        etag=document.etag,
    )
