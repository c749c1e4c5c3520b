"""CBOR at the trust boundary: bounded, strict, never a traceback, same on cbor2 5.x and 6.x.

Before cbor2 sees a byte, a small scanner walks the encoded item (RFC 8949 §3) and refuses what
cbor2 would silently accept or turn into something dangerous:

* trailing bytes after the one data item (cbor2 5.x ignores them);
* duplicate map keys (RFC 8949 §5.6; RFC 9052 §3 "labels ... MUST be unique"; cbor2 keeps the
  last one), compared on their encoded bytes, with integer keys required in preferred form so two
  spellings of the same key cannot slip past;
* nesting deeper than ``max_depth`` (cbor2 6.x decodes iteratively without a limit);
* the value-sharing tags 28/29, which build cyclic structures; malformed heads, reserved
  additional-information values and stray "break" codes.

Arrays may come back from cbor2 as lists (5.x) or tuples (6.x inside tags), and maps as ``dict``
or an immutable mapping: callers use :func:`as_array` and :func:`as_map`, never ``isinstance(x,
list)`` or ``dict``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import cbor2

from verifier import codes
from verifier._errors import MalformedInput

#: Default upper bound on an encoded CBOR item (bytes); callers pass their own for large tokens.
DEFAULT_MAX_CBOR_BYTES = 1 << 20
DEFAULT_MAX_DEPTH = 16

_ARG_SIZES = {24: 1, 25: 2, 26: 4, 27: 8}
_FORBIDDEN_TAGS = frozenset({28, 29})  # value sharing (cycles); never used by COSE/CWT
# cbor2 raises a zoo of exceptions across versions (5.x: CBORDecodeValueError/EOF subclass
# ValueError/EOFError; 6.x wraps everything in CBORDecodeError). All of them mean "malformed".
_DECODE_ERRORS = (
    cbor2.CBORDecodeError,
    ValueError,
    TypeError,
    EOFError,
    OverflowError,
    RecursionError,
    IndexError,
    KeyError,
    LookupError,
)


class _Scanner:
    __slots__ = ("data", "max_depth", "what")

    def __init__(self, data: bytes, max_depth: int, what: str) -> None:
        self.data = data
        self.max_depth = max_depth
        self.what = what

    def fail(self, reason: str) -> MalformedInput:
        return MalformedInput(
            f"{self.what} is not well-formed CBOR ({reason})", code=codes.INPUT_CBOR
        )

    def head(self, pos: int) -> tuple[int, int, int, int, bool]:
        """(major type, additional info, argument, next position, argument in preferred form)."""
        data = self.data
        if pos >= len(data):
            raise self.fail("truncated")
        initial = data[pos]
        major, info = initial >> 5, initial & 0x1F
        pos += 1
        if info < 24:
            return major, info, info, pos, True
        size = _ARG_SIZES.get(info)
        if size is None:
            if info == 31:
                return major, info, -1, pos, True
            raise self.fail("reserved additional information")
        if pos + size > len(data):
            raise self.fail("truncated")
        arg = int.from_bytes(data[pos : pos + size], "big")
        preferred = arg >= 24 if size == 1 else arg >= 1 << (4 * size)
        return major, info, arg, pos + size, preferred

    def item(self, pos: int, depth: int) -> int:
        """The position just after the data item starting at ``pos``."""
        if depth > self.max_depth:
            raise MalformedInput(f"{self.what} is nested too deeply", code=codes.INPUT_DEPTH)
        major, info, arg, pos, _ = self.head(pos)
        if major == 7:
            if info == 31:
                raise self.fail("unexpected break")
            if info == 24 and arg < 32:
                raise self.fail("invalid simple value")  # RFC 8949 §3.3
            return pos
        if info == 31:
            return self.indefinite(major, pos, depth)
        if major in (0, 1):
            return pos
        if major in (2, 3):
            if arg > len(self.data) - pos:
                raise self.fail("string runs past the end")
            return pos + arg
        if major == 4:
            if arg > len(self.data) - pos:  # every element takes at least one byte
                raise self.fail("array runs past the end")
            for _ in range(arg):
                pos = self.item(pos, depth + 1)
            return pos
        if major == 5:
            if 2 * arg > len(self.data) - pos:
                raise self.fail("map runs past the end")
            seen: set[bytes] = set()
            for _ in range(arg):
                pos = self.map_entry(pos, depth, seen)
            return pos
        if arg in _FORBIDDEN_TAGS:  # major 6
            raise self.fail(f"tag {arg} is not allowed")
        return self.item(pos, depth + 1)

    def map_entry(self, pos: int, depth: int, seen: set[bytes]) -> int:
        key_major, _, _, _, preferred = self.head(pos)
        if key_major in (0, 1) and not preferred:
            raise self.fail("integer map key not in preferred encoding")
        end = self.item(pos, depth + 1)
        key = self.data[pos:end]
        if key in seen:
            raise self.fail("duplicate map key")
        seen.add(key)
        return self.item(end, depth + 1)

    def indefinite(self, major: int, pos: int, depth: int) -> int:
        data = self.data
        if major in (0, 1, 6):
            raise self.fail("indefinite length on a type that has none")
        seen: set[bytes] = set()
        while True:
            if pos >= len(data):
                raise self.fail("truncated")
            if data[pos] == 0xFF:
                return pos + 1
            if major in (2, 3):  # chunks: definite strings of the same major type
                chunk_major, chunk_info, _, _, _ = self.head(pos)
                if chunk_major != major or chunk_info == 31:
                    raise self.fail("bad chunk in an indefinite-length string")
                pos = self.item(pos, depth + 1)
            elif major == 4:
                pos = self.item(pos, depth + 1)
            else:
                pos = self.map_entry(pos, depth, seen)


def loads_cbor(
    data: bytes,
    *,
    max_size: int = DEFAULT_MAX_CBOR_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    what: str = "CBOR value",
) -> Any:
    """Decode exactly one well-formed CBOR data item of at most ``max_size`` bytes."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedInput(f"{what} is not bytes", code=codes.INPUT_CBOR)
    data = bytes(data)
    if len(data) > max_size:
        raise MalformedInput(f"{what} exceeds {max_size} bytes", code=codes.INPUT_SIZE)
    end = _Scanner(data, max_depth, what).item(0, 0)
    if end != len(data):
        raise MalformedInput(
            f"{what} has {len(data) - end} trailing byte(s) after the CBOR item",
            code=codes.INPUT_CBOR,
        )
    try:
        return cbor2.loads(data)
    except _DECODE_ERRORS as exc:
        raise MalformedInput(
            f"{what} could not be decoded ({exc})", code=codes.INPUT_CBOR
        ) from None


def dumps_cbor(value: Any) -> bytes:
    """Encode with cbor2's defaults: definite lengths, preferred (shortest) argument encoding."""
    return cbor2.dumps(value)


def as_map(value: object, *, what: str, code: str = codes.INPUT_CBOR) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise MalformedInput(f"{what} is not a CBOR map", code=code)
    return value


def as_array(value: object, *, what: str, code: str = codes.INPUT_CBOR) -> Sequence[Any]:
    # cbor2 5.x: list; cbor2 6.x: tuple for arrays nested in tags or used immutably.
    if not isinstance(value, list | tuple):
        raise MalformedInput(f"{what} is not a CBOR array", code=code)
    return value
