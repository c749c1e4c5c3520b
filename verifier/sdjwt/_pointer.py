"""RFC 6901 JSON Pointers, as the CLI and the presentation API name claims."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

Path = tuple[str, ...]


def parse_pointer(pointer: str | Sequence[str | int]) -> Path:
    """``"/address/street_address"`` → ``("address", "street_address")``; ``""`` is the root.

    A sequence (a DCQL-style claims path without ``null``) is accepted as well.
    """
    if not isinstance(pointer, str):
        if type(pointer) is tuple and all(type(t) is str for t in pointer):
            return pointer
        return tuple(str(p) for p in pointer)
    return _parse_text(pointer)


@lru_cache(maxsize=4096)  # credential types reuse the same few pointers
def _parse_text(pointer: str) -> Path:
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer {pointer!r} must start with '/'")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


def format_pointer(path: Sequence[str]) -> str:
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in path)
