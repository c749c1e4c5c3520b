"""The one place where verified claims are cut down to what a purpose shows.

Everything a verifier hands on — the CLI's report, the desk's page — goes through
:func:`disclose`: the result holds the shown paths and nothing else (no technical claims, no
holder key, no status index, no claim the holder disclosed beyond the request). What is not
returned here is neither shown nor stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def disclose(claims: Mapping[str, Any], shown: Iterable[tuple[str, ...]]) -> dict[str, Any]:
    """A new nested ``dict`` holding exactly the values at ``shown`` paths that are present.

    Paths are object keys from the root (``("subject", "given_name")``); a path through a value
    that is not an object, or to a claim that was not disclosed, is left out, and so is the empty
    path (the whole credential is never "a claim"). Values are copied, so the result shares
    nothing with ``claims``.
    """
    out: dict[str, Any] = {}
    for path in shown:
        if not path:
            continue
        found, value = _lookup(claims, path)
        if found:
            _place(out, path, value)
    return out


def _lookup(claims: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = claims
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False, None
        node = node[key]
    return True, _copy(node)


def _place(out: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = out
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value


def claim_at(claims: Mapping[str, Any] | None, path: tuple[str, ...]) -> tuple[bool, Any]:
    """``(True, value)`` if ``claims`` holds ``path``, else ``(False, None)``."""
    return (False, None) if claims is None else _lookup(claims, path)
