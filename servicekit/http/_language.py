"""The language of a page: the one asked for, else the best of ``Accept-Language`` (RFC 9110
§12.5.4: quality values, language ranges by their primary subtag), else a default."""

from __future__ import annotations

import re
from collections.abc import Collection

_RANGE = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")
_MAX_RANGES = 32


def negotiate_language(
    requested: str | None,
    accept_language: str | None,
    supported: Collection[str],
    default: str,
) -> str:
    """``requested`` if supported, else the best ``Accept-Language`` match, else ``default``."""
    if requested in supported:
        assert requested is not None
        return requested
    best, best_q = default, 0.0
    for position, item in enumerate((accept_language or "").split(",")[:_MAX_RANGES]):
        match = _RANGE.fullmatch(item)
        if match is None:
            continue
        primary, quality = match.group(1).lower(), match.group(2)
        try:
            q = 1.0 if quality is None else float(quality)
        except ValueError:
            continue
        q -= position * 1e-6  # equal qualities: the first listed wins
        if primary in supported and q > best_q:
            best, best_q = primary, q
    return best
