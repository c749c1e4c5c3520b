"""Strong ETags, ``If-None-Match`` and ``Cache-Control`` for public documents (RFC 9110 §8.8.3,
§13.1.2, §15.4.5; RFC 9111 §5.2.2)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

#: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (RFC 9110 §8.8.3); commas may occur inside a tag.
#: Empty list elements are allowed (RFC 9110 §5.6.1.2).
_ENTITY_TAG = re.compile(r'(?:\s*,)*\s*(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


def strong_etag(body: bytes) -> str:
    """A strong validator: the SHA-256 of the representation's bytes, quoted."""
    return '"' + hashlib.sha256(body).hexdigest() + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """``If-None-Match`` evaluation (RFC 9110 §13.1.2): weak comparison, so ``W/"x"`` matches
    ``"x"``; ``*`` matches any current representation; a list matches when one member does. An
    unparsable header matches nothing (the full response is sent)."""
    if not if_none_match or not if_none_match.strip():
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    position, candidates = 0, []
    while position < len(if_none_match):
        match = _ENTITY_TAG.match(if_none_match, position)
        if match is None:
            return False
        candidates.append(match.group(1))
        position = match.end()
    return wanted in candidates


def cached_response(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    max_age: int,
    etag: str | None = None,
    vary: str | None = None,
) -> Response:
    """``body`` with a strong ETag and ``Cache-Control: public, max-age``; ``304`` with the same
    ``ETag``, ``Cache-Control`` and ``Vary`` and no body when the client already has it."""
    headers: Mapping[str, str] = {
        "ETag": etag or strong_etag(body),
        "Cache-Control": f"public, max-age={max(0, max_age)}",
        **({"Vary": vary} if vary else {}),
    }
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=dict(headers))
    return Response(body, media_type=media_type, headers=dict(headers))
